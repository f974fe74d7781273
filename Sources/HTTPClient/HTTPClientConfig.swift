import Model

/// The client half of Prometheus' `http_config` (shared by scrape configs and
/// Alertmanager receivers): authentication, TLS, proxy and redirects.
public struct HTTPClientConfig: Sendable {
    /// Basic authentication (`basic_auth`).
    public struct BasicAuth: Sendable, Hashable {
        public var username: String
        public var password: Secret
        /// A file holding the password (`password_file`), read at each request and trimmed
        /// of surrounding white space; it takes the place of `password`.
        public var passwordFile: String?

        public init(username: String, password: Secret = Secret(""), passwordFile: String? = nil) {
            self.username = username
            self.password = password
            self.passwordFile = passwordFile
        }
    }

    /// A configuration that cannot be used, with Prometheus' wording.
    public struct ValidationError: Error, Equatable, CustomStringConvertible {
        public var message: String
        public init(_ message: String) { self.message = message }
        public var description: String { message }
    }

    public var basicAuth: BasicAuth?
    /// The scheme of the `Authorization` header sent with `bearerToken`/`bearerTokenFile`
    /// (`authorization.type`); `Bearer` unless configured otherwise.
    public var authorizationType: String = "Bearer"
    /// Sent as `Authorization: Bearer …` (`bearer_token`).
    public var bearerToken: Secret?
    /// A file holding the bearer token (`bearer_token_file`), read at each request and
    /// trimmed of surrounding white space, so a rotated token is picked up.
    public var bearerTokenFile: String?
    /// The proxy every request goes through (`proxy_url`), e.g. `http://proxy:3128`. `nil`
    /// means none: the `http_proxy`/`HTTPS_PROXY` environment variables are ignored, as
    /// Prometheus ignores them unless told otherwise.
    public var proxyURL: String?
    public var tls: TLSConfig
    /// Follows 3xx responses, at most 10 in a row as Go does (`follow_redirects`).
    public var followRedirects: Bool
    /// The `User-Agent` header, unless a request sets its own.
    public var userAgent: String

    public init(
        basicAuth: BasicAuth? = nil,
        bearerToken: Secret? = nil,
        bearerTokenFile: String? = nil,
        proxyURL: String? = nil,
        tls: TLSConfig = TLSConfig(),
        followRedirects: Bool = true,
        userAgent: String = "Klaxon",
        authorizationType: String = "Bearer"
    ) {
        self.authorizationType = authorizationType
        self.basicAuth = basicAuth
        self.bearerToken = bearerToken
        self.bearerTokenFile = bearerTokenFile
        self.proxyURL = proxyURL
        self.tls = tls
        self.followRedirects = followRedirects
        self.userAgent = userAgent
    }

    /// Prometheus' `HTTPClientConfig.Validate` checks that apply here.
    public func validate() throws(ValidationError) {
        if bearerToken != nil && bearerTokenFile != nil {
            throw ValidationError("at most one of bearer_token & bearer_token_file must be configured")
        }
        if basicAuth != nil && (bearerToken != nil || bearerTokenFile != nil) {
            throw ValidationError("at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured")
        }
        if let basicAuth, basicAuth.passwordFile != nil, !basicAuth.password.isEmpty {
            throw ValidationError("at most one of basic_auth password & password_file must be configured")
        }
        try tls.validate()
    }
}

/// `HTTPClientConfig` under a second name, for modules that declare their own
/// `HTTPClientConfig` (Alerting's parsed `http_config`) and so cannot name this one.
public typealias CurlClientConfig = HTTPClientConfig

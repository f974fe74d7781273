/// TLS settings of Prometheus' `tls_config`. Every path is read when a transfer starts, so
/// rotated files take effect on the next request.
public struct TLSConfig: Sendable, Hashable, Codable {
    /// PEM file of the CA certificates that verify the server (`ca_file`); `nil` uses the
    /// system's store.
    public var caFile: String?
    /// PEM client certificate (`cert_file`), sent when the server asks for one.
    public var certFile: String?
    /// PEM private key of `certFile` (`key_file`).
    public var keyFile: String?
    /// The name to send in SNI and to verify the certificate against (`server_name`),
    /// instead of the URL's host. The connection still goes to the URL's host and port,
    /// and the `Host` header still names it.
    public var serverName: String?
    /// Accepts any certificate and any host name (`insecure_skip_verify`).
    public var insecureSkipVerify: Bool
    /// The oldest TLS version accepted (`min_version`: `TLS10`, `TLS11`, `TLS12`, `TLS13`);
    /// `nil` leaves libcurl's default.
    public var minVersion: String?

    public init(
        caFile: String? = nil,
        certFile: String? = nil,
        keyFile: String? = nil,
        serverName: String? = nil,
        insecureSkipVerify: Bool = false,
        minVersion: String? = nil
    ) {
        self.minVersion = minVersion
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
        self.serverName = serverName
        self.insecureSkipVerify = insecureSkipVerify
    }

    enum CodingKeys: String, CodingKey {
        case caFile = "ca_file"
        case certFile = "cert_file"
        case keyFile = "key_file"
        case serverName = "server_name"
        case insecureSkipVerify = "insecure_skip_verify"
        case minVersion = "min_version"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        caFile = try c.decodeIfPresent(String.self, forKey: .caFile)
        certFile = try c.decodeIfPresent(String.self, forKey: .certFile)
        keyFile = try c.decodeIfPresent(String.self, forKey: .keyFile)
        serverName = try c.decodeIfPresent(String.self, forKey: .serverName)
        insecureSkipVerify = try c.decodeIfPresent(Bool.self, forKey: .insecureSkipVerify) ?? false
        minVersion = try c.decodeIfPresent(String.self, forKey: .minVersion)
    }

    /// Prometheus' checks: a certificate needs its key and a key its certificate.
    public func validate() throws(HTTPClientConfig.ValidationError) {
        if certFile != nil && keyFile == nil {
            throw .init("exactly one of key or key_file must be configured when a client certificate is configured")
        }
        if keyFile != nil && certFile == nil {
            throw .init("exactly one of cert or cert_file must be configured when a client key is configured")
        }
        if let v = minVersion, !["TLS10", "TLS11", "TLS12", "TLS13"].contains(v) {
            throw .init("unknown TLS version: \(v)")
        }
    }
}

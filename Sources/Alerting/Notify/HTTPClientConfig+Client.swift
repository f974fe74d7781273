import HTTPClient
import Model

/// The client's `TLSConfig`; inside `HTTPClientConfig` the name means the nested parsed one.
typealias ClientTLSConfig = TLSConfig

extension HTTPClientConfig {
    /// The libcurl client settings for this `http_config`. `authorization` and the older
    /// `bearer_token[_file]` both become the client's token (the loader allows only one);
    /// `authorization` without credentials sends no header, as Prometheus' client does.
    /// `enable_http2` has no counterpart: the client speaks HTTP/1.1.
    var clientConfig: CurlClientConfig {
        var c = CurlClientConfig(userAgent: notifierUserAgent)
        if let b = basicAuth {
            c.basicAuth = .init(username: b.username, password: b.password ?? Secret(""),
                                passwordFile: b.passwordFile.isEmpty ? nil : b.passwordFile)
        }
        if let a = authorization {
            c.authorizationType = a.type.isEmpty ? "Bearer" : a.type
            if let credentials = a.credentials, !credentials.isEmpty { c.bearerToken = credentials }
            if !a.credentialsFile.isEmpty { c.bearerTokenFile = a.credentialsFile }
        }
        if let t = bearerToken, !t.isEmpty { c.bearerToken = t }
        if !bearerTokenFile.isEmpty { c.bearerTokenFile = bearerTokenFile }
        if !proxyURL.isEmpty { c.proxyURL = proxyURL }
        c.followRedirects = followRedirects
        c.tls = tlsConfig.clientTLS
        return c
    }
}

extension HTTPClientConfig.TLSConfig {
    /// The client's `TLSConfig` (empty strings are unset).
    var clientTLS: ClientTLSConfig {
        func opt(_ s: String) -> String? { s.isEmpty ? nil : s }
        return .init(caFile: opt(caFile), certFile: opt(certFile), keyFile: opt(keyFile), serverName: opt(serverName),
                     insecureSkipVerify: insecureSkipVerify, minVersion: opt(minVersion))
    }
}

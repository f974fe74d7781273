import HummingbirdCore
import HummingbirdTLS
import NIOSSL

extension WebConfig {
    /// The HTTP/1.1 server, wrapped in TLS when `tls_server_config` is set. Certificates are read
    /// here, so a missing or unreadable file fails at startup (or reload) with its path.
    public func serverBuilder() throws -> HTTPServerBuilder {
        guard let tls else { return .http1() }
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do { chain = try NIOSSLCertificate.fromPEMFile(tls.certFile) } catch {
            throw WebConfigError("tls_server_config: cert_file \(tls.certFile): \(error)")
        }
        do { key = try NIOSSLPrivateKey(file: tls.keyFile, format: .pem) } catch {
            throw WebConfigError("tls_server_config: key_file \(tls.keyFile): \(error)")
        }
        var c = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        c.minimumTLSVersion = tls.minVersion == "TLS13" ? .tlsv13 : .tlsv12
        if tls.clientAuthType == "RequireAndVerifyClientCert", let ca = tls.clientCAFile {
            c.certificateVerification = .noHostnameVerification
            c.trustRoots = .file(ca)
        }
        return try .tls(.http1(), tlsConfiguration: c)
    }
}

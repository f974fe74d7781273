import ConfigYAML
import Foundation
import HummingbirdBcrypt
import Synchronization
import Yams

/// `--web.config.file`, in the format of Prometheus' exporter-toolkit: `basic_auth_users` (bcrypt
/// hashes), `tls_server_config` and `http_server_config.headers`.
///
/// Settings Klaxon does not implement (cipher suites, curves, client SAN allow-lists, HTTP/2 off)
/// are errors naming the key and line, so a file never silently means less than it says.
public struct WebConfig: Sendable, Equatable {
    public struct TLS: Sendable, Equatable {
        public var certFile: String
        public var keyFile: String
        /// `NoClientCert` or `RequireAndVerifyClientCert`.
        public var clientAuthType = "NoClientCert"
        public var clientCAFile: String?
        /// `TLS12` (the default, as in Prometheus) or `TLS13`.
        public var minVersion = "TLS12"
    }

    public var tls: TLS?
    /// user → bcrypt hash.
    public var basicAuthUsers: [String: String] = [:]
    /// Extra response headers (`http_server_config.headers`).
    public var headers: [String: String] = [:]

    public init() {}

    public static func load(file path: String) throws -> WebConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw WebConfigError("\(path): open \(path): no such file or directory")
        }
        do {
            var c = try parse(String(decoding: data, as: UTF8.self))
            // Relative certificate paths are relative to the web config file, as in exporter-toolkit.
            let dir = (path as NSString).deletingLastPathComponent
            func resolve(_ p: String) -> String { p.hasPrefix("/") || dir.isEmpty ? p : dir + "/" + p }
            if var tls = c.tls {
                tls.certFile = resolve(tls.certFile)
                tls.keyFile = resolve(tls.keyFile)
                tls.clientCAFile = tls.clientCAFile.map(resolve)
                c.tls = tls
            }
            return c
        } catch let e as WebConfigError {
            throw WebConfigError("\(path): \(e.message)")
        } catch {
            throw WebConfigError("\(path): \(error)")
        }
    }

    public static func parse(_ text: String) throws -> WebConfig {
        var c = WebConfig()
        guard let root = try StrictYAML.compose(text), !StrictYAML.isNull(root) else { return c }
        var y = StrictYAML(typePrefix: "web")
        let unsupportedTLS: Set<String> = ["cipher_suites", "curve_preferences", "prefer_server_cipher_suites",
                                           "client_allowed_sans", "max_version", "cert", "key"]
        for (k, v) in y.fields(root, type: "Config", known: ["tls_server_config", "http_server_config", "basic_auth_users"]) ?? [] {
            switch k {
            case "basic_auth_users":
                for (user, hash) in y.stringMap(v) ?? [:] {
                    guard hash.hasPrefix("$2") else {
                        throw WebConfigError("line \(StrictYAML.line(v)): basic_auth_users: the password of \(user) is not a bcrypt hash")
                    }
                    c.basicAuthUsers[user] = hash
                }
            case "http_server_config":
                for (hk, hv) in y.fields(v, type: "HTTPConfig", known: ["http2", "headers"]) ?? [] {
                    switch hk {
                    case "headers": c.headers = y.stringMap(hv) ?? [:]
                    default:
                        if y.string(hv) == "false" {
                            throw WebConfigError("line \(StrictYAML.line(hv)): http2: false is not supported by Klaxon")
                        }
                    }
                }
            default:
                var certFile = "", keyFile = ""
                var tls = TLS(certFile: "", keyFile: "")
                // Errors about the section as a whole name the `tls_server_config:` line.
                let section = keyLine(root, k)
                var caLine = section, authLine = section
                let known: Set<String> = ["cert_file", "key_file", "client_auth_type", "client_ca_file", "min_version"]
                for (tk, tv) in y.fields(v, type: "TLSConfig", known: known.union(unsupportedTLS)) ?? [] {
                    switch tk {
                    case "cert_file": certFile = y.string(tv)
                    case "key_file": keyFile = y.string(tv)
                    case "client_ca_file":
                        tls.clientCAFile = y.string(tv)
                        caLine = StrictYAML.line(tv)
                    case "client_auth_type":
                        let t = y.string(tv)
                        guard ["NoClientCert", "RequireAndVerifyClientCert"].contains(t) else {
                            throw WebConfigError("line \(StrictYAML.line(tv)): client_auth_type \(t) is not supported by Klaxon (NoClientCert or RequireAndVerifyClientCert)")
                        }
                        tls.clientAuthType = t
                        authLine = StrictYAML.line(tv)
                    case "min_version":
                        let t = y.string(tv)
                        if ["TLS10", "TLS11"].contains(t) {
                            throw WebConfigError("line \(StrictYAML.line(tv)): min_version \(t) is not supported by Klaxon (TLS12 or TLS13)")
                        }
                        guard ["TLS12", "TLS13"].contains(t) else {
                            throw WebConfigError("line \(StrictYAML.line(tv)): unknown TLS version: \(t)")
                        }
                        tls.minVersion = t
                    default:
                        throw WebConfigError("line \(StrictYAML.line(tv)): tls_server_config: \(tk) is not supported by Klaxon")
                    }
                }
                if certFile.isEmpty && keyFile.isEmpty && tls.clientCAFile == nil { continue }
                guard !certFile.isEmpty else { throw WebConfigError("line \(section): missing cert_file") }
                guard !keyFile.isEmpty else { throw WebConfigError("line \(section): missing key_file") }
                if tls.clientAuthType == "RequireAndVerifyClientCert" && tls.clientCAFile == nil {
                    throw WebConfigError("line \(authLine): client_ca_file is required for client_auth_type RequireAndVerifyClientCert")
                }
                // As exporter-toolkit: CAs without a policy that checks client certificates would be ignored.
                if tls.clientCAFile != nil && tls.clientAuthType == "NoClientCert" {
                    throw WebConfigError("line \(caLine): client_ca_file is set but client_auth_type is NoClientCert; set client_auth_type: RequireAndVerifyClientCert")
                }
                tls.certFile = certFile
                tls.keyFile = keyFile
                c.tls = tls
            }
        }
        try y.finish()
        return c
    }

    /// The line of a top-level key (its value may start on a later line).
    static func keyLine(_ root: Node, _ key: String) -> Int {
        if case .mapping(let m) = root, let k = m.keys.first(where: { $0.scalar?.string == key }) { return StrictYAML.line(k) }
        return 0
    }
}

public struct WebConfigError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Checks `Authorization: Basic` headers against `basic_auth_users`.
///
/// bcrypt is deliberately slow (tens of ms per check), so a verified (user, password) pair is
/// remembered by a hash of both, as exporter-toolkit does; a changed password misses the cache.
public final class BasicAuthenticator: Sendable {
    let users: [String: String]
    private let verified = Mutex<Set<Int>>([])

    public init(users: [String: String]) { self.users = users }

    public var isEnabled: Bool { !users.isEmpty }

    /// True when auth is off, or `header` carries a known user with the right password.
    public func allows(authorization header: String?) -> Bool {
        guard isEnabled else { return true }
        guard let header, header.lowercased().hasPrefix("basic "),
              let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
              let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":") else { return false }
        let user = String(text[..<colon]), password = String(text[text.index(after: colon)...])
        guard let hash = users[user] else {
            // Spend the same time as a real check so user names cannot be probed by timing.
            _ = Bcrypt.verify(password, hash: "$2y$10$QWERTYUIOPASDFGHJKLZXu1tr4Ys6EO4QSzd6k2l2m6lGd0Ch.6ri")
            return false
        }
        var h = Hasher()
        h.combine(user)
        h.combine(password)
        h.combine(hash)
        let key = h.finalize()
        if verified.withLock({ $0.contains(key) }) { return true }
        guard Bcrypt.verify(password, hash: hash) else { return false }
        verified.withLock { _ = $0.insert(key) }
        return true
    }
}

import Model
import Foundation
import Yams

extension AlertmanagerConfig {
    /// Reads and validates `path`. Diagnostics name the file as `displayName` (default: `path`).
    /// Relative `templates` and `*_file` paths are resolved against the file's directory.
    public static func load(file path: String, displayName: String? = nil) throws -> AlertmanagerConfig {
        let name = displayName ?? path
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError([ConfigDiagnostic(file: name, line: 0, column: 0, message: "open \(path): no such file or directory")])
        }
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(text, file: name, baseDirectory: dir)
    }

    /// Decodes and validates a configuration document (Alertmanager 0.25 `config.Load`).
    public static func parse(_ text: String, file: String? = nil, baseDirectory: String? = nil) throws -> AlertmanagerConfig {
        guard let root = try StrictNodeDecoder.compose(text, file: file), !StrictNodeDecoder.isNull(root) else {
            throw ConfigError([ConfigDiagnostic(file: file, line: 0, column: 0, message: "no route provided in config")])
        }
        var loader = ConfigLoader(decoder: StrictNodeDecoder(file: file))
        var config = loader.decodeConfig(root, original: text)
        try loader.decoder.finish()
        if let dir = baseDirectory { config.resolvePaths(against: dir) }
        return config
    }

    mutating func resolvePaths(against dir: String) {
        func abs(_ p: String) -> String {
            if p.isEmpty || p.hasPrefix("/") { return p }
            return URL(fileURLWithPath: dir).appendingPathComponent(p).standardizedFileURL.path
        }
        func tls(_ t: inout HTTPClientConfig.TLSConfig) {
            t.caFile = abs(t.caFile)
            t.certFile = abs(t.certFile)
            t.keyFile = abs(t.keyFile)
        }
        func http(_ h: inout HTTPClientConfig) {
            h.bearerTokenFile = abs(h.bearerTokenFile)
            if let f = h.basicAuth?.passwordFile { h.basicAuth?.passwordFile = abs(f) }
            if let f = h.authorization?.credentialsFile { h.authorization?.credentialsFile = abs(f) }
            tls(&h.tlsConfig)
        }
        templates = templates.map(abs)
        global.slackAPIURLFile = abs(global.slackAPIURLFile)
        global.smtpAuthPasswordFile = abs(global.smtpAuthPasswordFile)
        http(&global.httpConfig)
        for i in receivers.indices {
            for j in receivers[i].webhookConfigs.indices { http(&receivers[i].webhookConfigs[j].httpConfig) }
            for j in receivers[i].slackConfigs.indices {
                http(&receivers[i].slackConfigs[j].httpConfig)
                receivers[i].slackConfigs[j].apiURLFile = abs(receivers[i].slackConfigs[j].apiURLFile)
            }
            for j in receivers[i].pagerdutyConfigs.indices {
                http(&receivers[i].pagerdutyConfigs[j].httpConfig)
                receivers[i].pagerdutyConfigs[j].routingKeyFile = abs(receivers[i].pagerdutyConfigs[j].routingKeyFile)
                receivers[i].pagerdutyConfigs[j].serviceKeyFile = abs(receivers[i].pagerdutyConfigs[j].serviceKeyFile)
            }
            for j in receivers[i].emailConfigs.indices {
                receivers[i].emailConfigs[j].authPasswordFile = abs(receivers[i].emailConfigs[j].authPasswordFile)
                tls(&receivers[i].emailConfigs[j].tlsConfig)
            }
        }
    }
}

/// Decodes the document node by node, recording every problem in `decoder`.
struct ConfigLoader {
    var decoder: StrictNodeDecoder
    /// Receiver names used by routes, with the node that names them.
    var usedReceivers: [(String, Node)] = []
    var usedIntervals: [(String, Node)] = []

    // MARK: Top level

    mutating func decodeConfig(_ root: Node, original: String) -> AlertmanagerConfig {
        var global = GlobalConfig()
        var globalNode: Node?
        var routeNode: Node?
        var route = RouteConfig()
        var inhibit: [InhibitRule] = []
        var receivers: [Receiver] = []
        var receiverNodes: [Node] = []
        var templates: [String] = []
        var mute: [(NamedTimeInterval, Node)] = []
        var intervals: [(NamedTimeInterval, Node)] = []
        let known: Set = ["global", "route", "inhibit_rules", "receivers", "templates", "mute_time_intervals", "time_intervals"]
        for (key, v) in decoder.fields(root, known: known) ?? [] {
            switch key {
            case "global": globalNode = v; global = decodeGlobal(v)
            case "route": routeNode = v; route = decodeRoute(v)
            case "inhibit_rules": inhibit = decoder.sequence(v, of: "*config.InhibitRule").map { decodeInhibitRule($0) }
            case "receivers":
                for r in decoder.sequence(v, of: "*config.Receiver") {
                    receivers.append(decodeReceiver(r))
                    receiverNodes.append(r)
                }
            case "templates": templates = decoder.stringList(v)
            case "mute_time_intervals": mute = decoder.sequence(v, of: "config.MuteTimeInterval").map { (decodeNamedInterval($0), $0) }
            case "time_intervals": intervals = decoder.sequence(v, of: "config.TimeInterval").map { (decodeNamedInterval($0), $0) }
            default: break
            }
        }
        _ = globalNode
        // Receivers: unique names, then the global defaults filled in.
        var names: Set<String> = []
        for (i, node) in receiverNodes.enumerated() {
            if !names.insert(receivers[i].name).inserted {
                decoder.error(node, "notification config name \(quote(receivers[i].name)) is not unique")
            }
            fillDefaults(&receivers[i], from: global, node: node)
        }
        // Root route.
        if let rn = routeNode {
            if route.receiver.isEmpty { decoder.error(rn, "root route must specify a default receiver") }
            if route.hasMatchers { decoder.error(rn, "root route must not have any matchers") }
            if !route.muteTimeIntervals.isEmpty { decoder.error(rn, "root route must not have any mute time intervals") }
            if !route.activeTimeIntervals.isEmpty { decoder.error(rn, "root route must not have any active time intervals") }
            if route.continue { decoder.error(rn, "cannot have continue in root route") }
        } else {
            decoder.error(root, "no routes provided")
        }
        for (name, node) in usedReceivers where !names.contains(name) {
            decoder.error(node, "undefined receiver \(quote(name)) used in route")
        }
        var intervalNames: Set<String> = []
        for (ti, node) in mute where !intervalNames.insert(ti.name).inserted {
            decoder.error(node, "mute time interval \(quote(ti.name)) is not unique")
        }
        for (ti, node) in intervals where !intervalNames.insert(ti.name).inserted {
            decoder.error(node, "time interval \(quote(ti.name)) is not unique")
        }
        for (name, node) in usedIntervals where !intervalNames.contains(name) {
            decoder.error(node, "undefined time interval \(quote(name)) used in route")
        }
        return AlertmanagerConfig(global: global, route: route, inhibitRules: inhibit, receivers: receivers,
                                  templates: templates, muteTimeIntervals: mute.map(\.0), timeIntervals: intervals.map(\.0),
                                  original: original)
    }

    func quote(_ s: String) -> String { goQuoted(s) }

    // MARK: Global

    mutating func decodeGlobal(_ n: Node) -> GlobalConfig {
        var g = GlobalConfig()
        let known: Set = [
            "resolve_timeout", "http_config", "smtp_from", "smtp_hello", "smtp_smarthost", "smtp_auth_username",
            "smtp_auth_password", "smtp_auth_password_file", "smtp_auth_secret", "smtp_auth_identity", "smtp_require_tls",
            "slack_api_url", "slack_api_url_file", "pagerduty_url",
            // Accepted for compatibility; Klaxon has no such receivers.
            "opsgenie_api_url", "opsgenie_api_key", "opsgenie_api_key_file", "wechat_api_url", "wechat_api_secret",
            "wechat_api_corp_id", "victorops_api_url", "victorops_api_key", "victorops_api_key_file",
            "telegram_api_url", "webex_api_url",
        ]
        var slackURLNode: Node?
        for (key, v) in decoder.fields(n, known: known) ?? [] {
            switch key {
            case "resolve_timeout": if let d = decoder.duration(v) { g.resolveTimeout = d }
            case "http_config": g.httpConfig = decodeHTTPConfig(v)
            case "smtp_from": g.smtpFrom = decoder.string(v)
            case "smtp_hello": g.smtpHello = decoder.string(v)
            case "smtp_smarthost": g.smtpSmarthost = hostPort(v)
            case "smtp_auth_username": g.smtpAuthUsername = decoder.string(v)
            case "smtp_auth_password": g.smtpAuthPassword = Secret(decoder.string(v))
            case "smtp_auth_password_file": g.smtpAuthPasswordFile = decoder.string(v)
            case "smtp_auth_secret": g.smtpAuthSecret = Secret(decoder.string(v))
            case "smtp_auth_identity": g.smtpAuthIdentity = decoder.string(v)
            case "smtp_require_tls": g.smtpRequireTLS = decoder.bool(v)
            case "slack_api_url": slackURLNode = v; g.slackAPIURL = secretURL(v)
            case "slack_api_url_file": g.slackAPIURLFile = decoder.string(v)
            case "pagerduty_url": g.pagerdutyURL = url(v)
            case "opsgenie_api_url", "wechat_api_url", "victorops_api_url", "telegram_api_url", "webex_api_url": _ = url(v)
            default: _ = decoder.string(v)
            }
        }
        if g.slackAPIURL != nil, !g.slackAPIURLFile.isEmpty {
            decoder.error(slackURLNode, "at most one of slack_api_url & slack_api_url_file must be configured")
        }
        if g.smtpAuthPassword != nil, !g.smtpAuthPasswordFile.isEmpty {
            decoder.error(n, "at most one of smtp_auth_password & smtp_auth_password_file must be configured")
        }
        return g
    }

    // MARK: Values

    /// `config.URL`: http or https with a host.
    mutating func url(_ n: Node) -> String {
        let s = decoder.string(n)
        if let problem = Self.urlProblem(s) { decoder.error(n, problem) }
        return s
    }

    static func urlProblem(_ s: String) -> String? {
        let scheme = s.range(of: "://").map { String(s[..<$0.lowerBound]).lowercased() } ?? (s.contains(":") ? String(s.prefix { $0 != ":" }).lowercased() : "")
        guard scheme == "http" || scheme == "https" else { return "unsupported scheme \(goQuoted(scheme)) for URL" }
        guard let c = URLComponents(string: s) else { return "parse \(goQuoted(s)): invalid URL" }
        if (c.host ?? "").isEmpty { return "host is missing in URL" }
        return nil
    }

    /// `config.SecretURL`: the placeholder `<secret>` is accepted as is.
    mutating func secretURL(_ n: Node) -> SecretURL {
        let s = decoder.string(n)
        if s != "<secret>", let problem = Self.urlProblem(s) { decoder.error(n, problem) }
        return SecretURL(s)
    }

    /// `config.HostPort`: `host:port`, port required.
    mutating func hostPort(_ n: Node) -> String {
        let s = decoder.string(n)
        if s.isEmpty { return s }
        guard let colon = s.lastIndex(of: ":") else {
            decoder.error(n, "address \(s): missing port in address")
            return s
        }
        if s[s.index(after: colon)...].isEmpty { decoder.error(n, "address \(s): port cannot be empty") }
        return s
    }

    // MARK: HTTP client

    mutating func decodeHTTPConfig(_ n: Node) -> HTTPClientConfig {
        var h = HTTPClientConfig()
        let known: Set = ["basic_auth", "authorization", "oauth2", "bearer_token", "bearer_token_file", "tls_config",
                          "proxy_url", "follow_redirects", "enable_http2"]
        var authCount = 0
        for (key, v) in decoder.fields(n, known: known) ?? [] {
            switch key {
            case "basic_auth":
                authCount += 1
                var b = HTTPClientConfig.BasicAuth()
                for (k, bv) in decoder.fields(v, type: "config.BasicAuth", known: ["username", "password", "password_file"]) ?? [] {
                    switch k {
                    case "username": b.username = decoder.string(bv)
                    case "password": b.password = Secret(decoder.string(bv))
                    default: b.passwordFile = decoder.string(bv)
                    }
                }
                if b.password != nil, !b.passwordFile.isEmpty {
                    decoder.error(v, "at most one of basic_auth password & password_file must be configured")
                }
                h.basicAuth = b
            case "authorization":
                var a = HTTPClientConfig.Authorization()
                for (k, av) in decoder.fields(v, type: "config.Authorization", known: ["type", "credentials", "credentials_file"]) ?? [] {
                    switch k {
                    case "type": a.type = decoder.string(av)
                    case "credentials": a.credentials = Secret(decoder.string(av))
                    default: a.credentialsFile = decoder.string(av)
                    }
                }
                if a.type.isEmpty { a.type = "Bearer" }
                if a.type.lowercased() == "basic" {
                    decoder.error(v, #"authorization type cannot be set to "basic", use "basic_auth" instead"#)
                }
                if a.credentials != nil, !a.credentialsFile.isEmpty {
                    decoder.error(v, "at most one of authorization credentials & credentials_file must be configured")
                }
                h.authorization = a
            case "oauth2":
                // Rejected rather than accepted and ignored: a receiver would be called
                // without the token its owner configured.
                authCount += 1
                decoder.error(v, "oauth2 is not supported by Klaxon")
            case "bearer_token": authCount += 1; h.bearerToken = Secret(decoder.string(v))
            case "bearer_token_file": authCount += 1; h.bearerTokenFile = decoder.string(v)
            case "tls_config": h.tlsConfig = decodeTLSConfig(v)
            case "proxy_url": h.proxyURL = decoder.string(v)
            case "follow_redirects": h.followRedirects = decoder.bool(v)
            case "enable_http2": h.enableHTTP2 = decoder.bool(v)
            default: break
            }
        }
        if authCount > 1 {
            decoder.error(n, "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured")
        }
        if h.authorization != nil, authCount > 0 {
            decoder.error(n, "authorization is not compatible with bearer_token & bearer_token_file")
        }
        return h
    }

    mutating func decodeTLSConfig(_ n: Node) -> HTTPClientConfig.TLSConfig {
        var t = HTTPClientConfig.TLSConfig()
        let known: Set = ["ca_file", "cert_file", "key_file", "server_name", "insecure_skip_verify", "min_version", "ca", "cert", "key"]
        for (key, v) in decoder.fields(n, known: known) ?? [] {
            switch key {
            case "ca_file": t.caFile = decoder.string(v)
            case "cert_file": t.certFile = decoder.string(v)
            case "key_file": t.keyFile = decoder.string(v)
            case "server_name": t.serverName = decoder.string(v)
            case "insecure_skip_verify": t.insecureSkipVerify = decoder.bool(v)
            case "min_version":
                t.minVersion = decoder.string(v)
                if !["TLS10", "TLS11", "TLS12", "TLS13"].contains(t.minVersion) {
                    decoder.error(v, "unknown TLS version: \(t.minVersion)")
                }
            default:
                // Inline PEM (`ca`, `cert`, `key`) would be dropped; the client reads files only.
                _ = decoder.string(v)
                decoder.error(v, "tls_config \(key) is not supported by Klaxon (use \(key)_file)")
            }
        }
        return t
    }
}

/// Go's `%q` for the strings that appear in messages (Model's `goQuote`).
func goQuoted(_ s: String) -> String { goQuote(s) }

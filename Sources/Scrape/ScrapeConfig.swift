import ConfigYAML
import Model
import Yams

/// One `scrape_configs` entry of a Prometheus configuration, accepted unchanged.
public struct ScrapeConfig: Sendable {
    public var jobName = ""
    public var honorLabels = false
    public var honorTimestamps = true
    public var params: [String: [String]] = [:]
    public var interval: Int64
    public var timeout: Int64
    public var metricsPath = "/metrics"
    public var scheme = "http"
    public var bodySizeLimit = 0
    public var sampleLimit = 0
    public var labelLimit = 0
    public var staticConfigs: [TargetGroup] = []
    public var fileSDConfigs: [FileSDConfig] = []
    public var relabelConfigs: [RelabelConfig] = []
    public var metricRelabelConfigs: [RelabelConfig] = []
    public var http = HTTPSettings()

    public init(interval: Int64, timeout: Int64) {
        self.interval = interval
        self.timeout = timeout
    }

    public var options: ScrapeOptions {
        var o = ScrapeOptions()
        o.honorLabels = honorLabels
        o.honorTimestamps = honorTimestamps
        o.metricRelabel = metricRelabelConfigs
        o.sampleLimit = sampleLimit
        o.labelLimit = labelLimit
        return o
    }
}

/// `targets` with shared `labels` (a static config or one file_sd entry).
public struct TargetGroup: Sendable, Equatable {
    public var targets: [String]
    public var labels: [String: String]
    public var source: String

    public init(targets: [String], labels: [String: String], source: String) {
        self.targets = targets
        self.labels = labels
        self.source = source
    }
}

public struct FileSDConfig: Sendable, Equatable {
    public var files: [String]
    public var refreshInterval: Int64 = 300_000
}

/// The HTTP client settings a scrape config carries (`basic_auth`, `bearer_token`, TLS, proxy).
public struct HTTPSettings: Sendable, Hashable {
    public var basicAuthUsername = ""
    public var basicAuthPassword = Secret("")
    public var basicAuthPasswordFile = ""
    public var bearerToken = Secret("")
    public var bearerTokenFile = ""
    public var caFile = "", certFile = "", keyFile = "", serverName = ""
    public var insecureSkipVerify = false
    public var proxyURL = ""
    public var followRedirects = true
    public init() {}
}

/// Scrape defaults from `global`.
public struct ScrapeDefaults: Sendable {
    public var interval: Int64 = 60_000
    public var timeout: Int64 = 10_000
    public init() {}
}

extension ScrapeConfig {
    /// Service discovery and settings Prometheus has but Klaxon does not: named in the error
    /// instead of "not found", so a user knows it is a known gap rather than a typo.
    static let unsupported: Set<String> = [
        "kubernetes_sd_configs", "consul_sd_configs", "dns_sd_configs", "ec2_sd_configs", "azure_sd_configs",
        "gce_sd_configs", "openstack_sd_configs", "marathon_sd_configs", "nerve_sd_configs", "serverset_sd_configs",
        "triton_sd_configs", "eureka_sd_configs", "digitalocean_sd_configs", "docker_sd_configs", "dockerswarm_sd_configs",
        "hetzner_sd_configs", "http_sd_configs", "ionos_sd_configs", "kuma_sd_configs", "lightsail_sd_configs",
        "linode_sd_configs", "nomad_sd_configs", "puppetdb_sd_configs", "scaleway_sd_configs", "uyuni_sd_configs",
        "vultr_sd_configs", "oauth2", "authorization", "target_limit", "label_name_length_limit",
        "label_value_length_limit", "no_proxy", "proxy_from_environment", "proxy_connect_header", "enable_http2",
        "native_histogram_bucket_limit", "scrape_classic_histograms",
    ]

    static let known: Set<String> = [
        "job_name", "honor_labels", "honor_timestamps", "params", "scrape_interval", "scrape_timeout", "metrics_path",
        "scheme", "body_size_limit", "sample_limit", "label_limit", "static_configs", "file_sd_configs",
        "relabel_configs", "metric_relabel_configs", "basic_auth", "bearer_token", "bearer_token_file", "tls_config",
        "proxy_url", "follow_redirects",
    ]

    /// Decodes one entry; semantic errors are thrown as `ScrapeConfigError` naming the line.
    public static func decode(_ n: Node, defaults: ScrapeDefaults, _ y: inout StrictYAML) throws -> ScrapeConfig {
        var c = ScrapeConfig(interval: defaults.interval, timeout: defaults.timeout)
        var timeoutSet = false
        guard let fields = y.fields(n, type: "ScrapeConfig", known: known.union(unsupported)) else { return c }
        for (k, v) in fields {
            if unsupported.contains(k) {
                throw ScrapeConfigError("line \(StrictYAML.line(v)): \(k) in scrape_configs is not supported by Klaxon (supported: static_configs, file_sd_configs, basic_auth, bearer_token, tls_config, proxy_url)")
            }
            switch k {
            case "job_name": c.jobName = y.string(v)
            case "honor_labels": c.honorLabels = try bool(v, &y)
            case "honor_timestamps": c.honorTimestamps = try bool(v, &y)
            case "params":
                if case .mapping(let m) = v { for (pk, pv) in m { c.params[y.string(pk)] = y.stringList(pv) } }
            case "scrape_interval": c.interval = try y.duration(v)
            case "scrape_timeout": c.timeout = try y.duration(v); timeoutSet = true
            case "metrics_path": c.metricsPath = y.string(v)
            case "scheme":
                c.scheme = y.string(v)
                guard c.scheme == "http" || c.scheme == "https" else {
                    throw ScrapeConfigError("line \(StrictYAML.line(v)): URL scheme must be 'http' or 'https'")
                }
            case "body_size_limit": c.bodySizeLimit = try byteSize(v, &y)
            case "sample_limit": c.sampleLimit = y.int(v)
            case "label_limit": c.labelLimit = y.int(v)
            case "static_configs":
                for (i, g) in y.sequence(v, of: "StaticConfig").enumerated() {
                    c.staticConfigs.append(try targetGroup(g, source: "\(i)", &y))
                }
            case "file_sd_configs":
                for f in y.sequence(v, of: "SDConfig") {
                    var sd = FileSDConfig(files: [])
                    for (fk, fv) in y.fields(f, type: "file.SDConfig", known: ["files", "refresh_interval"]) ?? [] {
                        if fk == "files" { sd.files = y.stringList(fv) } else { sd.refreshInterval = try y.duration(fv) }
                    }
                    c.fileSDConfigs.append(sd)
                }
            case "relabel_configs":
                c.relabelConfigs = try y.sequence(v, of: "relabel.Config").map { try relabelConfig($0, &y) }
            case "metric_relabel_configs":
                c.metricRelabelConfigs = try y.sequence(v, of: "relabel.Config").map { try relabelConfig($0, &y) }
            case "basic_auth":
                for (bk, bv) in y.fields(v, type: "BasicAuth", known: ["username", "password", "password_file"]) ?? [] {
                    switch bk {
                    case "username": c.http.basicAuthUsername = y.string(bv)
                    case "password": c.http.basicAuthPassword = Secret(y.string(bv))
                    default: c.http.basicAuthPasswordFile = y.string(bv)
                    }
                }
            case "bearer_token": c.http.bearerToken = Secret(y.string(v))
            case "bearer_token_file": c.http.bearerTokenFile = y.string(v)
            case "tls_config":
                for (tk, tv) in y.fields(v, type: "TLSConfig", known: ["ca_file", "cert_file", "key_file", "server_name", "insecure_skip_verify"]) ?? [] {
                    switch tk {
                    case "ca_file": c.http.caFile = y.string(tv)
                    case "cert_file": c.http.certFile = y.string(tv)
                    case "key_file": c.http.keyFile = y.string(tv)
                    case "server_name": c.http.serverName = y.string(tv)
                    default: c.http.insecureSkipVerify = try bool(tv, &y)
                    }
                }
            case "proxy_url": c.http.proxyURL = y.string(v)
            case "follow_redirects": c.http.followRedirects = try bool(v, &y)
            default: break
            }
        }
        let line = StrictYAML.line(n)
        if c.jobName.isEmpty { throw ScrapeConfigError("line \(line): job_name is empty") }
        if !timeoutSet && c.timeout > c.interval { c.timeout = c.interval }
        if c.timeout > c.interval {
            throw ScrapeConfigError("line \(line): scrape timeout greater than scrape interval for scrape config with job name \(goQuote(c.jobName))")
        }
        if !c.http.basicAuthPassword.isEmpty && !c.http.basicAuthPasswordFile.isEmpty {
            throw ScrapeConfigError("line \(line): at most one of basic_auth password & password_file must be configured")
        }
        if !c.http.bearerToken.isEmpty && !c.http.bearerTokenFile.isEmpty {
            throw ScrapeConfigError("line \(line): at most one of bearer_token & bearer_token_file must be configured")
        }
        return c
    }

    static func bool(_ n: Node, _ y: inout StrictYAML) throws -> Bool {
        switch y.string(n).lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off", "": return false
        default: throw ScrapeConfigError("line \(StrictYAML.line(n)): cannot unmarshal \(goQuote(y.string(n))) into bool")
        }
    }

    /// `body_size_limit`: `10MB`, `1KiB`, `0` (Prometheus' `units.Base2Bytes`).
    static func byteSize(_ n: Node, _ y: inout StrictYAML) throws -> Int {
        let s = y.string(n)
        let units: [(String, Int)] = [("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("KB", 1 << 10), ("MB", 1 << 20),
                                      ("GB", 1 << 30), ("B", 1)]
        if let v = Int(s) { return v }
        for (u, m) in units where s.hasSuffix(u) {
            if let v = Int(s.dropLast(u.count)) { return v * m }
        }
        throw ScrapeConfigError("line \(StrictYAML.line(n)): invalid body_size_limit \(goQuote(s))")
    }

    public static func targetGroup(_ n: Node, source: String, _ y: inout StrictYAML) throws -> TargetGroup {
        var g = TargetGroup(targets: [], labels: [:], source: source)
        for (k, v) in y.fields(n, type: "targetgroup.Group", known: ["targets", "labels"]) ?? [] {
            if k == "targets" { g.targets = y.stringList(v) } else { g.labels = y.stringMap(v) ?? [:] }
        }
        for (name, _) in g.labels where !name.isValidLabelName {
            throw ScrapeConfigError("line \(StrictYAML.line(n)): \(goQuote(name)) is not a valid label name")
        }
        return g
    }

    static func relabelConfig(_ n: Node, _ y: inout StrictYAML) throws -> RelabelConfig {
        var src: [String] = [], sep = ";", target = "", regex = "(.*)", modulus: UInt64 = 0, repl = "$1"
        var action = RelabelConfig.Action.replace
        let known: Set<String> = ["source_labels", "separator", "target_label", "regex", "modulus", "replacement", "action"]
        for (k, v) in y.fields(n, type: "relabel.Config", known: known) ?? [] {
            switch k {
            case "source_labels": src = y.stringList(v)
            case "separator": sep = y.string(v)
            case "target_label": target = y.string(v)
            case "regex": regex = y.string(v)
            case "modulus": modulus = UInt64(max(0, y.int(v)))
            case "replacement": repl = y.string(v)
            default:
                guard let a = RelabelConfig.Action(rawValue: y.string(v).lowercased()) else {
                    throw ScrapeConfigError("line \(StrictYAML.line(v)): unknown relabel action \(goQuote(y.string(v)))")
                }
                action = a
            }
        }
        do {
            return try RelabelConfig(sourceLabels: src, separator: sep, targetLabel: target, regex: regex,
                                     modulus: modulus, replacement: repl, action: action)
        } catch {
            throw ScrapeConfigError("line \(StrictYAML.line(n)): \(error)")
        }
    }
}

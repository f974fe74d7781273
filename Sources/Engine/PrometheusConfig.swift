import ConfigYAML
import Foundation
import Model
import Scrape
import Yams

/// The parts of a `prometheus.yml` Klaxon runs: `global`, `scrape_configs`, `rule_files`
/// and `alerting`. Sections Klaxon does not implement are errors that name them.
public struct PrometheusConfig: Sendable {
    public var scrapeInterval: Int64 = 60_000
    public var scrapeTimeout: Int64 = 10_000
    public var evaluationInterval: Int64 = 60_000
    public var externalLabels: Labels = .empty
    public var scrapeConfigs: [ScrapeConfig] = []
    /// Rule file globs, resolved against the config file's directory.
    public var ruleFiles: [String] = []
    /// `alerting.alertmanagers` URLs (besides Klaxon's own pipeline, which always gets alerts).
    public var alertmanagerURLs: [String] = []
    /// The file as read, for `/api/v1/status/config`.
    public var original = ""

    public init() {}

    static let unsupportedSections: Set<String> = ["remote_write", "remote_read", "storage", "tracing"]

    /// Loads and validates; relative rule files are joined to the file's directory.
    public static func load(path: String) throws -> PrometheusConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(file: path, message: "open \(path): no such file or directory")
        }
        do {
            var c = try parse(String(decoding: data, as: UTF8.self))
            let dir = (path as NSString).deletingLastPathComponent
            // Every file a config names is relative to the config file, as Prometheus resolves them.
            func resolve(_ p: String) -> String { p.isEmpty || p.hasPrefix("/") || dir.isEmpty ? p : dir + "/" + p }
            c.ruleFiles = c.ruleFiles.map(resolve)
            for i in c.scrapeConfigs.indices {
                for j in c.scrapeConfigs[i].fileSDConfigs.indices {
                    c.scrapeConfigs[i].fileSDConfigs[j].files = c.scrapeConfigs[i].fileSDConfigs[j].files.map(resolve)
                }
                var h = c.scrapeConfigs[i].http
                h.basicAuthPasswordFile = resolve(h.basicAuthPasswordFile)
                h.bearerTokenFile = resolve(h.bearerTokenFile)
                h.caFile = resolve(h.caFile)
                h.certFile = resolve(h.certFile)
                h.keyFile = resolve(h.keyFile)
                c.scrapeConfigs[i].http = h
            }
            return c
        } catch let e as ConfigError {
            throw ConfigError(file: path, message: e.message)
        } catch {
            throw ConfigError(file: path, message: "\(error)")
        }
    }

    public static func parse(_ text: String) throws -> PrometheusConfig {
        var c = PrometheusConfig()
        c.original = text
        guard let root = try StrictYAML.compose(text) else { return c }
        var y = StrictYAML(typePrefix: "config")
        // Prometheus names no line for a bad duration; Klaxon adds one, as for its other errors.
        y.durationErrorsHaveLine = true
        let known = Set(["global", "scrape_configs", "rule_files", "alerting"]).union(unsupportedSections)
        let fields = y.fields(root, type: "plain", known: known) ?? []
        for (k, _) in fields where unsupportedSections.contains(k) {
            throw ConfigError(file: "", message: "line \(keyLine(root, k)): \(k) is not supported by Klaxon yet; remove the section to run this config")
        }
        var defaults = ScrapeDefaults()
        var timeoutSet = false
        var timeoutLine = 0
        if let g = fields.first(where: { $0.key == "global" })?.value {
            let gk: Set<String> = ["scrape_interval", "scrape_timeout", "evaluation_interval", "external_labels",
                                   "query_log_file", "body_size_limit", "sample_limit", "label_limit"]
            for (k, v) in y.fields(g, type: "GlobalConfig", known: gk) ?? [] {
                switch k {
                case "scrape_interval": c.scrapeInterval = try y.duration(v)
                case "scrape_timeout":
                    c.scrapeTimeout = try y.duration(v)
                    timeoutSet = true
                    timeoutLine = StrictYAML.line(v)
                case "evaluation_interval": c.evaluationInterval = try y.duration(v)
                case "external_labels":
                    let m = y.stringMap(v) ?? [:]
                    for name in m.keys where !name.isValidLabelName {
                        throw ConfigError(file: "", message: "line \(StrictYAML.line(v)): \(goQuote(name)) is not a valid label name")
                    }
                    c.externalLabels = Labels(m)
                default: break  // accepted; Klaxon applies per-job limits only
                }
            }
            // As Prometheus: an unset timeout shrinks to a shorter interval; a set one may not exceed it.
            if !timeoutSet && c.scrapeTimeout > c.scrapeInterval { c.scrapeTimeout = c.scrapeInterval }
            if c.scrapeTimeout > c.scrapeInterval {
                throw ConfigError(file: "", message: "line \(timeoutLine): global scrape timeout greater than scrape interval")
            }
        }
        defaults.interval = c.scrapeInterval
        defaults.timeout = c.scrapeTimeout
        var jobs = Set<String>()
        for (k, v) in fields {
            switch k {
            case "scrape_configs":
                for n in y.sequence(v, of: "ScrapeConfig") {
                    let s = try ScrapeConfig.decode(n, defaults: defaults, &y)
                    if !jobs.insert(s.jobName).inserted {
                        throw ConfigError(file: "", message: "line \(StrictYAML.line(n)): found multiple scrape configs with job name \(goQuote(s.jobName))")
                    }
                    c.scrapeConfigs.append(s)
                }
            case "rule_files":
                c.ruleFiles = y.stringList(v)
            case "alerting":
                for (ak, av) in y.fields(v, type: "AlertingConfig", known: ["alertmanagers", "alert_relabel_configs"]) ?? [] where ak == "alertmanagers" {
                    for am in y.sequence(av, of: "AlertmanagerConfig") {
                        var scheme = "http", prefix = ""
                        var targets: [String] = []
                        let amk: Set<String> = ["static_configs", "scheme", "path_prefix", "timeout", "api_version"]
                        for (mk, mv) in y.fields(am, type: "AlertmanagerConfig", known: amk) ?? [] {
                            switch mk {
                            case "scheme": scheme = y.string(mv)
                            case "path_prefix": prefix = y.string(mv)
                            case "static_configs":
                                for g in y.sequence(mv, of: "StaticConfig") {
                                    targets += try ScrapeConfig.targetGroup(g, source: "", &y).targets
                                }
                            default: break
                            }
                        }
                        c.alertmanagerURLs += targets.map { "\(scheme)://\($0)\(prefix)" }
                    }
                }
            default: break
            }
        }
        try y.finish()
        return c
    }

    /// The line of a top-level key (the key itself, not its value, which may start lines later).
    static func keyLine(_ root: Node, _ key: String) -> Int {
        if case .mapping(let m) = root, let k = m.keys.first(where: { $0.scalar?.string == key }) { return StrictYAML.line(k) }
        return 0
    }
}

/// A configuration error naming the file and, where known, the line.
public struct ConfigError: Error, CustomStringConvertible, Equatable, Sendable {
    public var file: String
    public var message: String
    public init(file: String, message: String) {
        self.file = file
        self.message = message
    }
    public var description: String { file.isEmpty ? message : "\(file): \(message)" }
}

import Model
/// An `alertmanager.yml` (Alertmanager 0.25 `config.Config`), after defaults and validation:
/// receivers carry the global settings they inherit, durations are in milliseconds.
public struct AlertmanagerConfig: Sendable {
    public var global: GlobalConfig
    public var route: RouteConfig
    public var inhibitRules: [InhibitRule]
    public var receivers: [Receiver]
    /// Template globs, resolved against the config file's directory.
    public var templates: [String]
    /// The older `mute_time_intervals:` top-level key; same shape as `timeIntervals`.
    public var muteTimeIntervals: [NamedTimeInterval]
    public var timeIntervals: [NamedTimeInterval]
    /// The file's text, as served in `/api/v2/status` `config.original`.
    public var original: String

    public func receiver(named name: String) -> Receiver? { receivers.first { $0.name == name } }
}

/// `global:` (`config.GlobalConfig`, `DefaultGlobalConfig`).
public struct GlobalConfig: Sendable {
    /// Milliseconds; default 5m.
    public var resolveTimeout: Int64 = 5 * 60_000
    public var httpConfig = HTTPClientConfig()
    public var smtpFrom = ""
    public var smtpHello = "localhost"
    /// `host:port`.
    public var smtpSmarthost = ""
    public var smtpAuthUsername = ""
    public var smtpAuthPassword: Secret?
    public var smtpAuthPasswordFile = ""
    public var smtpAuthSecret: Secret?
    public var smtpAuthIdentity = ""
    public var smtpRequireTLS = true
    public var slackAPIURL: SecretURL?
    public var slackAPIURLFile = ""
    public var pagerdutyURL = "https://events.pagerduty.com/v2/enqueue"

    public init() {}
}

/// One `route:` node as written (`config.Route`); `RoutingTree` applies inheritance.
public struct RouteConfig: Sendable {
    /// Empty = inherited.
    public var receiver = ""
    /// The label names of `group_by` (without `...`); nil when unset or empty (inherited).
    public var groupBy: [String]?
    /// `group_by: ['...']`.
    public var groupByAll = false
    /// From `match`, in document order.
    public var match: [(name: String, value: String)] = []
    /// From `match_re`: name and the pattern as written.
    public var matchRE: [(name: String, pattern: String)] = []
    /// From `matchers`, sorted.
    public var matchers: [Matcher] = []
    public var muteTimeIntervals: [String] = []
    public var activeTimeIntervals: [String] = []
    public var `continue` = false
    public var routes: [RouteConfig] = []
    /// Milliseconds; nil = inherited.
    public var groupWait: Int64?
    public var groupInterval: Int64?
    public var repeatInterval: Int64?
    /// Where the node starts in the file, for later diagnostics.
    public var line = 0, column = 0

    public init() {}

    /// True when the node has any matcher of any syntax.
    public var hasMatchers: Bool { !match.isEmpty || !matchRE.isEmpty || !matchers.isEmpty }
}

/// `inhibit_rules:` entry (`config.InhibitRule`), legacy forms converted to matchers.
public struct InhibitRule: Sendable {
    public var sourceMatchers: [Matcher] = []
    public var targetMatchers: [Matcher] = []
    /// Label names whose values must be equal on source and target (missing = empty).
    public var equal: [String] = []
    public init() {}
}

/// A named list of time intervals (`config.TimeInterval` / `MuteTimeInterval`).
public struct NamedTimeInterval: Sendable {
    public var name: String
    public var timeIntervals: [TimeInterval]
}

/// Settings of the rule manager; all durations in ms. Defaults are Prometheus 2.42's (rules-spec §8).
public struct RuleManagerOptions: Sendable, Equatable {
    /// Interval of groups without `interval:` (global `evaluation_interval`).
    public var defaultInterval: Int64 = 60_000
    /// Global `external_labels`: template data, and added to notifier alerts that lack them.
    public var externalLabels: [String: String] = [:]
    /// `--web.external-url` without a trailing slash.
    public var externalURL: String = ""
    /// `--rules.alert.resend-delay`.
    public var resendDelay: Int64 = 60_000
    /// `--rules.alert.for-outage-tolerance`: how far back `for` state is looked up on restore.
    public var outageTolerance: Int64 = 3_600_000
    /// `--rules.alert.for-grace-period`: minimum wait before a restored alert fires.
    public var forGracePeriod: Int64 = 600_000

    public init(defaultInterval: Int64 = 60_000, externalLabels: [String: String] = [:], externalURL: String = "",
                resendDelay: Int64 = 60_000, outageTolerance: Int64 = 3_600_000, forGracePeriod: Int64 = 600_000) {
        self.defaultInterval = defaultInterval
        self.externalLabels = externalLabels
        self.externalURL = externalURL.hasSuffix("/") ? String(externalURL.dropLast()) : externalURL
        self.resendDelay = resendDelay
        self.outageTolerance = outageTolerance
        self.forGracePeriod = forGracePeriod
    }
}

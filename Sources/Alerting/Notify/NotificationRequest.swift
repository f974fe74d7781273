/// What a notifier is asked to deliver: one aggregation group's alerts for one receiver
/// integration, at one flush. A plain value so that the dispatcher's `Notification`
/// (Sources/Alerting/Pipeline) adapts to it in one small function.
///
/// Invariant: `alerts` are in notification order (spec §4.4) and already filtered for
/// `send_resolved`; times are milliseconds since the Unix epoch.
public struct NotificationRequest: Sendable, Equatable {
    /// One alert as notification templates and payloads see it.
    public struct Alert: Sendable, Equatable {
        public var labels: [String: String]
        public var annotations: [String: String]
        /// Milliseconds since the epoch; `nil` is Go's zero time.
        public var startsAt: Int64?
        /// Milliseconds since the epoch; `nil` is Go's zero time. Firing alerts are sent with
        /// the zero time, as Alertmanager does, unless the caller sets it.
        public var endsAt: Int64?
        public var generatorURL: String
        /// 16 hex digits (`%016x` of the label fingerprint).
        public var fingerprint: String
        public var isResolved: Bool

        public init(labels: [String: String], annotations: [String: String] = [:], startsAt: Int64?, endsAt: Int64? = nil,
                    generatorURL: String = "", fingerprint: String, isResolved: Bool = false) {
            self.labels = labels
            self.annotations = annotations
            self.startsAt = startsAt
            self.endsAt = endsAt
            self.generatorURL = generatorURL
            self.fingerprint = fingerprint
            self.isResolved = isResolved
        }

        /// `firing` or `resolved`.
        public var status: String { isResolved ? "resolved" : "firing" }
    }

    /// The receiver's name as configured (templates see it regexp-quoted, spec §9.1).
    public var receiver: String
    /// The aggregation group's key, e.g. `{}/{team="pd"}:{alertname="PDTest"}`.
    public var groupKey: String
    public var groupLabels: [String: String]
    public var alerts: [Alert]
    /// `--web.external-url`, without a trailing slash.
    public var externalURL: String
    /// Where retries stop: the next flush, in milliseconds since the epoch. `nil` = no deadline.
    public var deadline: Int64?
    /// When the flush that made this request ran, on the same clock as `deadline` (the
    /// pipeline's, which may be simulated). `deadline - timestamp` is the retry budget; `nil`
    /// means the budget starts when delivery starts, on the retrier's clock.
    public var timestamp: Int64?

    public init(receiver: String, groupKey: String, groupLabels: [String: String], alerts: [Alert],
                externalURL: String, deadline: Int64? = nil, timestamp: Int64? = nil) {
        self.timestamp = timestamp
        self.receiver = receiver
        self.groupKey = groupKey
        self.groupLabels = groupLabels
        self.alerts = alerts
        self.externalURL = externalURL
        self.deadline = deadline
    }

    /// `firing` if any alert is firing, else `resolved`.
    public var status: String { alerts.contains { !$0.isResolved } ? "firing" : "resolved" }

    /// Labels with the same value on every alert.
    public var commonLabels: [String: String] { Self.common(alerts.map(\.labels)) }

    /// Annotations with the same value on every alert.
    public var commonAnnotations: [String: String] { Self.common(alerts.map(\.annotations)) }

    /// The first `limit` alerts and how many were left out (`max_alerts`; 0 = no limit).
    public func truncated(to limit: Int) -> (NotificationRequest, truncated: Int) {
        guard limit > 0, alerts.count > limit else { return (self, 0) }
        var copy = self
        copy.alerts = Array(alerts.prefix(limit))
        return (copy, alerts.count - limit)
    }

    static func common(_ maps: [[String: String]]) -> [String: String] {
        guard var out = maps.first else { return [:] }
        for m in maps.dropFirst() {
            for (k, v) in out where m[k] != v { out[k] = nil }
        }
        return out
    }
}

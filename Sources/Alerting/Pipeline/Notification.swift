import Model

// The seam between the pipeline core and the receivers (Sources/Alerting/Notify/).
//
// The core decides *what* each integration must be sent and *whether* (inhibition, time
// intervals, silences, notification-log dedup, `send_resolved` filtering); a `NotificationSender`
// only renders and delivers one `Notification` (templates, payload, retries until `deadline`)
// and reports the outcome. The core records successes in the notification log.

/// Delivers one notification to one integration of a receiver. Conformers own templating,
/// payload encoding, `max_alerts` truncation and the retry loop (spec §10, §11.2).
public protocol NotificationSender: Sendable {
    /// Sends `notification`; retries (if any) must stop at `notification.deadline`.
    func send(_ notification: Notification) async -> DeliveryResult
}

/// One integration of a receiver (`notify.Integration`): kind and index among the receiver's
/// configs of that kind, so `webhook[1]` is the second entry of `webhook_configs`.
public struct IntegrationID: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    /// `webhook`, `email`, `pagerduty` or `slack`.
    public var kind: String
    public var index: Int
    public init(kind: String, index: Int) { self.kind = kind; self.index = index }
    public var description: String { "\(kind)[\(index)]" }
    public static func < (a: IntegrationID, b: IntegrationID) -> Bool {
        a.kind != b.kind ? a.kind < b.kind : a.index < b.index
    }
}

/// `firing` if any alert of the notification is firing, else `resolved` (spec §9.1 `.Status`).
public enum NotificationStatus: String, Sendable, Equatable, Codable {
    case firing, resolved
}

/// One alert as a receiver sees it (template `.Alerts` item, webhook `alerts[]`).
public struct NotifiedAlert: Sendable, Equatable {
    public var status: NotificationStatus
    public var labels: Labels
    public var annotations: [String: String]
    /// Milliseconds since the Unix epoch.
    public var startsAt: Int64
    /// Nil for firing alerts: the flush clears `endsAt` to Go's zero time `0001-01-01T00:00:00Z`
    /// (spec §4.3 step 2); resolved alerts carry their real end.
    public var endsAt: Int64?
    public var generatorURL: String
    public var fingerprint: Fingerprint

    public init(status: NotificationStatus, labels: Labels, annotations: [String: String], startsAt: Int64,
                endsAt: Int64?, generatorURL: String, fingerprint: Fingerprint) {
        self.status = status
        self.labels = labels
        self.annotations = annotations
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.generatorURL = generatorURL
        self.fingerprint = fingerprint
    }
}

/// What one integration of one receiver is to be sent for one aggregation group flush.
public struct Notification: Sendable, Equatable {
    /// Receiver name as configured (templates regexp-quote it for `.Receiver`, spec §9.1).
    public var receiver: String
    public var integration: IntegrationID
    /// `<route key>:<group labels>` (spec §4.1); PagerDuty derives its dedup key from it.
    public var groupKey: String
    public var groupLabels: Labels
    /// `firing` if any of `alerts` is firing.
    public var status: NotificationStatus
    /// The alerts to send, sorted as spec §4.4, already filtered for `send_resolved`:
    /// with `sendResolved == false` only firing alerts are here. Never empty.
    public var alerts: [NotifiedAlert]
    /// The integration's `send_resolved` setting (already applied to `alerts`).
    public var sendResolved: Bool
    /// The route's settings (milliseconds).
    public var groupInterval: Int64
    public var repeatInterval: Int64
    /// The flush (tick) time this notification was computed at, ms since the epoch.
    public var timestamp: Int64
    /// Retries must stop here: `timestamp + max(group_interval, 10s)` (spec §4.2).
    public var deadline: Int64

    public init(receiver: String, integration: IntegrationID, groupKey: String, groupLabels: Labels,
                status: NotificationStatus, alerts: [NotifiedAlert], sendResolved: Bool, groupInterval: Int64,
                repeatInterval: Int64, timestamp: Int64, deadline: Int64) {
        self.receiver = receiver
        self.integration = integration
        self.groupKey = groupKey
        self.groupLabels = groupLabels
        self.status = status
        self.alerts = alerts
        self.sendResolved = sendResolved
        self.groupInterval = groupInterval
        self.repeatInterval = repeatInterval
        self.timestamp = timestamp
        self.deadline = deadline
    }

    public var firingAlerts: [NotifiedAlert] { alerts.filter { $0.status == .firing } }
    public var resolvedAlerts: [NotifiedAlert] { alerts.filter { $0.status == .resolved } }
}

/// The outcome of `NotificationSender.send`.
public enum DeliveryResult: Sendable, Equatable {
    /// Delivered (2xx / accepted); the notification log records it.
    case delivered
    /// Not delivered by the deadline, or a permanent error; the group is retried at its next
    /// `group_interval` tick (spec §11.2). `reason` is for logs (secrets masked).
    case failed(reason: String)

    public var isDelivered: Bool { self == .delivered }
}

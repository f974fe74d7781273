import Alerting
import Model
import Synchronization

/// One notification the pipeline handed to a receiver integration.
public struct RecordedNotification: Sendable, Equatable {
    /// The flush time (ms).
    public var time: Int64
    public var receiver: String
    /// `slack[0]`, `pagerduty[0]`, …
    public var integration: IntegrationID
    public var groupKey: String
    public var groupLabels: Labels
    public var status: NotificationStatus
    /// The alerts as the receiver sees them (firing first, then resolved, as the core sorts them).
    public var alerts: [NotifiedAlert]
    /// Slack text, PagerDuty summary, email subject; empty without a renderer or for webhooks.
    public var rendered: RenderedMessage
    /// What the wrapped sender answered.
    public var result: DeliveryResult

    public var firing: [NotifiedAlert] { alerts.filter { $0.status == .firing } }
    public var resolved: [NotifiedAlert] { alerts.filter { $0.status == .resolved } }

    /// By time, receiver, integration, group key.
    public static func timelineOrder(_ a: RecordedNotification, _ b: RecordedNotification) -> Bool {
        if a.time != b.time { return a.time < b.time }
        if a.receiver != b.receiver { return a.receiver < b.receiver }
        if a.integration != b.integration { return a.integration < b.integration }
        return a.groupKey < b.groupKey
    }
}

/// A `NotificationSender` that records every notification (rendered through the receivers'
/// templates) and then hands it to `next`: a real sender for `klaxon demo`, or
/// `DiscardingSender` for dry-run, where nothing is sent.
public final class NotificationRecorder: NotificationSender {
    let next: any NotificationSender
    let renderer: NotificationRenderer?
    private let log = Mutex<[RecordedNotification]>([])

    public init(next: any NotificationSender, renderer: NotificationRenderer?) {
        self.next = next
        self.renderer = renderer
    }

    public func send(_ n: Notification) async -> DeliveryResult {
        let rendered = renderer?.render(n) ?? RenderedMessage()
        let result = await next.send(n)
        let r = RecordedNotification(time: n.timestamp, receiver: n.receiver, integration: n.integration, groupKey: n.groupKey,
                                     groupLabels: n.groupLabels, status: n.status, alerts: n.alerts, rendered: rendered,
                                     result: result)
        log.withLock { $0.append(r) }
        return result
    }

    /// Everything recorded so far, in timeline order.
    public var recorded: [RecordedNotification] {
        log.withLock { $0 }.sorted(by: RecordedNotification.timelineOrder)
    }

    public var count: Int { log.withLock { $0.count } }
}

/// Sends nothing and reports success, so the notification log records the notification as a
/// real delivery would (dry-run's "receiver replaced by a recorder").
public struct DiscardingSender: NotificationSender {
    public init() {}
    public func send(_ notification: Notification) async -> DeliveryResult { .delivered }
}

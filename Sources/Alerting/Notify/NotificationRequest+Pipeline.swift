/// The seam to the pipeline core (Sources/Alerting/Pipeline/Notification.swift).
extension NotificationRequest {
    /// The request for one pipeline `Notification`.
    public init(_ n: Notification, externalURL: String) {
        self.init(receiver: n.receiver, groupKey: n.groupKey, groupLabels: n.groupLabels.dictionary,
                  alerts: n.alerts.map { a in
                      Alert(labels: a.labels.dictionary, annotations: a.annotations, startsAt: a.startsAt, endsAt: a.endsAt,
                            generatorURL: a.generatorURL, fingerprint: a.fingerprint.description, isResolved: a.status == .resolved)
                  },
                  externalURL: externalURL, deadline: n.deadline, timestamp: n.timestamp)
    }
}

/// A `NotificationSender` for one integration: renders and sends through `notifier`,
/// retrying with `retrier` until the notification's deadline.
public struct IntegrationSender: NotificationSender {
    public var notifier: any Notifier
    public var retrier: Retrier
    public var externalURL: String

    public init(notifier: any Notifier, retrier: Retrier, externalURL: String) {
        self.notifier = notifier
        self.retrier = retrier
        self.externalURL = externalURL
    }

    public func send(_ notification: Notification) async -> DeliveryResult {
        let outcome = await retrier.deliver(NotificationRequest(notification, externalURL: externalURL), via: notifier)
        if let e = outcome.error { return .failed(reason: e.message) }
        return .delivered
    }
}

import Foundation
import HTTPClient

/// The notifiers of every receiver integration of a loaded `AlertmanagerConfig`, keyed by
/// receiver name and `IntegrationID` (`webhook[0]`, `slack[1]`, …) as the pipeline core names
/// them, all sharing one `HTTPClient`.
public struct ReceiverNotifiers: Sendable {
    public struct Key: Hashable, Sendable {
        public var receiver: String
        public var integration: IntegrationID
        public init(receiver: String, integration: IntegrationID) {
            self.receiver = receiver
            self.integration = integration
        }
    }

    public private(set) var notifiers: [Key: any Notifier]
    /// The client `make` created, shut down by `shutdown()`.
    private let ownedClient: HTTPClient?

    /// Builds a notifier for each `*_configs` entry of each receiver. Email notifiers get the
    /// global SMTP settings; Slack/PagerDuty/email render with `templates`.
    public init(config: AlertmanagerConfig, templates: NotificationTemplates, client: HTTPClient) {
        self.init(config: config, templates: templates, client: client, owned: false)
    }

    private init(config: AlertmanagerConfig, templates: NotificationTemplates, client: HTTPClient, owned: Bool) {
        ownedClient = owned ? client : nil
        var map: [Key: any Notifier] = [:]
        for r in config.receivers {
            for (i, c) in r.webhookConfigs.enumerated() {
                map[Key(receiver: r.name, integration: IntegrationID(kind: "webhook", index: i))] =
                    WebhookNotifier(config: c, client: client)
            }
            for (i, c) in r.slackConfigs.enumerated() {
                map[Key(receiver: r.name, integration: IntegrationID(kind: "slack", index: i))] =
                    SlackNotifier(config: c, templates: templates, client: client)
            }
            for (i, c) in r.pagerdutyConfigs.enumerated() {
                map[Key(receiver: r.name, integration: IntegrationID(kind: "pagerduty", index: i))] =
                    PagerDutyNotifier(config: c, templates: templates, client: client)
            }
            for (i, c) in r.emailConfigs.enumerated() {
                map[Key(receiver: r.name, integration: IntegrationID(kind: "email", index: i))] =
                    EmailNotifier(config: c, global: config.global, templates: templates, client: client)
            }
        }
        notifiers = map
    }

    /// Loads the config's `templates:` (relative globs against `directory`) and builds the
    /// notifiers on one new shared `HTTPClient`; call `shutdown()` when done.
    public static func make(config: AlertmanagerConfig, templateDirectory directory: String) throws -> ReceiverNotifiers {
        let templates = try NotificationTemplates(globs: config.templates, relativeTo: directory)
        return ReceiverNotifiers(config: config, templates: templates, client: try HTTPClient(), owned: true)
    }

    /// Shuts down the client `make` created (no-op for an injected client).
    public func shutdown() { ownedClient?.shutdown() }

    public func notifier(receiver: String, integration: IntegrationID) -> (any Notifier)? {
        notifiers[Key(receiver: receiver, integration: integration)]
    }

    public var count: Int { notifiers.count }
}

/// A `NotificationSender` that routes each `Notification` to the `IntegrationSender` of its
/// receiver integration, and reports each result to `onResult`.
public struct ReceiverNotificationSender: NotificationSender {
    public var notifiers: ReceiverNotifiers
    public var retrier: Retrier
    public var externalURL: String
    public var onResult: @Sendable (Notification, DeliveryResult) -> Void

    public init(notifiers: ReceiverNotifiers, retrier: Retrier = Retrier(), externalURL: String,
                onResult: @escaping @Sendable (Notification, DeliveryResult) -> Void = { _, _ in }) {
        self.notifiers = notifiers
        self.retrier = retrier
        self.externalURL = externalURL
        self.onResult = onResult
    }

    public func send(_ notification: Notification) async -> DeliveryResult {
        let result: DeliveryResult
        if let n = notifiers.notifier(receiver: notification.receiver, integration: notification.integration) {
            result = await IntegrationSender(notifier: n, retrier: retrier, externalURL: externalURL).send(notification)
        } else {
            result = .failed(reason: "no notifier for \(notification.receiver)/\(notification.integration)")
        }
        onResult(notification, result)
        return result
    }
}

import Foundation
import HTTPClient

/// The notifiers of every receiver integration of a loaded `AlertmanagerConfig`, keyed by
/// receiver name and `IntegrationID` (`webhook[0]`, `slack[1]`, …) as the pipeline core names
/// them. Each webhook, Slack and PagerDuty notifier sends through a client built from its
/// `http_config` (the receiver's own, else `global.http_config`): one client per distinct
/// setting, each with its own driver thread. Clients sharing one driver (`sharingDriver`)
/// stalled scrapes, so they are not shared here either.
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
    /// The clients the notifiers use, stopped by `shutdown()`. Dropping the last copy of
    /// these notifiers (after a reload, once deliveries under way finish) stops them too.
    private let clients: [HTTPClient]

    /// Builds a notifier for each `*_configs` entry of each receiver, with a client for each
    /// distinct `http_config`. Email notifiers get the global SMTP settings and their own
    /// `tls_config`; Slack/PagerDuty/email render with `templates`. Throws when a client
    /// cannot be made (an invalid `http_config`).
    public init(config: AlertmanagerConfig, templates: NotificationTemplates) throws {
        var pool: [HTTPClientConfig: HTTPClient] = [:]
        func client(_ h: HTTPClientConfig, _ receiver: String, _ id: IntegrationID) throws -> HTTPClient {
            if let c = pool[h] { return c }
            do {
                let c = try HTTPClient(config: h.clientConfig)
                pool[h] = c
                return c
            } catch {
                throw NotifierSetupError(message: "receiver \(receiver), \(id): http_config: \(error)")
            }
        }
        var map: [Key: any Notifier] = [:]
        for r in config.receivers {
            for (i, c) in r.webhookConfigs.enumerated() {
                let id = IntegrationID(kind: "webhook", index: i)
                map[Key(receiver: r.name, integration: id)] = WebhookNotifier(config: c, client: try client(c.httpConfig, r.name, id))
            }
            for (i, c) in r.slackConfigs.enumerated() {
                let id = IntegrationID(kind: "slack", index: i)
                map[Key(receiver: r.name, integration: id)] =
                    SlackNotifier(config: c, templates: templates, client: try client(c.httpConfig, r.name, id))
            }
            for (i, c) in r.pagerdutyConfigs.enumerated() {
                let id = IntegrationID(kind: "pagerduty", index: i)
                map[Key(receiver: r.name, integration: id)] =
                    PagerDutyNotifier(config: c, templates: templates, client: try client(c.httpConfig, r.name, id))
            }
            for (i, c) in r.emailConfigs.enumerated() {
                // SMTP takes its TLS settings per message; the client's own settings are unused.
                let id = IntegrationID(kind: "email", index: i)
                map[Key(receiver: r.name, integration: id)] =
                    EmailNotifier(config: c, global: config.global, templates: templates, client: try client(HTTPClientConfig(), r.name, id))
            }
        }
        notifiers = map
        clients = Array(pool.values)
    }

    /// Loads the config's `templates:` (relative globs against `directory`) and builds the
    /// notifiers; call `shutdown()` when done.
    public static func make(config: AlertmanagerConfig, templateDirectory directory: String) throws -> ReceiverNotifiers {
        let templates = try NotificationTemplates(globs: config.templates, relativeTo: directory)
        return try ReceiverNotifiers(config: config, templates: templates)
    }

    /// Stops every client: deliveries under way fail, later ones too.
    public func shutdown() {
        for c in clients { c.shutdown() }
    }

    /// How many clients (driver threads) the notifiers use.
    public var clientCount: Int { clients.count }

    public func notifier(receiver: String, integration: IntegrationID) -> (any Notifier)? {
        notifiers[Key(receiver: receiver, integration: integration)]
    }

    public var count: Int { notifiers.count }
}

/// An `http_config` the HTTP client rejected, naming the receiver integration.
public struct NotifierSetupError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
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

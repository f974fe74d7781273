import Alerting
import Foundation
import Model

/// What a receiver's message would say, rendered through the real notifiers' templates
/// (`SlackNotifier.payload`, `PagerDutyNotifier.request`, the email `Subject` header).
public struct RenderedMessage: Sendable, Equatable {
    /// Slack attachment title and text.
    public var slackTitle: String?
    public var slackText: String?
    /// PagerDuty v2 `payload.summary` (v1: `description`).
    public var pagerdutySummary: String?
    /// The email `Subject` header.
    public var emailSubject: String?
    /// Why rendering failed (a template error, a missing key file): the real sender would fail too.
    public var error: String?

    public init(slackTitle: String? = nil, slackText: String? = nil, pagerdutySummary: String? = nil,
                emailSubject: String? = nil, error: String? = nil) {
        self.slackTitle = slackTitle
        self.slackText = slackText
        self.pagerdutySummary = pagerdutySummary
        self.emailSubject = emailSubject
        self.error = error
    }

    public var isEmpty: Bool { self == RenderedMessage() }
}

/// Renders notifications with the notifiers built from an Alertmanager config, without sending.
///
/// The notifiers hold an HTTP client that is never used for a request; `shutdown()` stops it.
public struct NotificationRenderer: Sendable {
    public let notifiers: ReceiverNotifiers
    public let config: AlertmanagerConfig
    public let templates: NotificationTemplates
    public var externalURL: String

    /// Loads the config's `templates:` relative to `templateDirectory` (the config file's directory).
    public init(config: AlertmanagerConfig, templateDirectory: String, externalURL: String) throws {
        self.config = config
        templates = try NotificationTemplates(globs: config.templates, relativeTo: templateDirectory)
        notifiers = try ReceiverNotifiers.make(config: config, templateDirectory: templateDirectory)
        self.externalURL = externalURL
    }

    public func shutdown() { notifiers.shutdown() }

    /// The message `n` would carry; empty for webhooks.
    public func render(_ n: Alerting.Notification) -> RenderedMessage {
        let request = NotificationRequest(n, externalURL: externalURL)
        var out = RenderedMessage()
        let notifier = notifiers.notifier(receiver: n.receiver, integration: n.integration)
        do {
            switch notifier {
            case let slack as SlackNotifier:
                let body = try slack.payload(request)
                let json = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
                let attachment = (json?["attachments"] as? [[String: Any]])?.first
                out.slackTitle = attachment?["title"] as? String ?? ""
                out.slackText = attachment?["text"] as? String ?? ""
            case let pd as PagerDutyNotifier:
                let body = try pd.request(request).body
                let json = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
                if let payload = json?["payload"] as? [String: Any] {
                    out.pagerdutySummary = payload["summary"] as? String ?? ""
                } else {
                    out.pagerdutySummary = json?["description"] as? String ?? ""
                }
            case is EmailNotifier:
                out.emailSubject = try emailSubject(n, request)
            default:
                break
            }
        } catch {
            out.error = "\(error)"
        }
        return out
    }

    func emailSubject(_ n: Alerting.Notification, _ request: NotificationRequest) throws -> String? {
        guard let receiver = config.receivers.first(where: { $0.name == n.receiver }),
              n.integration.index < receiver.emailConfigs.count else { return nil }
        let c = receiver.emailConfigs[n.integration.index]
        let subject = c.headers.first { $0.key.lowercased() == "subject" }?.value ?? #"{{ template "email.default.subject" . }}"#
        return try templates.text(subject, request.templateData)
    }
}

import HTTPClient
import Model
import Templates

/// `webhook_configs`: POSTs Alertmanager's version-4 JSON message (spec §10.1;
/// `notify/webhook/webhook.go`). `max_alerts` truncation happens first, so the common
/// labels describe only the alerts sent.
public struct WebhookNotifier: Notifier {
    public let integration = "webhook"
    public var config: WebhookConfig
    public var client: HTTPClient
    /// Per-request transfer timeout.
    public var timeout: Duration

    public init(config: WebhookConfig, client: HTTPClient, timeout: Duration = .seconds(10)) {
        self.config = config
        self.client = client
        self.timeout = timeout
    }

    /// The request body (with the trailing newline `json.Encoder` writes).
    public func payload(_ n: NotificationRequest) -> [UInt8] {
        let (sent, truncated) = n.truncated(to: config.maxAlerts)
        return Self.message(sent, truncatedAlerts: truncated).encoded()
    }

    static func message(_ n: NotificationRequest, truncatedAlerts: Int) -> GoJSON {
        // `template.Data` fields first, then the webhook's own (`Message` embeds `*template.Data`).
        .object([
            ("receiver", .string(NotificationRequest.quoteMeta(n.receiver))),
            ("status", .string(n.status)),
            ("alerts", .array(n.alerts.map(alertJSON))),
            ("groupLabels", .map(n.groupLabels)),
            ("commonLabels", .map(n.commonLabels)),
            ("commonAnnotations", .map(n.commonAnnotations)),
            ("externalURL", .string(n.externalURL)),
            ("version", .string("4")),
            ("groupKey", .string(n.groupKey)),
            ("truncatedAlerts", .int(truncatedAlerts)),
        ])
    }

    static func alertJSON(_ a: NotificationRequest.Alert) -> GoJSON {
        .object([
            ("status", .string(a.status)),
            ("labels", .map(a.labels)),
            ("annotations", .map(a.annotations)),
            ("startsAt", .string(GoTime.rfc3339Nano(.milliseconds(a.startsAt)))),
            ("endsAt", .string(GoTime.rfc3339Nano(.milliseconds(a.payloadEndsAt)))),
            ("generatorURL", .string(a.generatorURL)),
            ("fingerprint", .string(a.fingerprint)),
        ])
    }

    public func notify(_ n: NotificationRequest) async throws -> NotifyResult {
        let resp = try await postJSON(client, url: config.url, body: payload(n), timeout: timeout)
        // Details are `<url>: <body>` (`webhook.go`: `errDetails`).
        try StatusCheck().check(status: resp.status, details: "\(redacted(config.url)): \(resp.text.prefix(1024))")
        return NotifyResult(status: resp.status)
    }
}

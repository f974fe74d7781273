import Foundation
import HTTPClient
import Model
import Templates

/// `pagerduty_configs`: Events API v2 with a routing key (spec §10.3), or v1 with a
/// service key (§10.4); `notify/pagerduty/pagerduty.go`.
///
/// The dedup (v2) / incident (v1) key is the lowercase hex SHA-256 of the group key,
/// so every notification of one aggregation group updates the same incident.
public struct PagerDutyNotifier: Notifier {
    public let integration = "pagerduty"
    public var config: PagerdutyConfig
    public var templates: NotificationTemplates
    public var client: HTTPClient
    public var timeout: Duration
    /// Events API v1 endpoint; v1 ignores `url` (overridable for tests).
    public var v1URL = "https://events.pagerduty.com/generic/2010-04-15/create_event.json"

    static let maxEventSize = 512_000
    static let maxSummaryRunes = 1024

    public init(config: PagerdutyConfig, templates: NotificationTemplates, client: HTTPClient, timeout: Duration = .seconds(10)) {
        self.config = config
        self.templates = templates
        self.client = client
        self.timeout = timeout
    }

    /// `notify.Key.Hash()`: SHA-256 of the group key, lowercase hex.
    public static func dedupKey(groupKey: String) -> String { SHA256.hex(groupKey) }

    /// The URL posted to and the body (with trailing newline).
    public func request(_ n: NotificationRequest) throws(NotifyError) -> (url: String, body: [UInt8]) {
        let eventType = n.status == "firing" ? "trigger" : "resolve"
        let data = n.templateData
        // Details first, each rendered on its own (`%q: failed to template %q`).
        var details: [String: String] = [:]
        let merged = PagerdutyConfig.defaultDetails.merging(config.details) { _, user in user }
        for k in merged.keys.sorted() {
            do { details[k] = try templates.text(merged[k]!, data) } catch {
                throw NotifyError(isRetryable: false, message: "\(goQuote(k)): failed to template \(goQuote(merged[k]!)): \(error)")
            }
        }
        var r = TemplateRenderer(templates, n)
        let key = Self.dedupKey(groupKey: n.groupKey)
        if config.usesV1 {
            let (description, _) = truncateInRunes(r.text(config.description), Self.maxSummaryRunes)
            let serviceKey = r.text(try secret(config.serviceKey, file: config.serviceKeyFile, what: "service"))
            var msg: [(String, GoJSON)] = []
            if !serviceKey.isEmpty { msg.append(("service_key", .string(serviceKey))) }
            msg.append(("incident_key", .string(key)))
            msg.append(("event_type", .string(eventType)))
            if !description.isEmpty { msg.append(("description", .string(description))) }
            msg.append(("event_action", .string("")))
            msg.append(("payload", .null))
            if eventType == "trigger" {
                let client = r.text(config.client), clientURL = r.text(config.clientURL)
                if !client.isEmpty { msg.append(("client", .string(client))) }
                if !clientURL.isEmpty { msg.append(("client_url", .string(clientURL))) }
            }
            let detailsAt = msg.count
            if !details.isEmpty { msg.append(("details", .map(details))) }
            if let e = r.error { throw NotifyError(isRetryable: false, message: "failed to template PagerDuty v1 message: \(e)") }
            if serviceKey.isEmpty { throw NotifyError(isRetryable: false, message: "service key cannot be empty") }
            var body = GoJSON.object(msg).encoded()
            if body.count > Self.maxEventSize {
                if details.isEmpty { msg.insert(("details", .map(Self.oversized)), at: detailsAt) } else { msg[detailsAt] = ("details", .map(Self.oversized)) }
                body = GoJSON.object(msg).encoded()
            }
            return (v1URL, body)
        }
        let client = r.text(config.client), clientURL = r.text(config.clientURL)
        let routingKey = r.text(try secret(config.routingKey, file: config.routingKeyFile, what: "routing"))
        let (summary, _) = truncateInRunes(r.text(config.description), Self.maxSummaryRunes)
        let source = r.text(config.source.isEmpty ? config.client : config.source)
        let severity = r.text(config.severity.isEmpty ? "error" : config.severity)
        let cls = r.text(config.class), component = r.text(config.component), group = r.text(config.group)
        let images: [GoJSON] = config.images.compactMap { i in
            let src = r.text(i.src), alt = r.text(i.alt), href = r.text(i.href)
            return src.isEmpty ? nil : .object([("src", .string(src)), ("alt", .string(alt)), ("href", .string(href))])
        }
        let links: [GoJSON] = config.links.compactMap { l in
            let href = r.text(l.href), text = r.text(l.text)
            return href.isEmpty ? nil : .object([("href", .string(href)), ("text", .string(text))])
        }
        if let e = r.error { throw NotifyError(isRetryable: false, message: "failed to template PagerDuty v2 message: \(e)") }
        if routingKey.isEmpty { throw NotifyError(isRetryable: false, message: "routing key cannot be empty") }
        func message(_ details: [String: String]) -> GoJSON {
            var payload: [(String, GoJSON)] = [("summary", .string(summary)), ("source", .string(source)), ("severity", .string(severity))]
            if !cls.isEmpty { payload.append(("class", .string(cls))) }
            if !component.isEmpty { payload.append(("component", .string(component))) }
            if !group.isEmpty { payload.append(("group", .string(group))) }
            if !details.isEmpty { payload.append(("custom_details", .map(details))) }
            var msg: [(String, GoJSON)] = [("routing_key", .string(routingKey)), ("dedup_key", .string(key)),
                                           ("event_action", .string(eventType)), ("payload", .object(payload))]
            if !client.isEmpty { msg.append(("client", .string(client))) }
            if !clientURL.isEmpty { msg.append(("client_url", .string(clientURL))) }
            if !images.isEmpty { msg.append(("images", .array(images))) }
            if !links.isEmpty { msg.append(("links", .array(links))) }
            return .object(msg)
        }
        var body = message(details).encoded()
        if body.count > Self.maxEventSize { body = message(Self.oversized).encoded() }
        return (config.url.isEmpty ? "https://events.pagerduty.com/v2/enqueue" : config.url, body)
    }

    static let oversized = ["error": "Custom details have been removed because the original event exceeds the maximum size of 512kB"]

    func secret(_ s: Secret?, file: String, what: String) throws(NotifyError) -> String {
        if let s, !s.isEmpty { return s.revealed }
        if file.isEmpty { return "" }
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw NotifyError(isRetryable: false, message: "failed to read \(what) key from file: open \(file): cannot read file")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public func notify(_ n: NotificationRequest) async throws -> NotifyResult {
        let (url, body) = try request(n)
        let resp: HTTPResponse
        do {
            resp = try await postJSON(client, url: url, body: body, timeout: timeout)
        } catch let e as NotifyError {
            throw NotifyError(isRetryable: e.isRetryable,
                              message: (config.usesV1 ? "failed to post message to PagerDuty v1: " : "failed to post message to PagerDuty: ") + e.message)
        }
        try StatusCheck(extraRetryable: config.usesV1 ? [403, 429] : [429])
            .check(status: resp.status, details: Self.errorDetails(status: resp.status, body: resp.body))
        return NotifyResult(status: resp.status)
    }

    /// `<message>: <errors joined by ",">` from a 400 JSON answer, else "".
    static func errorDetails(status: Int, body: [UInt8]) -> String {
        guard status == 400, let obj = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { return "" }
        let message = obj["message"] as? String ?? ""
        let errors = (obj["errors"] as? [String] ?? []).joined(separator: ",")
        return "\(message): \(errors)"
    }
}

import Foundation
import HTTPClient
import Model
import Templates

/// `slack_configs`: an incoming-webhook message with one attachment (spec §10.2;
/// `notify/slack/slack.go`).
///
/// Deliberate difference: 429 is retried (Alertmanager 0.25 retries only 5xx for Slack;
/// Slack answers 429 when rate limiting, and a later attempt succeeds).
public struct SlackNotifier: Notifier {
    public let integration = "slack"
    public var config: SlackConfig
    public var templates: NotificationTemplates
    public var client: HTTPClient
    public var timeout: Duration

    static let maxTitleRunes = 1024

    public init(config: SlackConfig, templates: NotificationTemplates, client: HTTPClient, timeout: Duration = .seconds(10)) {
        self.config = config
        self.templates = templates
        self.client = client
        self.timeout = timeout
    }

    /// The request body; throws a permanent `NotifyError` when a template fails.
    public func payload(_ n: NotificationRequest) throws(NotifyError) -> [UInt8] {
        var r = TemplateRenderer(templates, n)
        let c = config
        let (title, _) = truncateInRunes(r.text(c.title), Self.maxTitleRunes)
        var att: [(String, GoJSON)] = []
        func optional(_ key: String, _ v: String) { if !v.isEmpty { att.append((key, .string(v))) } }
        optional("title", title)
        optional("title_link", r.text(c.titleLink))
        optional("pretext", r.text(c.pretext))
        att.append(("text", .string(r.text(c.text))))
        att.append(("fallback", .string(r.text(c.fallback))))
        att.append(("callback_id", .string(r.text(c.callbackID))))
        if !c.fields.isEmpty {
            att.append(("fields", .array(c.fields.map { f in
                var o: [(String, GoJSON)] = []
                let t = r.text(f.title), v = r.text(f.value)
                if !t.isEmpty { o.append(("title", .string(t))) }
                if !v.isEmpty { o.append(("value", .string(v))) }
                o.append(("short", .bool(f.short ?? c.shortFields)))
                return .object(o)
            })))
        }
        if !c.actions.isEmpty {
            att.append(("actions", .array(c.actions.map { a in
                var o: [(String, GoJSON)] = []
                func opt(_ k: String, _ v: String) { if !v.isEmpty { o.append((k, .string(v))) } }
                opt("type", r.text(a.type)); opt("text", r.text(a.text)); opt("url", r.text(a.url))
                opt("style", r.text(a.style)); opt("name", r.text(a.name)); opt("value", r.text(a.value))
                if let cf = a.confirm {
                    var co: [(String, GoJSON)] = []
                    func copt(_ k: String, _ v: String) { if !v.isEmpty { co.append((k, .string(v))) } }
                    let title = r.text(cf.title), text = r.text(cf.text), ok = r.text(cf.okText), dismiss = r.text(cf.dismissText)
                    copt("text", text); copt("title", title); copt("ok_text", ok); copt("dismiss_text", dismiss)
                    o.append(("confirm", .object(co)))
                }
                return .object(o)
            })))
        }
        optional("image_url", r.text(c.imageURL))
        optional("thumb_url", r.text(c.thumbURL))
        att.append(("footer", .string(r.text(c.footer))))
        optional("color", r.text(c.color))
        let mrkdwn = c.mrkdwnIn.isEmpty ? ["fallback", "pretext", "text"] : c.mrkdwnIn
        att.append(("mrkdwn_in", .array(mrkdwn.map { .string($0) })))

        var req: [(String, GoJSON)] = []
        let channel = r.text(c.channel)
        if !channel.isEmpty { req.append(("channel", .string(channel))) }
        let username = r.text(c.username)
        if !username.isEmpty { req.append(("username", .string(username))) }
        let emoji = r.text(c.iconEmoji)
        if !emoji.isEmpty { req.append(("icon_emoji", .string(emoji))) }
        let icon = r.text(c.iconURL)
        if !icon.isEmpty { req.append(("icon_url", .string(icon))) }
        if c.linkNames { req.append(("link_names", .bool(true))) }
        req.append(("attachments", .array([.object(att)])))
        try r.check()
        return GoJSON.object(req).encoded()
    }

    /// `api_url`, or the first line of `api_url_file`, trimmed.
    func apiURL() throws(NotifyError) -> String {
        if let u = config.apiURL { return u.value }
        guard let text = try? String(contentsOfFile: config.apiURLFile, encoding: .utf8) else {
            throw NotifyError(isRetryable: false, message: "open \(config.apiURLFile): cannot read file")
        }
        return String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
            .trimmingCharacters(in: .whitespaces)
    }

    public func notify(_ n: NotificationRequest) async throws -> NotifyResult {
        let body = try payload(n)
        let url = try apiURL()
        var r = TemplateRenderer(templates, n)
        let channel = r.text(config.channel)
        let resp: HTTPResponse
        do {
            resp = try await postJSON(client, url: url, body: body, timeout: timeout)
        } catch let e as NotifyError {
            // The URL carries Slack's token: never print it.
            throw NotifyError(isRetryable: e.isRetryable, message: "channel \(goQuote(channel)): " + e.message.replacingOccurrences(of: redactedURL(url), with: "<redacted>")
                .replacingOccurrences(of: url, with: "<redacted>"), status: e.status)
        }
        do {
            try StatusCheck().check(status: resp.status, details: String(resp.text.prefix(1024)))
        } catch {
            // The URL carries Slack's token: never print it.
            throw NotifyError(isRetryable: error.isRetryable, message: "channel \(goQuote(channel)): \(error.message)", status: error.status)
        }
        return NotifyResult(status: resp.status)
    }
}

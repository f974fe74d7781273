import Foundation
import HTTPClient
import Model
import Templates

/// `email_configs`: a multipart/alternative message through the smarthost with
/// `HTTPClient.sendMail` (spec §10.5; `notify/email/email.go`).
///
/// Deliberate differences: configured headers are written in a fixed order (`Subject`,
/// `To`, `From`, then the rest by name) where Go uses map order; the HTML part is escaped
/// as `html/template` does in text and attribute context, without its URL normalisation.
public struct EmailNotifier: Notifier {
    public let integration = "email"
    public var config: EmailConfig
    /// Filled from `global.smtp_*` when the receiver leaves a setting empty.
    public var global: GlobalConfig
    public var templates: NotificationTemplates
    public var client: HTTPClient
    public var timeout: Duration
    /// The host name in `Message-Id`.
    public var hostname: String
    /// Wall clock for `Date` and `Message-Id`, in nanoseconds since the epoch.
    public var now: @Sendable () -> Int64

    public init(config: EmailConfig, global: GlobalConfig = GlobalConfig(), templates: NotificationTemplates, client: HTTPClient,
                timeout: Duration = .seconds(30), hostname: String = ProcessInfo.processInfo.hostName,
                now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1e9) }) {
        self.config = config
        self.global = global
        self.templates = templates
        self.client = client
        self.timeout = timeout
        self.hostname = hostname
        self.now = now
    }

    /// A rendered message and its envelope.
    public struct Message: Sendable {
        public var from: String
        public var to: [String]
        /// Header fields in the order written (values Q-encoded).
        public var headers: [(String, String)]
        /// The whole message: headers, blank line, MIME parts; CRLF line ends.
        public var data: [UInt8]
    }

    var from: String { config.from.isEmpty ? global.smtpFrom : config.from }

    /// Renders the message; throws a permanent `NotifyError` on template or address errors.
    public func message(_ n: NotificationRequest, boundary: String = Self.randomBoundary()) throws(NotifyError) -> Message {
        let data = n.templateData
        func render(_ t: String, _ what: String) throws(NotifyError) -> String {
            do { return try templates.text(t, data) } catch { throw NotifyError(isRetryable: false, message: "execute \(what) template: \(error)") }
        }
        let fromText = try render(from, "'from'")
        let toText = try render(config.to, "'to'")
        let fromAddrs = Self.addresses(fromText)
        guard fromAddrs.count == 1 else {
            throw NotifyError(isRetryable: false, message: "must be exactly one 'from' address (got: \(fromAddrs.count))")
        }
        let toAddrs = Self.addresses(toText)
        guard !toAddrs.isEmpty else { throw NotifyError(isRetryable: false, message: "parse 'to' addresses: mail: no address") }

        var headerTemplates = config.headers
        if headerTemplates["Subject"] == nil { headerTemplates["Subject"] = #"{{ template "email.default.subject" . }}"# }
        if headerTemplates["To"] == nil { headerTemplates["To"] = config.to }
        if headerTemplates["From"] == nil { headerTemplates["From"] = from }
        let first = ["Subject", "To", "From"]
        let order = first + headerTemplates.keys.filter { !first.contains($0) }.sorted()
        var headers: [(String, String)] = []
        for name in order {
            guard let t = headerTemplates[name] else { continue }
            let v: String
            do { v = try templates.text(t, data) } catch {
                throw NotifyError(isRetryable: false, message: "execute \(goQuote(name)) header template: \(error)")
            }
            headers.append((name, MIME.qEncode(v)))
        }
        let nanos = now()
        if headerTemplates["Message-Id"] == nil {
            headers.append(("Message-Id", "<\(nanos).\(UInt64.random(in: 0...UInt64.max))@\(hostname)>"))
        }
        let offset = TimeZone.current.secondsFromGMT(for: Date(timeIntervalSince1970: Double(nanos) / 1e9))
        let date = GoTime.format(TemplateTime(nanoseconds: nanos, offset: offset, zoneName: ""), layout: "Mon, 02 Jan 2006 15:04:05 -0700")
        headers.append(("Date", date))
        headers.append(("Content-Type", "multipart/alternative;  boundary=\(boundary)"))
        headers.append(("MIME-Version", "1.0"))

        var out: [UInt8] = []
        for (k, v) in headers { out += Array("\(k): \(v)\r\n".utf8) }
        out += [13, 10]
        var parts = 0
        func part(_ contentType: String, _ body: String) {
            out += Array(((parts == 0 ? "" : "\r\n") + "--\(boundary)\r\n").utf8)
            out += Array("Content-Transfer-Encoding: quoted-printable\r\nContent-Type: \(contentType)\r\n\r\n".utf8)
            out += MIME.quotedPrintable(Array(body.utf8))
            parts += 1
        }
        if !config.text.isEmpty { part("text/plain; charset=UTF-8", try render(config.text, "text")) }
        if !config.html.isEmpty {
            let html: String
            do { html = try templates.html(config.html, data) } catch {
                throw NotifyError(isRetryable: false, message: "execute html template: \(error)")
            }
            part("text/html; charset=UTF-8", html)
        }
        out += Array(((parts == 0 ? "--" : "\r\n--") + "\(boundary)--\r\n").utf8)
        return Message(from: fromAddrs[0], to: toAddrs, headers: headers, data: out)
    }

    /// Go's `multipart.Writer` boundary: 30 random bytes in hex.
    public static func randomBoundary() -> String {
        (0..<30).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }

    /// The addresses of a `mail.ParseAddressList` list: `a@b, Name <c@d>` → `[a@b, c@d]`.
    static func addresses(_ list: String) -> [String] {
        var out: [String] = []
        var current = "", inQuotes = false
        for ch in list {
            if ch == "\"" { inQuotes.toggle() }
            if ch == ",", !inQuotes { out.append(current); current = ""; continue }
            current.append(ch)
        }
        out.append(current)
        return out.compactMap { item in
            let t = item.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { return nil }
            if let open = t.lastIndex(of: "<"), let close = t.lastIndex(of: ">"), open < close {
                return String(t[t.index(after: open)..<close])
            }
            return t
        }
    }

    public func notify(_ n: NotificationRequest) async throws -> NotifyResult {
        let msg = try message(n)
        let smarthost = config.smarthost.isEmpty ? global.smtpSmarthost : config.smarthost
        let username = config.authUsername.isEmpty ? global.smtpAuthUsername : config.authUsername
        var password = config.authPassword ?? global.smtpAuthPassword
        let passwordFile = config.authPasswordFile.isEmpty ? global.smtpAuthPasswordFile : config.authPasswordFile
        if password == nil, !passwordFile.isEmpty,
           let text = try? String(contentsOfFile: passwordFile, encoding: .utf8) {
            password = Secret(text.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        if password == nil { password = config.authSecret ?? global.smtpAuthSecret }
        let auth = username.isEmpty ? nil : SMTPAuth(username: username, password: password ?? Secret(""))
        let hello = config.hello.isEmpty ? global.smtpHello : config.hello
        do {
            try await client.sendMail(SMTPMessage(raw: msg.data), smarthost: smarthost, from: msg.from, to: msg.to, auth: auth,
                                      requireTLS: config.requireTLS ?? global.smtpRequireTLS, helo: hello,
                                      tls: config.tlsConfig.clientTLS, timeout: timeout)
        } catch let e as HTTPClientError {
            throw NotifyError.transport(e)
        }
        return NotifyResult()
    }
}

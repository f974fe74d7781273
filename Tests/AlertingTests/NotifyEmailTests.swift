import Foundation
import Testing
@testable import Alerting
import HTTPClient
import Model

/// Email through a local SMTP sink (the asyncio sink of HTTPClientTests' servers.py).
@Suite(.serialized) struct NotifyEmailTests {
    func mailRequest() -> NotificationRequest {
        NotificationRequest(receiver: "mail", groupKey: "{}:{alertname=\"MailTest\"}", groupLabels: ["alertname": "MailTest"],
                            alerts: [NotifyFixtures.alert(["alertname": "MailTest", "instance": "m1", "job": "j"], ["summary": "Grüße & <tags>"],
                                                          generatorURL: "http://prom/graph?a=1&b=2")],
                            externalURL: "http://am.example:9093")
    }

    func config(_ smarthost: String) -> EmailConfig {
        var c = EmailConfig()
        c.to = "ops@example.org, Dev Team <dev@example.org>"
        c.from = "am@example.org"
        c.smarthost = smarthost
        c.requireTLS = false
        c.text = "{{ .CommonAnnotations.summary }}"
        return c
    }

    @Test func deliversThroughSMTPSink() async throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("klaxon-notify-smtp-\(UUID().uuidString).jsonl")
        let sink = try NotifySink(["smtp", "--out", out.path])
        defer { sink.stop(); try? FileManager.default.removeItem(at: out) }
        let client = try HTTPClient()
        defer { client.shutdown() }
        var c = config("127.0.0.1:\(sink.port)")
        c.authUsername = "alice"
        c.authPassword = Secret("pw")
        c.headers = ["X-Team": "{{ .CommonLabels.job }}"]
        let notifier = EmailNotifier(config: c, templates: NotificationTemplates(), client: client, hostname: "klaxon.test",
                                     now: { 1_795_908_947_000_000_000 })
        let outcome = await Retrier(sleeper: FakeSleeper()).deliver(mailRequest(), via: notifier)
        #expect(outcome.isDelivered, "\(String(describing: outcome.error))")
        let line = try #require(try String(contentsOf: out, encoding: .utf8).split(separator: "\n").first)
        let rec = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(rec["from"] as? String == "am@example.org")
        #expect(rec["to"] as? [String] == ["ops@example.org", "dev@example.org"])
        #expect(rec["auth"] as? String == "alice")
        let data = try #require(rec["data"] as? String)
        let head = data.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n")
        #expect(head[0] == "Subject: [FIRING:1] MailTest (m1 j)")
        #expect(head[1] == "To: ops@example.org, Dev Team <dev@example.org>")
        #expect(head[2] == "From: am@example.org")
        #expect(head[3] == "X-Team: j")
        #expect(head[4].hasPrefix("Message-Id: <1795908947000000000.") && head[4].hasSuffix("@klaxon.test>"))
        #expect(head[5].hasPrefix("Date: ") && head[5].contains(" 2026 ") || head[5].contains("Nov 2026"))
        #expect(head[6].hasPrefix("Content-Type: multipart/alternative;  boundary="))
        #expect(head[7] == "MIME-Version: 1.0")
        #expect(data.contains("Content-Transfer-Encoding: quoted-printable\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nGr=C3=BC=C3=9Fe & <tags>"))
        #expect(data.contains("Content-Type: text/html; charset=UTF-8"))
        #expect(data.contains("Gr=C3=BC=C3=9Fe &amp; &lt;tags&gt;"))
    }

    @Test func messageLayout() throws {
        var c = config("unused:25")
        c.html = "<b>{{ .Status }}</b>"
        let msg = try EmailNotifier(config: c, templates: NotificationTemplates(), client: try HTTPClient(), hostname: "h", now: { 0 })
            .message(mailRequest(), boundary: "BOUNDARY")
        let text = String(decoding: msg.data, as: UTF8.self)
        let body = text.components(separatedBy: "MIME-Version: 1.0\r\n\r\n")[1]
        #expect(body == "--BOUNDARY\r\nContent-Transfer-Encoding: quoted-printable\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nGr=C3=BC=C3=9Fe & <tags>"
            + "\r\n--BOUNDARY\r\nContent-Transfer-Encoding: quoted-printable\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n<b>firing</b>\r\n--BOUNDARY--\r\n")
    }

    @Test func quotedPrintableAndQEncoding() {
        let long = String(repeating: "a", count: 80)
        #expect(String(decoding: MIME.quotedPrintable(Array(long.utf8)), as: UTF8.self) == String(repeating: "a", count: 75) + "=\r\naaaaa")
        #expect(String(decoding: MIME.quotedPrintable(Array("a \nb=c".utf8)), as: UTF8.self) == "a=20\r\nb=3Dc")
        #expect(MIME.qEncode("plain subject") == "plain subject")
        #expect(MIME.qEncode("Grüße") == "=?utf-8?q?Gr=C3=BC=C3=9Fe?=")
    }

    @Test func connectionRefusedIsRetryable() async throws {
        let notifier = EmailNotifier(config: config("127.0.0.1:\(try freePort())"), templates: NotificationTemplates(), client: try HTTPClient())
        await #expect(throws: NotifyError.self) { _ = try await notifier.notify(mailRequest()) }
        do { _ = try await notifier.notify(mailRequest()) } catch let e as NotifyError { #expect(e.isRetryable) }
    }

    @Test func badFromIsPermanent() throws {
        var c = config("unused:25")
        c.from = "a@x, b@y"
        #expect(throws: NotifyError(isRetryable: false, message: "must be exactly one 'from' address (got: 2)")) {
            _ = try EmailNotifier(config: c, templates: NotificationTemplates(), client: try HTTPClient()).message(mailRequest())
        }
    }
}

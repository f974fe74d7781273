import Foundation
import Testing
@testable import HTTPClient

/// A message the SMTP sink recorded.
struct ReceivedMail: Decodable {
    var helo: String?
    var auth: String?
    var from: String?
    var to: [String]
    var data: String
}

/// SMTP through the same driver, against the asyncio sink in `Fixtures/servers.py`.
@Suite("SMTP")
struct SMTPTests {
    /// Starts a sink writing to a fresh file; returns it and the file.
    func startSink() throws -> (TestServer, URL) {
        let out = try temporaryDirectory().appendingPathComponent("mail.jsonl")
        return (try TestServer(["smtp", "--out", out.path]), out)
    }

    func received(_ file: URL) throws -> [ReceivedMail] {
        let text = try String(contentsOf: file, encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONDecoder().decode(ReceivedMail.self, from: Data($0.utf8)) }
    }

    @Test func sendsFromToAuthAndBody() async throws {
        let (sink, file) = try startSink()
        defer { sink.stop() }
        let message = SMTPMessage(
            headers: [("From", "alertmanager@example.org"), ("To", "oncall@example.org"),
                      ("Subject", "[FIRING:1] HighLatency")],
            body: "Latency is high.\n.a line that starts with a dot\nEnd.\n")
        let client = try HTTPClient()
        try await client.sendMail(
            message, smarthost: "127.0.0.1:\(sink.port)", from: "alertmanager@example.org",
            to: ["oncall@example.org", "boss@example.org"],
            auth: SMTPAuth(username: "am", password: "pw"), requireTLS: false, helo: "klaxon.test")
        let mails = try received(file)
        try #require(mails.count == 1)
        let mail = mails[0]
        #expect(mail.from == "alertmanager@example.org")
        #expect(mail.to == ["oncall@example.org", "boss@example.org"])
        #expect(mail.helo == "klaxon.test")
        #expect(mail.auth == "am")
        #expect(mail.data == "From: alertmanager@example.org\r\nTo: oncall@example.org\r\n"
            + "Subject: [FIRING:1] HighLatency\r\n\r\n"
            + "Latency is high.\r\n.a line that starts with a dot\r\nEnd.\r\n")
    }

    @Test func requireTLSFailsWithoutStartTLS() async throws {
        let (sink, file) = try startSink()
        defer { sink.stop() }
        let error = await #expect(throws: HTTPClientError.self) {
            try await HTTPClient().sendMail(
                SMTPMessage(headers: [("Subject", "x")], body: "x"), smarthost: "127.0.0.1:\(sink.port)",
                from: "a@example.org", to: ["b@example.org"], requireTLS: true)
        }
        guard case .tls(let url, _) = error else {
            Issue.record("expected tls, got \(String(describing: error))")
            return
        }
        #expect(url == "smtp://127.0.0.1:\(sink.port)/localhost")
        #expect(!FileManager.default.fileExists(atPath: file.path))
    }

    @Test func refusedSmarthost() async throws {
        let port = try unusedPort()
        let error = await #expect(throws: HTTPClientError.self) {
            try await HTTPClient().sendMail(
                SMTPMessage(raw: Array("Subject: x\r\n\r\nx\r\n".utf8)), smarthost: "127.0.0.1:\(port)",
                from: "a@example.org", to: ["b@example.org"], requireTLS: false)
        }
        guard case .connectionRefused = error else {
            Issue.record("expected connectionRefused, got \(String(describing: error))")
            return
        }
    }
}

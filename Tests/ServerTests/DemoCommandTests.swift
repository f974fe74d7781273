import Foundation
import TestSupport
import Testing

/// Starts the built `klaxon demo` at a high speed and watches its terminal output until an
/// alert fires and its notification arrives at the console receiver; meanwhile the HTTP API
/// it prints must answer, and the file receiver must have the webhook payload.
///
/// Needs `.build/debug/klaxon` (`swift build --product klaxon`; `swift test` builds it too).
@Suite(.serialized) struct DemoCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let binary = root.appendingPathComponent(".build/debug/klaxon").path

    final class Child {
        let process = Process()
        deinit { stop() }
        func stop() {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            if process.processIdentifier != 0 { process.waitUntilExit() }
        }
    }

    func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    func curl(_ url: String) -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        p.arguments = ["-s", "--max-time", "10", url]
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("klaxon-demo-curl-\(UUID().uuidString)").path
        FileManager.default.createFile(atPath: path, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: path) }
        guard let h = try? FileHandle(forWritingTo: URL(fileURLWithPath: path)) else { return "" }
        p.standardOutput = h
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return "" }
        p.waitUntilExit()
        try? h.close()
        return read(path)
    }

    @Test func demoFiresAnAlertAndNotifies() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the binary first: swift build --product klaxon")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("klaxon-demo-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let port = try freePort()
        let out = dir + "/demo.out", notifications = dir + "/notifications.jsonl"
        FileManager.default.createFile(atPath: out, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: out))

        let demo = Child()
        demo.process.executableURL = URL(fileURLWithPath: Self.binary)
        demo.process.currentDirectoryURL = Self.root  // rules/ and fixtures/config/ are relative
        demo.process.arguments = ["demo", "--speed", "3600", "--web.listen-address", "127.0.0.1:\(port)",
                                  "--notifications.file", notifications]
        demo.process.standardOutput = handle
        demo.process.standardError = handle
        demo.process.standardInput = FileHandle.nullDevice
        try demo.process.run()
        defer { demo.stop() }

        // The first scripted alert: fireworks degrades at +3m, ProviderDegraded fires 10m later.
        let fired = try await eventually(180) {
            let text = self.read(out)
            return text.contains("FIRING   ProviderDegraded") && text.contains("✉ FIRING → slack: ProviderDegraded{fireworks}")
        }
        let text = read(out)
        #expect(fired, "no firing alert and notification in the demo's output:\n\(text)")
        #expect(text.contains("Klaxon API and UI:          http://127.0.0.1:\(port)/"))
        #expect(text.contains("▶ provider-degraded: fireworks degraded"))
        #expect(text.contains("PENDING  ProviderDegraded [warning] fireworks"))

        // The API is live during the demo and sees the firing alert.
        let alerts = curl("http://127.0.0.1:\(port)/api/v1/query?query=ALERTS%7Balertstate%3D%22firing%22%7D")
        #expect(alerts.contains("\"status\":\"success\""), "\(alerts)")
        #expect(alerts.contains("ProviderDegraded"), "\(alerts)")
        let targets = curl("http://127.0.0.1:\(port)/api/v1/targets")
        #expect(targets.contains("\"health\":\"up\""), "\(targets)")
        // So is the web UI, and the Alertmanager API v2 has the alert.
        let page = curl("http://127.0.0.1:\(port)/ui/alerts")
        #expect(page.contains("ProviderDegraded"), "\(page.prefix(500))")
        let v2 = curl("http://127.0.0.1:\(port)/api/v2/alerts")
        #expect(v2.contains("ProviderDegraded"), "\(v2.prefix(500))")

        // The file receiver got the webhook payload (Alertmanager's version 4 JSON).
        let delivered = try await eventually(30) { self.read(notifications).contains("ProviderDegraded") }
        #expect(delivered)
        let first = read(notifications).split(separator: "\n").first.map(String.init) ?? ""
        let json = try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any]
        #expect(json?["version"] as? String == "4")
        #expect(json?["receiver"] as? String == "slack")
        #expect(json?["status"] as? String == "firing")
    }
}

import Foundation
import TestSupport
import Glibc
import HTTPClient
import Logging
import Model
import Rules
import Testing
@testable import Server

/// Klaxon's `alerting.alertmanagers` sender against a real Alertmanager 0.25
/// (Debian's prometheus-alertmanager), read back through that Alertmanager's own API.
@Suite(.serialized) struct RemoteAlertmanagersTests {
    static let binary = "/usr/bin/prometheus-alertmanager"

    final class Child {
        let process = Process()
        deinit {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            if process.processIdentifier != 0 { process.waitUntilExit() }
        }
    }

    func get(_ url: String) -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        p.arguments = ["-s", "--max-time", "5", url]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return "" }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary)))
    func alertsReachARealAlertmanager() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("klaxon-remote-am-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "route:\n  receiver: none\nreceivers:\n  - name: none\n".write(toFile: dir + "/am.yml", atomically: true, encoding: .utf8)
        let port = try freePort()
        let am = Child()
        am.process.executableURL = URL(fileURLWithPath: Self.binary)
        am.process.arguments = ["--config.file=\(dir)/am.yml", "--storage.path=\(dir)/data",
                                "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address="]
        am.process.standardInput = FileHandle.nullDevice
        am.process.standardOutput = FileHandle.nullDevice
        am.process.standardError = FileHandle.nullDevice
        try am.process.run()
        let base = "http://127.0.0.1:\(port)"
        #expect(try await eventually(30) { get(base + "/-/ready").contains("OK") })

        let client = try HTTPClient()
        defer { client.shutdown() }
        let sink = RemoteAlertmanagers(client: client, logger: Logger(label: "test"))
        sink.setURLs([base + "/"])
        let runner = Task { await sink.run() }
        defer { runner.cancel() }
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let alert = NotifierAlert(labels: Labels(["alertname": "ProviderDown", "provider": "openrouter", "severity": "critical"]),
                                  annotations: [Label(name: "summary", value: "openrouter \"down\"")],
                                  startsAt: now - 60_000, endsAt: now + 3_600_000, generatorURL: "http://klaxon/graph?g0.expr=up")
        await sink.send([alert])
        var body = ""
        let arrived = try await eventually(30) {
            body = get(base + "/api/v2/alerts")
            return body.contains("\"provider\":\"openrouter\"")
        }
        #expect(arrived, "Alertmanager's /api/v2/alerts said: \(body)")
        #expect(body.contains("openrouter \\\"down\\\""))
        #expect(body.contains("\"generatorURL\":\"http://klaxon/graph?g0.expr=up\""))
        #expect(body.contains("\"state\":\"active\""))
    }

    @Test func payloadHasPrometheusShape() {
        let a = NotifierAlert(labels: Labels(["alertname": "A"]), annotations: [], startsAt: 0, endsAt: 1_000, generatorURL: "g")
        #expect(RemoteAlertmanagers.payload([a]) ==
                "[{\"labels\":{\"alertname\":\"A\"},\"annotations\":{},\"startsAt\":\"1970-01-01T00:00:00Z\",\"endsAt\":\"1970-01-01T00:00:01Z\",\"generatorURL\":\"g\"}]")
    }
}

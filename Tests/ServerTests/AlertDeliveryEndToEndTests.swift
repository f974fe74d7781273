import Foundation
import TestSupport
import Testing

/// Starts the built `klaxon run` binary with `--alertmanager.config.file` and checks that a
/// firing rule alert goes through the Alertmanager pipeline to a webhook receiver (the Python
/// sink of `fixtures/notify/sink.py`), and that a bad Alertmanager file fails startup with
/// its file:line.
///
/// Needs `.build/debug/klaxon` (`swift build --product klaxon`).
@Suite(.serialized) struct AlertDeliveryEndToEndTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let binary = root.appendingPathComponent(".build/debug/klaxon").path
    static let sinkScript = root.appendingPathComponent("fixtures/notify/sink.py").path

    /// A child process that is SIGKILLed and reaped when the test is done with it.
    typealias Child = E2EProcess

    func startSink() throws -> (Child, Int) { try startPython([Self.sinkScript, "http"]) }

    func startKlaxon(_ args: [String], log: String) throws -> Child {
        let c = Child()
        c.process.executableURL = URL(fileURLWithPath: Self.binary)
        c.process.arguments = ["run"] + args
        FileManager.default.createFile(atPath: log, contents: nil)
        let logHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        c.process.standardOutput = logHandle
        c.process.standardError = logHandle
        c.process.standardInput = FileHandle.nullDevice
        try c.process.run()
        return c
    }

    /// `curl -s` to completion; stdout goes through a file.
    func curl(_ url: String) throws -> String { try runTool("/usr/bin/curl", ["-s", "--max-time", "5", url]).out }

    func makeDir() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("klaxon-am-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/rules", withIntermediateDirectories: true)
        try """
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files:
              - rules/*.yml
            """.write(toFile: dir + "/prometheus.yml", atomically: true, encoding: .utf8)
        try """
            groups:
              - name: e2e
                rules:
                  - alert: KlaxonWebhookE2E
                    expr: vector(1)
                    for: 0s
                    labels:
                      severity: page
                    annotations:
                      summary: always firing
            """.write(toFile: dir + "/rules/e2e.yml", atomically: true, encoding: .utf8)
        return dir
    }

    @Test func firingRuleAlertReachesWebhookReceiver() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary),
                     "build the binary first: swift build --product klaxon")
        let dir = try makeDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (sink, sinkPort) = try startSink()
        defer { sink.stop() }
        try """
            route:
              receiver: hook
              group_by: [alertname]
              group_wait: 1s
              group_interval: 5s
              repeat_interval: 1h
            receivers:
              - name: hook
                webhook_configs:
                  - url: http://127.0.0.1:\(sinkPort)/codes/200/e2e
            """.write(toFile: dir + "/alertmanager.yml", atomically: true, encoding: .utf8)

        let port = try freePort()
        let log = dir + "/klaxon.log"
        let klaxon = try startKlaxon(["--config.file", dir + "/prometheus.yml", "--storage.path", dir + "/data",
                                      "--web.listen-address", "127.0.0.1:\(port)",
                                      "--alertmanager.config.file", dir + "/alertmanager.yml"], log: log)
        defer { klaxon.stop() }

        var recorded = ""
        let delivered = try await eventually(90) {
            recorded = try curl("http://127.0.0.1:\(sinkPort)/requests/e2e")
            return recorded.contains(#"\"status\":\"firing\""#)
        }
        let klaxonLog = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(delivered, "sink recorded: \(recorded)\nklaxon log:\n\(klaxonLog)")
        if delivered {
            let requests = try #require(try JSONSerialization.jsonObject(with: Data(recorded.utf8)) as? [[String: Any]])
            let body = try #require(requests.first?["body"] as? String)
            let message = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
            #expect(message["status"] as? String == "firing")
            #expect(message["receiver"] as? String == "hook")
            #expect(message["version"] as? String == "4")
            let alerts = try #require(message["alerts"] as? [[String: Any]])
            let labels = try #require(alerts.first?["labels"] as? [String: String])
            #expect(labels["alertname"] == "KlaxonWebhookE2E")
            #expect(labels["severity"] == "page")
            #expect((alerts.first?["annotations"] as? [String: String])?["summary"] == "always firing")
            #expect(klaxonLog.contains("Notify success"), "\(klaxonLog)")
        }
    }

    @Test func badAlertmanagerConfigFailsStartupWithFileAndLine() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary),
                     "build the binary first: swift build --product klaxon")
        let dir = try makeDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
            route:
              receiver: nobody
            receivers:
              - name: hook
            """.write(toFile: dir + "/alertmanager.yml", atomically: true, encoding: .utf8)
        let log = dir + "/klaxon.log"
        let klaxon = try startKlaxon(["--config.file", dir + "/prometheus.yml", "--storage.path", dir + "/data",
                                      "--web.listen-address", "127.0.0.1:\(try freePort())",
                                      "--alertmanager.config.file", dir + "/alertmanager.yml"], log: log)
        defer { klaxon.stop() }
        let exited = try await eventually(60) { !klaxon.process.isRunning }
        #expect(exited)
        if exited { #expect(klaxon.process.terminationStatus != 0) }
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(text.contains("Error loading Alertmanager config"), "\(text)")
        #expect(text.contains(dir + "/alertmanager.yml:2:"), "\(text)")
    }
}

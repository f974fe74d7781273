import Foundation
import TestSupport
import Testing

/// Starts the built `klaxon run` binary against a Python `/metrics` server and queries it with
/// the real `promtool`: instant, range and label queries, reload rejection, SIGTERM → exit 0,
/// and a restart on the same storage path that still has the earlier samples.
///
/// Needs `.build/debug/klaxon` (`swift build --product klaxon`; `swift test` builds it too).
@Suite(.serialized) struct RunEndToEndTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let binary = root.appendingPathComponent(".build/debug/klaxon").path
    static let metricsServer = root.appendingPathComponent("Tests/ScrapeTests/Fixtures/metrics_server.py").path
    static let promtool = "/usr/bin/promtool"

    /// A child process that is SIGKILLed and reaped when the test is done with it.
    typealias Child = E2EProcess

    func startMetricsServer() throws -> (Child, Int) { try startPython([Self.metricsServer]) }

    func startKlaxon(config: String, storage: String, port: Int, log: String) throws -> Child {
        let c = Child()
        c.process.executableURL = URL(fileURLWithPath: Self.binary)
        c.process.arguments = ["run", "--config.file", config, "--storage.path", storage,
                               "--web.listen-address", "127.0.0.1:\(port)"]
        FileManager.default.createFile(atPath: log, contents: nil)
        let logHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        logHandle.seekToEndOfFile()
        c.process.standardOutput = logHandle
        c.process.standardError = logHandle
        c.process.standardInput = FileHandle.nullDevice
        try c.process.run()
        return c
    }

    /// Runs a tool to completion; stdout goes through a file (no pipe to fill up).
    func run(_ tool: String, _ args: [String]) throws -> (status: Int32, out: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("klaxon-e2e-\(UUID().uuidString)").path
        FileManager.default.createFile(atPath: path, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        p.standardOutput = h
        p.standardError = h
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        try h.close()
        return (p.terminationStatus, (try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
    }

    func curl(_ args: [String]) throws -> String {
        try run("/usr/bin/curl", ["-s", "--max-time", "5"] + args).out
    }

    @Test func runScrapeQueryRestart() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary),
                     "build the binary first: swift build --product klaxon")
        try #require(FileManager.default.isExecutableFile(atPath: Self.promtool), "promtool is not installed")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("klaxon-run-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/rules", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }

        let (server, targetPort) = try startMetricsServer()
        defer { server.stop() }
        let port = try freePort()
        let url = "http://127.0.0.1:\(port)"
        let config = """
            global:
              scrape_interval: 1s
              scrape_timeout: 500ms
              evaluation_interval: 1s
            rule_files:
              - rules/*.yml
            scrape_configs:
              - job_name: app
                static_configs:
                  - targets: ["127.0.0.1:\(targetPort)"]
            """
        try config.write(toFile: dir + "/prometheus.yml", atomically: true, encoding: .utf8)
        try """
            groups:
              - name: e2e
                rules:
                  - record: job:requests:sum
                    expr: sum by (job) (requests_total)
                  - alert: AlwaysFiring
                    expr: vector(1)
                    labels:
                      severity: page
            """.write(toFile: dir + "/rules/e2e.yml", atomically: true, encoding: .utf8)

        let log = dir + "/klaxon.log"
        var klaxon = try startKlaxon(config: dir + "/prometheus.yml", storage: dir + "/data", port: port, log: log)
        defer { klaxon.stop() }

        // promtool POSTs the query form; wait until a few scrapes are in.
        var instant = ""
        let scraped = try await eventually(90) {
            instant = try run(Self.promtool, ["query", "instant", url, "up"]).out
            return instant.contains("up{instance=\"127.0.0.1:\(targetPort)\", job=\"app\"} => 1 @[")
        }
        #expect(scraped, "promtool query instant 'up' answered: \(instant)")
        let firstSampleTime = Date().timeIntervalSince1970
        try await Task.sleep(for: .seconds(3))

        let start = Int(firstSampleTime) - 2, end = Int(Date().timeIntervalSince1970)
        let range = try run(Self.promtool, ["query", "range", "--start=\(start)", "--end=\(end)", "--step=1s", url,
                                            "requests_total"])
        #expect(range.status == 0)
        #expect(range.out.hasPrefix("requests_total{instance=\"127.0.0.1:\(targetPort)\", job=\"app\", path=\"/\"} =>\n"),
                "\(range.out)")
        let points = range.out.split(separator: "\n").dropFirst().filter { $0.contains(" @[") }
        #expect(points.count >= 3, "\(range.out)")

        let labels = try run(Self.promtool, ["query", "labels", url, "job"])
        #expect(labels.status == 0)
        #expect(labels.out == "app\n")

        // The recording rule ran and the alert is firing.
        let recorded = try await eventually(90) {
            try run(Self.promtool, ["query", "instant", url, "job:requests:sum"]).out.contains("job:requests:sum{job=\"app\"} =>")
        }
        #expect(recorded)
        let alerts = try curl(["\(url)/api/v1/alerts"])
        #expect(alerts.contains(#""labels":{"alertname":"AlwaysFiring","severity":"page"}"#), "\(alerts)")
        #expect(try String(contentsOfFile: log, encoding: .utf8).contains("component=alerts msg=alert alertname=AlwaysFiring"))

        // A bad config is rejected over HTTP and the old one keeps running.
        try (config + "\n  - job_name: app\n").write(toFile: dir + "/prometheus.yml", atomically: true, encoding: .utf8)
        let reload = try curl(["-X", "POST", "-w", "\n%{http_code}", "\(url)/-/reload"])
        #expect(reload.hasPrefix("failed to reload config: "), "\(reload)")
        #expect(reload.hasSuffix("\n500"))
        let still = try curl(["\(url)/api/v1/status/config"])
        #expect(still.contains("scrape_interval: 1s") && !still.contains("job_name: app\\n  - job_name"), "\(still)")
        try config.write(toFile: dir + "/prometheus.yml", atomically: true, encoding: .utf8)

        // Request bodies over the limit are refused.
        let big = String(repeating: "x", count: 2 << 20)
        try ("query=" + big).write(toFile: dir + "/big.txt", atomically: true, encoding: .utf8)
        let tooBig = try curl(["-o", "/dev/null", "-w", "%{http_code}", "--data-binary", "@\(dir)/big.txt", "\(url)/api/v1/query"])
        #expect(tooBig == "413")

        // SIGTERM: clean shutdown, exit 0.
        kill(klaxon.process.processIdentifier, SIGTERM)
        let exited = try await eventually(90) { !klaxon.process.isRunning }
        #expect(exited)
        let exitTime = String(format: "%.3f", Date().timeIntervalSince1970)
        if exited { #expect(klaxon.process.terminationStatus == 0) }
        let shutdownLog = try String(contentsOfFile: log, encoding: .utf8)
        #expect(shutdownLog.contains("See you next time!"))

        // Restart on the same storage: the earlier samples are still there.
        klaxon = try startKlaxon(config: dir + "/prometheus.yml", storage: dir + "/data", port: port, log: log)
        var again = ""
        let restored = try await eventually(90) {
            again = try run(Self.promtool, ["query", "range", "--start=\(start)", "--end=\(end)", "--step=1s", url,
                                            "requests_total"]).out
            return again.split(separator: "\n").filter { $0.contains(" @[") }.count == points.count
        }
        #expect(restored, "after restart: \(again)\nbefore: \(range.out)")
        // The scrape loop wrote staleness markers on shutdown: nothing is current at exit time.
        let atExit = try run(Self.promtool, ["query", "instant", "--time=\(exitTime)", url, "requests_total"])
        #expect(atExit.status == 0)
        #expect(!atExit.out.contains("requests_total{"), "\(atExit.out)")
        kill(klaxon.process.processIdentifier, SIGTERM)
        #expect(try await eventually(90) { !klaxon.process.isRunning })
    }
}

import Foundation
import TestSupport
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Every PromQL query of the guide's five Grafana dashboards (docs/dashboards/*.json: panel
/// targets and annotation queries) runs against `klaxon run` through `/api/v1/query_range`
/// and must return `status: success` with at least one series.
///
/// Fixture data: the committed two-hour `klaxon demo` recording
/// (fixtures/recorded/gatewayz-incident.om.gz, every scrape of the simulated Gatewayz backend
/// through the scripted incident), decompressed and imported with the built `klaxon tsdb
/// import`, then served by the built `klaxon run` on 127.0.0.1.
///
/// Grafana fills in its variables before it sends a query; the test does the same with
/// concrete values: `$__interval` → the query step (60s), `$__rate_interval` → 1m (four scrape
/// intervals of 15 s, Grafana's floor for it), `$__range` → the recording's length in seconds,
/// and the `$provider` multi-value variable → `.*` (its "All" value).
///
/// Needs `.build/debug/klaxon` (`swift build --product klaxon`; `swift test` builds it too).
@Suite(.serialized) struct DashboardQueryTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let binary = root.appendingPathComponent(".build/debug/klaxon").path
    static let recording = root.appendingPathComponent("fixtures/recorded/gatewayz-incident.om.gz").path
    static let dashboards = root.appendingPathComponent("docs/dashboards").path
    static let step = 60

    /// A child process that is SIGKILLed and reaped when the test is done with it.
    final class Child {
        let process = Process()
        deinit { stop() }
        func stop() {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            if process.processIdentifier != 0 { process.waitUntilExit() }
        }
    }

    /// Runs a tool to completion with stdout to `stdoutPath` (or a temporary file); returns status and output.
    func run(_ tool: String, _ args: [String], stdoutPath: String? = nil) throws -> (status: Int32, out: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        let path = stdoutPath ?? FileManager.default.temporaryDirectory.appendingPathComponent("klaxon-dash-\(UUID().uuidString)").path
        FileManager.default.createFile(atPath: path, contents: nil)
        defer { if stdoutPath == nil { try? FileManager.default.removeItem(atPath: path) } }
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        p.standardOutput = h
        p.standardError = stdoutPath == nil ? h : FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        try h.close()
        return (p.terminationStatus, stdoutPath == nil ? ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "") : "")
    }

    /// One query as a panel or annotation holds it.
    struct DashboardQuery: CustomStringConvertible {
        var dashboard: String
        var panel: String
        var expr: String
        var description: String { "\(dashboard) / \(panel): \(expr)" }
    }

    static func queries() throws -> [DashboardQuery] {
        var out: [DashboardQuery] = []
        let files = try FileManager.default.contentsOfDirectory(atPath: dashboards).filter { $0.hasSuffix(".json") }.sorted()
        for f in files {
            let data = try Data(contentsOf: URL(fileURLWithPath: dashboards + "/" + f))
            let d = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let title = d["title"] as? String ?? f
            for panel in d["panels"] as? [[String: Any]] ?? [] {
                for t in panel["targets"] as? [[String: Any]] ?? [] {
                    if let e = t["expr"] as? String { out.append(DashboardQuery(dashboard: title, panel: panel["title"] as? String ?? "?", expr: e)) }
                }
            }
            let annotations = (d["annotations"] as? [String: Any])?["list"] as? [[String: Any]] ?? []
            for a in annotations {
                if let e = a["expr"] as? String { out.append(DashboardQuery(dashboard: title, panel: "annotation \(a["name"] ?? "")", expr: e)) }
            }
        }
        return out
    }

    /// Grafana's variable substitution with the test's concrete values.
    static func substitute(_ expr: String, rangeSeconds: Int) -> String {
        expr.replacingOccurrences(of: "$__rate_interval", with: "1m")
            .replacingOccurrences(of: "$__interval", with: "\(step)s")
            .replacingOccurrences(of: "$__range", with: "\(rangeSeconds)s")
            .replacingOccurrences(of: "${provider}", with: ".*")
            .replacingOccurrences(of: "$provider", with: ".*")
    }

    @Test func theFiveDashboardsAreThere() throws {
        let titles = Set(try Self.queries().map(\.dashboard))
        #expect(titles == ["Gatewayz / Inference Overview", "Gatewayz / Provider Health", "Gatewayz / Database Performance",
                           "Gatewayz / Business Metrics", "Gatewayz / Anomaly Detection"])
        // The guide's own queries are among them (with the provider filter the dashboards add).
        let all = try Self.queries().map { Self.substitute($0.expr, rangeSeconds: 3600) }
        for q in ["provider_health_score", "circuit_breaker_failure_count", "active_database_connections",
                  "sum(increase(credits_used_total[1d]))", "sum(rate(database_query_total[5m])) by (operation)"] {
            #expect(all.contains { $0.hasPrefix(q) }, "missing \(q)")
        }
        #expect(!all.contains { $0.contains("$") }, "a variable was left unsubstituted")
    }

    @Test func everyDashboardQueryReturnsDataFromKlaxon() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the binary first: swift build --product klaxon")
        try #require(FileManager.default.fileExists(atPath: Self.recording), "missing \(Self.recording)")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("klaxon-dashboards-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }

        // Decompress and import the recording.
        let om = dir + "/gatewayz.om"
        #expect(try run("/usr/bin/env", ["gzip", "-dc", Self.recording], stdoutPath: om).status == 0)
        let imported = try run(Self.binary, ["tsdb", "import", om, "--storage.path", dir + "/data"])
        try #require(imported.status == 0, "import failed: \(imported.out)")
        try? FileManager.default.removeItem(atPath: om)
        let analysis = try run(Self.binary, ["tsdb", "analyze", dir + "/data"])
        // "Time range: 2026-11-29T01:00:00.000Z .. 2026-11-29T03:00:00.000Z"
        let rangeLine = try #require(analysis.out.split(separator: "\n").first { $0.hasPrefix("Time range: ") }, "\(analysis.out)")
        let parts = rangeLine.dropFirst("Time range: ".count).components(separatedBy: " .. ")
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let from = try #require(iso.date(from: parts[0]), "\(rangeLine)")
        let to = try #require(iso.date(from: parts.count > 1 ? parts[1] : ""), "\(rangeLine)")
        #expect(to.timeIntervalSince(from) >= 7000, "the recording covers two hours")

        // klaxon run on that storage: no scrape targets, no rules; keep the old blocks.
        let port = try freePort()
        try """
            global:
              scrape_interval: 15s
              evaluation_interval: 15s
            scrape_configs: []
            """.write(toFile: dir + "/prometheus.yml", atomically: true, encoding: .utf8)
        let klaxon = Child()
        klaxon.process.executableURL = URL(fileURLWithPath: Self.binary)
        klaxon.process.arguments = ["run", "--config.file", dir + "/prometheus.yml", "--storage.path", dir + "/data",
                                    "--storage.tsdb.retention.time", "100y", "--web.listen-address", "127.0.0.1:\(port)"]
        let log = dir + "/klaxon.log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let logHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        klaxon.process.standardOutput = logHandle
        klaxon.process.standardError = logHandle
        klaxon.process.standardInput = FileHandle.nullDevice
        try klaxon.process.run()
        defer { klaxon.stop() }

        let base = "http://127.0.0.1:\(port)"
        let ready = try await eventually(60) { (try? self.get(base + "/api/v1/query?query=1")) != nil }
        try #require(ready, "klaxon run did not answer: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")

        let queries = try Self.queries()
        #expect(queries.count >= 30)
        let start = Int(from.timeIntervalSince1970), end = Int(to.timeIntervalSince1970)
        var failures: [String] = []
        for q in queries {
            let expr = Self.substitute(q.expr, rangeSeconds: end - start)
            var c = URLComponents(string: base + "/api/v1/query_range")!
            c.queryItems = [URLQueryItem(name: "query", value: expr), URLQueryItem(name: "start", value: String(start)),
                            URLQueryItem(name: "end", value: String(end)), URLQueryItem(name: "step", value: String(Self.step))]
            // URLComponents leaves "+" as is; the API (like Prometheus) reads it as a space.
            let url = c.url!.absoluteString.replacingOccurrences(of: "+", with: "%2B")
            let body = try get(url)
            let json = try JSONSerialization.jsonObject(with: body) as? [String: Any] ?? [:]
            let status = json["status"] as? String
            let result = (json["data"] as? [String: Any])?["result"] as? [Any] ?? []
            if status != "success" || result.isEmpty {
                failures.append("\(q): status \(status ?? "nil"), \(result.count) series: \(String(decoding: body.prefix(300), as: UTF8.self))")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) of \(queries.count) queries failed:\n\(failures.joined(separator: "\n"))")
    }

    /// A GET that returns the body for any HTTP status; throws when nothing answers.
    func get(_ url: String) throws -> Data {
        let out = try run("/usr/bin/curl", ["-s", "--max-time", "60", url])
        guard !out.out.isEmpty else { throw URLError(.cannotConnectToHost) }
        return Data(out.out.utf8)
    }
}

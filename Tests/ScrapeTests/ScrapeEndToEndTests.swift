import Foundation
import Model
import PromQL
import Scrape
import Testing
import TSDB

struct WallClock: Model.Clock {
    func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}

/// A real HTTP server on 127.0.0.1, real libcurl, the real store: scraped samples, `up`,
/// staleness after a series vanishes, and failing targets.
@Suite(.serialized) struct ScrapeEndToEndTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/metrics_server.py").path

    func startServer() throws -> (Process, Int) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", Self.script]
        let out = Pipe()
        p.standardOutput = out
        // Inherited stderr would keep `swift test`'s pipe open if the server outlived the test.
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let d = out.fileHandleForReading.availableData
            if d.isEmpty { break }
            line.append(d)
        }
        let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))!
        return (p, port)
    }

    /// How many scrapes of `job` the store holds (count of `up` samples in the last minute).
    func scrapes(of job: String, in db: DB) -> Int {
        let now = WallClock().now()
        guard case .vector(let v)? = try? Engine().instantQuery("count_over_time(up{job=\"\(job)\"}[1m])", at: now, on: db) else { return 0 }
        return Int(v.first?.v ?? 0)
    }

    func config(_ job: String, _ target: String, path: String) -> ScrapeConfig {
        var c = ScrapeConfig(interval: 300, timeout: 250)
        c.jobName = job
        c.metricsPath = path
        c.staticConfigs = [TargetGroup(targets: [target], labels: [:], source: "0")]
        return c
    }

    @Test func scrapesIntoTheStore() async throws {
        let (server, port) = try startServer()
        defer {
            // SIGKILL: the child may inherit a mask that blocks SIGTERM from the test's thread.
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("klaxon-scrape-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = try DB.open(dir)
        let fetcher = try HTTPScrapeFetcher()
        defer { fetcher.shutdown() }
        let manager = ScrapeManager(fetcher: fetcher, storage: db, clock: WallClock())
        let addr = "127.0.0.1:\(port)"
        manager.apply([config("app", addr, path: "/metrics"), config("fail", addr, path: "/fail"),
                       config("garbage", addr, path: "/garbage"), config("refused", "127.0.0.1:1", path: "/metrics")])
        let running = Task { await manager.run() }
        // Wait (bounded) until every target has been scraped and the app target at least six
        // times: parallel tests on 2 cores can starve the loops for a while.
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline {
            let t = manager.status.targets
            if t.count == 4, t.allSatisfy({ $0.lastScrape > 0 }), scrapes(of: "app", in: db) >= 6 { break }
            try await Task.sleep(for: .milliseconds(200))
        }

        let engine = Engine()
        let now = WallClock().now()
        func query(_ q: String) throws -> [VectorSample] {
            guard case .vector(let v) = try engine.instantQuery(q, at: now, on: db) else { return [] }
            return v
        }
        let ups = Dictionary(uniqueKeysWithValues: try query("up").map { ($0.labels.get("job"), $0.v) })
        #expect(ups == ["app": 1, "fail": 0, "garbage": 0, "refused": 0])
        let counter = try query("requests_total")
        #expect(counter.count == 1)
        #expect(counter.first?.labels == Labels(["__name__": "requests_total", "path": "/", "instance": addr, "job": "app"]))
        #expect((counter.first?.v ?? 0) >= 50, "at least five scrapes happened")
        #expect(try query("rate(requests_total[1m])").first.map { $0.v > 0 } == true)
        // `temporary` was exposed by the first three scrapes only: a staleness marker ends it at once.
        #expect(try query("temporary").isEmpty)
        #expect(try query("count_over_time(temporary[5m])").first?.v == 3)
        #expect(try query("scrape_samples_scraped{job=\"app\"}").first?.v == 1)

        let status = Dictionary(uniqueKeysWithValues: manager.status.targets.map { ($0.job, $0) })
        #expect(status["app"]?.health == .up)
        #expect(status["fail"]?.lastError == "server returned HTTP status 500 Internal Server Error")
        #expect(status["garbage"]?.lastError.hasPrefix("line 1, column") == true)
        #expect(status["refused"]?.health == .down)
        #expect(status["refused"]?.lastError.contains("127.0.0.1:1") == true)

        // Removing a target ends its series with staleness markers.
        manager.apply([config("fail", addr, path: "/fail")])
        let stopDeadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < stopDeadline,
              try engine.instantQuery("requests_total", at: WallClock().now(), on: db) != .vector([]) {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(try engine.instantQuery("requests_total", at: WallClock().now(), on: db) == .vector([]))
        running.cancel()
        await running.value
        db.close()
    }
}

import Foundation
import Model
import Synchronization
import Testing
@testable import Scrape

/// A clock the test moves by hand.
final class StepClock: Model.Clock {
    private let t: Mutex<Int64>
    init(_ start: Int64) { t = Mutex(start) }
    func now() -> Int64 { t.withLock { $0 } }
    func advance(_ ms: Int64) { t.withLock { $0 += ms } }
}

/// What a ScrapeManager reported.
final class Reports: Sendable {
    private let lines = Mutex<[String]>([])
    func add(_ s: String) { lines.withLock { $0.append(s) } }
    var all: [String] { lines.withLock { $0 } }
}

/// file_sd as Prometheus does it: unreadable files keep their last good targets and are
/// reported, `refresh_interval` re-reads, relabel-dropped targets are listed.
@Suite struct FileSDDiscoveryTests {
    let dir: String

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("klaxon-filesd-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ text: String, mtime: Date? = nil) throws -> String {
        let path = dir + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        if let mtime { try FileManager.default.setAttributes([.modificationDate: mtime], ofItemAtPath: path) }
        return path
    }

    func job(_ name: String, _ sd: [FileSDConfig], relabel: [RelabelConfig] = []) -> ScrapeConfig {
        var c = ScrapeConfig(interval: 60_000, timeout: 10_000)
        c.jobName = name
        c.fileSDConfigs = sd
        c.relabelConfigs = relabel
        return c
    }

    @Test func brokenFileKeepsItsLastGoodTargetsAndIsReported() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = try write("t.yml", "- targets: ['a:1', 'b:2']\n", mtime: Date(timeIntervalSince1970: 1_000))
        let errors = Reports()
        let m = ScrapeManager(fetcher: NoFetch(), storage: MemoryStore(), clock: StepClock(0), onError: errors.add)
        m.apply([job("fs", [FileSDConfig(files: [path])])])
        #expect(m.status.targets.map(\.url) == ["http://a:1/metrics", "http://b:2/metrics"])
        #expect(errors.all.isEmpty)

        // A half-written file: the targets stay, the error names the file.
        _ = try write("t.yml", "- targets: ['a:1'\n", mtime: Date(timeIntervalSince1970: 2_000))
        #expect(m.poll())
        #expect(m.status.targets.map(\.url) == ["http://a:1/metrics", "http://b:2/metrics"])
        #expect(errors.all.count == 1)
        #expect(errors.all.first?.contains(path) == true, "\(errors.all)")
        #expect(errors.all.first?.contains("keeping its last 2 targets") == true, "\(errors.all)")

        // Nothing changed: no re-read, no second message every second.
        #expect(!m.poll())
        #expect(errors.all.count == 1)

        // A schema error is reported too, with Go's YAML message.
        _ = try write("t.yml", "- targets: ['c:3']\n  labelz: {}\n", mtime: Date(timeIntervalSince1970: 3_000))
        #expect(m.poll())
        #expect(m.status.targets.map(\.url) == ["http://a:1/metrics", "http://b:2/metrics"])
        #expect(errors.all.count == 2)
        #expect(errors.all.last?.contains("field labelz not found") == true, "\(errors.all)")

        // Fixed: the new targets replace the kept ones.
        _ = try write("t.yml", "- targets: ['c:3']\n", mtime: Date(timeIntervalSince1970: 4_000))
        #expect(m.poll())
        #expect(m.status.targets.map(\.url) == ["http://c:3/metrics"])
        #expect(errors.all.count == 2)

        // Deleted: the file names no targets any more; that is not an error (Go's Glob finds nothing).
        try FileManager.default.removeItem(atPath: path)
        #expect(m.poll())
        #expect(m.status.targets.isEmpty)
        #expect(errors.all.count == 2)
    }

    @Test func refreshIntervalRereadsEachConfigOnItsOwnSchedule() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let stamp = Date(timeIntervalSince1970: 1_000)
        let fast = try write("fast.yml", "- targets: ['a:1']\n", mtime: stamp)
        let slow = try write("slow.yml", "- targets: ['x:1']\n", mtime: stamp)
        let clock = StepClock(1_000_000)
        let m = ScrapeManager(fetcher: NoFetch(), storage: MemoryStore(), clock: clock)
        m.apply([job("fast", [FileSDConfig(files: [fast], refreshInterval: 60_000)]),
                 job("slow", [FileSDConfig(files: [slow], refreshInterval: 600_000)])])
        #expect(m.status.targets.map(\.url) == ["http://a:1/metrics", "http://x:1/metrics"])

        // New contents behind an unchanged mtime: the mtime watch cannot see them.
        _ = try write("fast.yml", "- targets: ['a:2']\n", mtime: stamp)
        _ = try write("slow.yml", "- targets: ['x:2']\n", mtime: stamp)
        clock.advance(59_000)
        #expect(!m.poll(), "neither refresh_interval has passed")
        #expect(m.status.targets.map(\.url) == ["http://a:1/metrics", "http://x:1/metrics"])

        clock.advance(1_000)
        #expect(m.poll())
        #expect(m.status.targets.map(\.url) == ["http://a:2/metrics", "http://x:1/metrics"], "only the 1m config re-read")

        clock.advance(540_000)
        #expect(m.poll())
        #expect(m.status.targets.map(\.url) == ["http://a:2/metrics", "http://x:2/metrics"], "the 10m config re-read at 10m")
    }

    @Test func relabelDroppedTargetsAreListedAndReported() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = try write("t.yml", "- targets: ['keep:1', 'skip:2']\n  labels: {env: prod}\n")
        let debug = Reports()
        let m = ScrapeManager(fetcher: NoFetch(), storage: MemoryStore(), clock: StepClock(0), onDebug: debug.add)
        let drop = try RelabelConfig(sourceLabels: ["__address__"], regex: "skip:.*", action: .drop)
        m.apply([job("fs", [FileSDConfig(files: [path])], relabel: [drop])])
        #expect(m.status.targets.map(\.url) == ["http://keep:1/metrics"])
        #expect(m.status.dropped.map(\.job) == ["fs"])
        #expect(m.status.dropped.first?.discoveredLabels.get("__address__") == "skip:2")
        #expect(m.status.dropped.first?.discoveredLabels.get("env") == "prod")
        #expect(debug.all.count == 1)
        #expect(debug.all.first?.contains("skip:2") == true, "\(debug.all)")

        // The same drop on the next sync is not reported again; a config without the rule drops nothing.
        m.sync()
        #expect(debug.all.count == 1)
        m.apply([job("fs", [FileSDConfig(files: [path])])])
        #expect(m.status.dropped.isEmpty)
        #expect(m.status.targets.count == 2)
    }

    @Test func targetsThatCannotBeBuiltAreReported() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = try write("t.yml", "- targets: ['a:1']\n  labels: {__scrape_timeout__: 2m}\n")
        let errors = Reports()
        let m = ScrapeManager(fetcher: NoFetch(), storage: MemoryStore(), clock: StepClock(0), onError: errors.add)
        m.apply([job("fs", [FileSDConfig(files: [path])])])
        #expect(m.status.targets.isEmpty)
        #expect(errors.all.count == 1)
        #expect(errors.all.first?.contains("scrape timeout cannot be greater than scrape interval") == true, "\(errors.all)")
    }
}

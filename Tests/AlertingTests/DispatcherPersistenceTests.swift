@testable import Alerting
import Foundation
import Model
import Synchronization
import Testing

/// Failed silence/nflog writes reach the dispatcher's error hook (Run.swift logs them).
@Suite struct DispatcherPersistenceTests {
    typealias F = PipelineFixtures

    final class Reports: Sendable {
        let items = Mutex<[(String, String)]>([])
        func add(_ what: String, _ error: String) { items.withLock { $0.append((what, error)) } }
        var all: [(String, String)] { items.withLock { $0 } }
    }

    @Test func failedWritesAreReported() async throws {
        let dir = F.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cfg = try F.config(PipelineRestartTests.yaml)
        let clock = ManualClock(0)
        let reports = Reports()
        let storage = PipelineStorage(directory: dir)
        let d = try Dispatcher.restoring(config: cfg, sender: RecordingSender(), clock: clock, storage: storage,
                                         onPersistenceError: { reports.add($0, $1) })
        // A write that works reports nothing.
        _ = try await d.setSilence(Silence(matchers: try MatcherParser.parseMatchers("alertname=B"), startsAt: 0,
                                           endsAt: 3_600_000, createdBy: "t", comment: "ok"))
        #expect(reports.all.isEmpty)
        #expect(await d.lastPersistenceError == nil)

        // The directory goes away: the next silence and nflog writes fail and are reported.
        try FileManager.default.removeItem(atPath: dir)
        _ = try await d.setSilence(Silence(matchers: try MatcherParser.parseMatchers("alertname=C"), startsAt: 0,
                                           endsAt: 3_600_000, createdBy: "t", comment: "lost"))
        #expect(reports.all.map(\.0) == ["silences"])
        #expect(reports.all.first?.1.contains(dir + "/silences") == true, "the error names the file: \(reports.all)")
        _ = await d.receive([F.alert(["alertname": "A"], startsAt: 0)])
        clock.set(30_000)
        await d.step()
        #expect(reports.all.map(\.0) == ["silences", "nflog"])
        #expect(await d.lastPersistenceError == reports.all.last?.1)
    }

    @Test func theInitializerTakesTheHookToo() async throws {
        let reports = Reports()
        let cfg = try F.config(PipelineRestartTests.yaml)
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("klaxon-missing-\(UUID().uuidString)").path
        let d = Dispatcher(core: AlertmanagerCore(config: cfg, now: 0), sender: RecordingSender(), clock: ManualClock(0),
                           storage: PipelineStorage(directory: missing), onPersistenceError: { reports.add($0, $1) })
        try await d.expireSilence(id: try await d.setSilence(Silence(matchers: try MatcherParser.parseMatchers("a=b"), startsAt: 0,
                                                                      endsAt: 60_000, createdBy: "t", comment: "c")))
        #expect(reports.all.map(\.0) == ["silences", "silences"])
    }
}

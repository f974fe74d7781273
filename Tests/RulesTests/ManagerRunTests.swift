import Model
import PromQL
import Synchronization
import Testing
@testable import Rules

/// A querier whose first `slowQueries` queries take `delay` ms of (manual) clock time.
final class SlowQuerier: InstantQuerier, Sendable {
    let inner: EngineQuerier
    let clock: ManualClock
    let delay: Int64
    let remaining: Mutex<Int>
    init(store: MemoryStore, clock: ManualClock, delay: Int64, slowQueries: Int) {
        inner = EngineQuerier(engine: Engine(), store: store)
        self.clock = clock
        self.delay = delay
        remaining = Mutex(slowQueries)
    }
    func query(_ expr: Expr, at t: Int64) throws -> [VectorSample] {
        if remaining.withLock({ r in defer { r -= 1 }; return r > 0 }) { clock.advance(delay) }
        return try inner.query(expr, at: t)
    }
}

/// Scheduling: overruns skip slots (rules-spec §2.2 item 4), and the async runner.
@Suite struct ManagerRunTests {
    static let rules = """
        groups:
          - name: tick
            interval: 10s
            rules:
              - record: tick
                expr: vector(1)
        """

    @Test func dueSkipsSlotsAnOverrunMissed() throws {
        let dir = try RuleDir()
        let path = try dir.write("t.yml", Self.rules)
        let h = ManagerHarness(options: RuleManagerOptions())
        try h.manager.update(files: [path], at: t0)
        let key = GroupKey(file: path, name: "tick")
        let s0 = try #require(h.manager.health(of: key)).nextEvaluation
        #expect(h.manager.due(at: s0 - 1).isEmpty)
        #expect(h.manager.due(at: s0) == [ScheduledEvaluation(group: key, timestamp: s0, missed: 0)])
        h.manager.evaluate(group: key, at: s0)
        // The evaluation at s0 ran until s0+35s: s0+10s and s0+20s are skipped, s0+30s is next.
        #expect(h.manager.due(at: s0 + 35_000) == [ScheduledEvaluation(group: key, timestamp: s0 + 30_000, missed: 2)])
        h.manager.evaluate(group: key, at: s0 + 30_000)
        let g = try #require(h.manager.health(of: key))
        #expect(g.iterationsMissed == 2)
        #expect(g.iterations == 2)
        #expect(g.nextEvaluation == s0 + 40_000)
    }

    @Test func runnerEvaluatesOnSlotsAndSkipsAfterAnOverrun() async throws {
        let dir = try RuleDir()
        let path = try dir.write("t.yml", Self.rules)
        let key = GroupKey(file: path, name: "tick")
        let clock = ManualClock(t0)
        let store = MemoryStore()
        let sink = RecordingSink()
        // The first evaluation takes 25s: the slot at s0+10s is missed, s0+20s runs late.
        let m = RuleManager(querier: SlowQuerier(store: store, clock: clock, delay: 25_000, slowQueries: 1),
                            queryable: store, storage: store, sink: sink)
        try m.update(files: [path], at: clock.now())
        let s0 = try #require(m.health(of: key)).nextEvaluation
        let end = s0 + 55_000
        let (done, finished) = AsyncStream.makeStream(of: Void.self)
        let sleeper = Sleeper { ms in
            if clock.now() + ms > end {
                finished.yield()
                throw CancellationError()
            }
            clock.advance(ms)
            await Task.yield()
        }
        let runner = Task { await m.run(clock: clock, sleeper: sleeper) }
        for await _ in done { break }
        runner.cancel()
        await runner.value

        let q = try store.querier(mint: .min, maxt: .max)
        let ts = try q.select([try LabelMatcher(.equal, "__name__", "tick")], mint: .min, maxt: .max).first?.timestamps
        #expect(ts.map(Array.init) == [s0, s0 + 20_000, s0 + 30_000, s0 + 40_000, s0 + 50_000])
        let g = try #require(m.health(of: key))
        #expect(g.iterationsMissed == 1)
        #expect(g.iterations == 5)
        #expect(g.rules.map(\.health) == [.ok])
        #expect(g.rules.first?.lastEvaluation == s0 + 50_000)
    }
}

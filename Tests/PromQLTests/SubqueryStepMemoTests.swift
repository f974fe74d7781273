import Model
import Synchronization
import PromQLTesting
import Testing
@testable import PromQL

/// Subquery steps kept across evaluations (`SubqueryStepMemo`) give what a fresh evaluation
/// gives, and only steps that read settled data are kept.
@Suite struct SubqueryStepMemoTests {
    /// A MemoryStore that claims everything before `horizon` is settled, as a TSDB does for its blocks.
    final class SettledStore: Queryable {
        let base: MemoryStore
        let horizon: Mutex<SettledHorizon>
        init(_ base: MemoryStore, before t: Int64) {
            self.base = base
            horizon = Mutex(SettledHorizon(time: t, epoch: 1))
        }
        func querier(mint: Int64, maxt: Int64) throws -> any Querier { try base.querier(mint: mint, maxt: maxt) }
        var settledHorizon: SettledHorizon { horizon.withLock { $0 } }
    }

    static let baseline = "avg_over_time((sum by (g) (rate(x[5m])))[1h:10m])"
    static let guardCount = "count_over_time((sum by (g) (rate(x[5m])))[1h:10m])"
    static let spike = "sum by (g) (rate(x[5m])) / \(baseline) > 0.5 and on (g) \(guardCount) >= 3"

    /// Three counters with uneven rates, a gap and a reset, every 15 s for 3 h.
    func store() -> MemoryStore {
        let s = MemoryStore()
        for g in ["a", "b", "c"] {
            var v = 0.0
            for k in 0...720 {
                let t = Int64(k) * 15_000
                if g == "b" && (200...260).contains(k) { continue }  // a gap
                if g == "c" && k == 400 { v = 0 }  // a reset
                v += Double((k * 7 + Int(g.utf8.first!)) % 13) + (k > 600 ? 40 : 0)
                s.add(Labels(["__name__": "x", "g": g]), t, v)
            }
        }
        return s
    }

    func vector(_ q: String, at t: Int64, on s: any Queryable, cache: SubexpressionCache? = nil) throws -> [VectorSample] {
        try InstantVector.evaluate(q, at: t, on: s, sharing: cache)
    }

    func same(_ a: [VectorSample], _ b: [VectorSample]) -> Bool { InstantVector.same(a, b) }

    @Test(arguments: [baseline, guardCount, spike])
    func keptStepsGiveWhatAFreshEvaluationGives(_ q: String) throws {
        let base = store()
        let settled = SettledStore(base, before: 2 * 3_600_000)
        let memo = SubqueryStepMemo()
        var t: Int64 = 2 * 3_600_000 + 5 * 60_000
        while t <= 2 * 3_600_000 + 45 * 60_000 {
            let kept = try vector(q, at: t, on: settled, cache: SubexpressionCache(steps: memo))
            memo.sweep()
            let fresh = try vector(q, at: t, on: base)
            #expect(!fresh.isEmpty)
            #expect(same(kept, fresh), "at \(t)")
            t += 15_000
        }
        #expect(memo.hits > 0)
    }

    @Test func stepsAtOrAfterTheHorizonAreNotKept() throws {
        let base = store()
        let h: Int64 = 2 * 3_600_000
        let settled = SettledStore(base, before: h)
        let memo = SubqueryStepMemo()
        let t = h + 20 * 60_000
        _ = try vector(Self.baseline, at: t, on: settled, cache: SubexpressionCache(steps: memo))
        // The steps of [1h:10m] at t are at 1h20m … 2h20m; those reading only before 2h are 1h20m … 1h50m.
        #expect(memo.count == 4)
        // A sample after the horizon changes later steps; the next evaluation sees it.
        base.add(Labels(["__name__": "x", "g": "a"]), h + 10 * 60_000 + 7_000, 1e9)
        let kept = try vector(Self.baseline, at: t, on: settled, cache: SubexpressionCache(steps: memo))
        #expect(same(kept, try vector(Self.baseline, at: t, on: base)))
    }

    @Test func aNewEpochEmptiesTheMemo() throws {
        let base = store()
        let settled = SettledStore(base, before: 2 * 3_600_000)
        let memo = SubqueryStepMemo()
        let t: Int64 = 2 * 3_600_000 + 20 * 60_000
        _ = try vector(Self.baseline, at: t, on: settled, cache: SubexpressionCache(steps: memo))
        _ = try vector(Self.baseline, at: t, on: settled, cache: SubexpressionCache(steps: memo))
        let hits = memo.hits
        #expect(hits == 4)
        settled.horizon.withLock { $0.epoch += 1 }  // as when retention deletes a block
        _ = try vector(Self.baseline, at: t, on: settled, cache: SubexpressionCache(steps: memo))
        #expect(memo.hits == hits)
    }

    @Test func unusedStepsAreSweptAndTheCapacityIsKept() throws {
        let base = store()
        let settled = SettledStore(base, before: 3 * 3_600_000)
        let memo = SubqueryStepMemo(capacity: 10)
        _ = try vector(Self.baseline, at: 2 * 3_600_000, on: settled, cache: SubexpressionCache(steps: memo))
        #expect(memo.count == 3)  // 7 steps of 3 series each: the first 3 fit in 10 samples
        memo.sweep()
        #expect(memo.count == 3)
        memo.sweep()  // nothing used since the last sweep
        #expect(memo.count == 0)
    }

    /// A store with neither a settled horizon nor append tracking.
    struct Untracked: Queryable {
        let base: MemoryStore
        func querier(mint: Int64, maxt: Int64) throws -> any Querier { try base.querier(mint: mint, maxt: maxt) }
    }

    @Test func aStoreThatCannotTellKeepsNothing() throws {
        let memo = SubqueryStepMemo()
        _ = try vector(Self.baseline, at: 2 * 3_600_000, on: Untracked(base: store()), cache: SubexpressionCache(steps: memo))
        #expect(memo.count == 0)
    }

    /// On a store that tracks appends (MemoryStore), steps stay while appends are newer than
    /// what they read, as scrapes are, and go when an older sample arrives.
    @Test func appendsNewerThanAStepKeepItAndOlderOnesDropIt() throws {
        let s = store()
        let memo = SubqueryStepMemo()
        var t: Int64 = 3 * 3_600_000
        var k = 721
        for round in 0..<40 {
            // A scrape: every series one sample newer than everything so far.
            for g in ["a", "b", "c"] { s.add(Labels(["__name__": "x", "g": g]), Int64(k) * 15_000, Double(100_000 + k * 11)) }
            k += 1
            if round == 20 {
                // A late sample inside the range (a new series, as a target with honor_timestamps may send).
                s.add(Labels(["__name__": "x", "g": "d"]), t - 50 * 60_000, 5)
                s.add(Labels(["__name__": "x", "g": "d"]), t - 49 * 60_000, 50)
            }
            t += 15_000
            for q in [Self.baseline, Self.spike] {
                let kept = try vector(q, at: t, on: s, cache: SubexpressionCache(steps: memo))
                #expect(same(kept, try vector(q, at: t, on: s)), "round \(round): \(q)")
            }
            memo.sweep()
        }
        #expect(memo.hits > 200)
    }

    /// A selector read both now and a day ago is read as two windows, not one spanning the day.
    @Test func farApartWindowsAreReadSeparatelyWithTheSameResult() throws {
        let base = store()
        let q = "sum by (g) (rate(x[5m])) + on (g) count_over_time((sum by (g) (x))[20m:5m] offset 2h)"
        let whole = try vector(q, at: 2 * 3_600_000 + 50 * 60_000, on: base)
        let now = try vector("sum by (g) (rate(x[5m]))", at: 2 * 3_600_000 + 50 * 60_000, on: base)
        let then = try vector("count_over_time((sum by (g) (x))[20m:5m] offset 2h)", at: 2 * 3_600_000 + 50 * 60_000, on: base)
        #expect(whole.count == 3)
        for s in whole {
            let a = now.first { $0.labels == s.labels }!.v, b = then.first { $0.labels == s.labels }!.v
            #expect(s.v == a + b)
        }
        #expect(Evaluator.adding((0, 10), to: [(100, 110)]).count == 2)
        #expect(Evaluator.adding((0, 10), to: [(15, 25)]).map { [$0.0, $0.1] } == [[0, 25]])
    }
}

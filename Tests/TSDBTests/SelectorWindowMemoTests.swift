import Model
import PromQLTesting
import Testing
@testable import PromQL
@testable import TSDB

/// Selector reads kept across evaluations (`SelectorWindowMemo`), with the stores' recent
/// samples (`RecentSamples`) answering the reads after them, give what fresh reads give.
@Suite struct SelectorWindowMemoTests {
    enum StoreKind: String, CaseIterable { case memory, tsdb }

    /// What a rule group evaluates every 15 s: windows of several lengths, an offset, an instant
    /// selector, a subquery and two queries sharing a selector.
    static let queries = [
        "rate(x[5m])",
        "sum by (g) (rate(x[1m]))",
        "x",
        "max_over_time(x[2m] offset 1m)",
        "count_over_time(x[90s])",
        "avg_over_time((sum by (g) (rate(x[1m])))[10m:1m])",
        "count(count_over_time(y[30s]))",
    ]

    func vector(_ q: String, at t: Int64, on s: any Queryable, cache: SubexpressionCache? = nil) throws -> [VectorSample] {
        try InstantVector.evaluate(q, at: t, on: s, sharing: cache)
    }

    func same(_ a: [VectorSample], _ b: [VectorSample]) -> Bool { InstantVector.same(a, b) }

    /// Scrapes every 15 s of counters that reset, series that come and go, stale markers, a
    /// series born with old samples and (where the store takes them) late samples, each round
    /// followed by an evaluation with the memo that must equal one without.
    @Test(arguments: StoreKind.allCases)
    func keptReadsGiveWhatFreshReadsGive(_ kind: StoreKind) throws {
        let dir = TestDirectory()
        let db = kind == .tsdb ? try DB.open(dir.path) : nil
        defer { db?.close() }
        let memory = MemoryStore()
        let store: any Queryable & Appendable = db ?? memory
        var rng = SplitMix64(state: 7)
        let memo = SelectorWindowMemo()
        var value: [String: Double] = [:]
        var mismatches = 0
        for round in 0..<160 {
            let t = Int64(round) * 15_000
            let app = store.makeAppender()
            for g in 0..<6 {
                let key = "x\(g)"
                if g == 3 && (40..<60).contains(round) { continue }  // a gap
                if g == 4 && round < 50 { continue }  // born late
                if g == 5 && round == 90 {
                    try app.append(Labels(["__name__": "x", "g": "5"]), t + 1, .init(bitPattern: 0x7ff0_0000_0000_0002))  // stale
                    continue
                }
                if g == 5 && round > 90 { continue }
                value[key, default: 0] += Double(rng.next() % 50)
                if rng.next() % 23 == 0 { value[key] = 0 }  // a reset
                try app.append(Labels(["__name__": "x", "g": String(g)]), t + Int64(g * 700), value[key]!)
            }
            try app.append(Labels(["__name__": "y", "i": String(round % 4)]), t, Double(round))
            if round % 37 == 20 {
                // A new series whose samples reach back into windows already read.
                let l = Labels(["__name__": "x", "g": "late\(round)"])
                for back in [120_000, 60_000, 30_000] as [Int64] { try app.append(l, t - back, Double(back)) }
            }
            try app.commit()
            if kind == .memory && round % 29 == 10 {
                // A late sample in an existing series (the in-memory store takes it).
                memory.add(Labels(["__name__": "x", "g": "0"]), t - 45_000 + 1, 1e6)
            }
            let cache = SubexpressionCache(windows: memo)
            for q in Self.queries {
                let kept = try vector(q, at: t, on: store, cache: cache)
                let fresh = try vector(q, at: t, on: store)
                if !same(kept, fresh) { mismatches += 1 }
            }
            memo.sweep()
        }
        #expect(mismatches == 0)
        #expect(memo.hits > 500)
    }

    @Test func aClearedStoreIsReadAgain() throws {
        let s = MemoryStore()
        let memo = SelectorWindowMemo()
        let x = Labels(["__name__": "x"])
        for k in 0..<30 { s.add(x, Int64(k) * 15_000, Double(k)) }
        _ = try vector("sum_over_time(x[5m])", at: 29 * 15_000, on: s, cache: SubexpressionCache(windows: memo))
        s.clear()  // a new epoch: the samples read before are gone
        s.add(x, 30 * 15_000, 100)
        let v = try vector("sum_over_time(x[5m])", at: 30 * 15_000, on: s, cache: SubexpressionCache(windows: memo))
        #expect(v.map(\.v) == [100])
        #expect(memo.hits == 0)
    }

    @Test func readsBeyondTheCapacityAreNotKept() throws {
        let s = MemoryStore()
        let memo = SelectorWindowMemo(capacity: 10)
        for k in 0..<30 { s.add(Labels(["__name__": "x"]), Int64(k) * 15_000, Double(k)) }
        for k in 25..<30 {
            _ = try vector("sum_over_time(x[5m])", at: Int64(k) * 15_000, on: s, cache: SubexpressionCache(windows: memo))
            memo.sweep()
        }
        #expect(memo.samples == 0 && memo.hits == 0)
    }

    /// The slide keeps the window's samples and drops a series left without any.
    @Test func slideDropsSamplesOutsideAndEmptiedSeries() {
        let a = Labels(["__name__": "x", "g": "a"]), b = Labels(["__name__": "x", "g": "b"])
        var kept = SeriesColumns()
        kept.labels = [a, b]
        kept.timestamps = [10, 20, 30, 10]
        kept.values = [1, 2, 3, 4]
        kept.ends = [3, 4]
        var later = SeriesColumns()
        later.labels = [a, b]
        later.timestamps = [40]
        later.values = [5]
        later.ends = [1, 1]  // b has nothing new
        let out = SelectorWindowMemo.slide(kept, from: 20, until: 30, adding: later)
        #expect(out.labels == [a])
        #expect(out.timestamps == [20, 30, 40] && out.values == [2, 3, 5])
        #expect(out.ends == [3])
    }
}


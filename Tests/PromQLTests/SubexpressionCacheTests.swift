import Model
import PromQL
import Testing

/// Shared subexpression results (`SubexpressionCache`): the same answers as without the
/// cache, fewer evaluations, and nothing stale after a write.
@Suite struct SubexpressionCacheTests {
    /// Counters `x{i}` and a histogram `h_bucket{i, le}`, one sample every 15 s for 40 min.
    func store() -> MemoryStore {
        let s = MemoryStore()
        for i in 0..<4 {
            let x = Labels(["__name__": "x", "i": String(i)])
            for k in 0..<160 { s.add(x, Int64(k) * 15_000, Double(k * (i + 1))) }
            for (j, le) in ["0.1", "1", "10", "+Inf"].enumerated() {
                let h = Labels(["__name__": "h_bucket", "i": String(i), "le": le])
                for k in 0..<160 { s.add(h, Int64(k) * 15_000, Double(k * (j + 1) + i)) }
            }
        }
        return s
    }

    static let t: Int64 = 2_395_000

    func query(_ q: String, _ s: MemoryStore, _ cache: SubexpressionCache?) throws -> QueryValue {
        try Engine().instantQuery(try PromQLParser.parse(q), at: Self.t, on: s, sharing: cache)
    }

    @Test func sameSubexpressionInTwoQueriesIsEvaluatedOnce() throws {
        let s = store()
        let cache = SubexpressionCache()
        let hq = "histogram_quantile(0.9, sum by (i, le) (rate(h_bucket[5m])))"
        let a = try query("\(hq) > 1", s, cache)
        let missesAfterFirst = cache.misses
        let b = try query("\(hq) > 5", s, cache)
        #expect(cache.hits == 1)
        #expect(cache.misses == missesAfterFirst)  // the comparison itself is not a cached node
        #expect(a == (try query("\(hq) > 1", s, nil)))
        #expect(b == (try query("\(hq) > 5", s, nil)))
        if case .vector(let v) = b { #expect(!v.isEmpty) } else { Issue.record("expected a vector") }
    }

    @Test func subqueryUsedTwiceInOneQueryIsEvaluatedOnce() throws {
        let s = store()
        let sq = "(sum by (i) (rate(x[5m])))[30m:1m]"
        let cache = SubexpressionCache()
        let both = try query("avg_over_time(\(sq)) + count_over_time(\(sq))", s, cache)
        #expect(cache.hits == 1)
        // The same values as the two halves evaluated separately, without a cache.
        guard case .vector(let avg) = try query("avg_over_time(\(sq))", s, nil),
              case .vector(let count) = try query("count_over_time(\(sq))", s, nil),
              case .vector(let sum) = both else { Issue.record("expected vectors"); return }
        #expect(sum.count == 4)
        for r in sum {
            let a = try #require(avg.first { $0.labels == r.labels }), c = try #require(count.first { $0.labels == r.labels })
            #expect(r.v == a.v + c.v)
            #expect(c.v == 30)  // steps 600 s … 2340 s
        }
    }

    @Test func aWriteDropsWhatReadTheWrittenName() throws {
        let s = store()
        let cache = SubexpressionCache()
        _ = try query("count(x) > 0", s, cache)
        _ = try query("count({i=\"new\"}) > 0", s, cache)
        _ = try query("count(h_bucket) > 0", s, cache)
        s.add(Labels(["__name__": "x", "i": "new"]), Self.t, 1)
        s.add(Labels(["__name__": "h_bucket", "i": "new", "le": "1"]), Self.t, 1)
        // Not told about `h_bucket`: its entry is still answered (what the owner's
        // invalidation promises, shown here); `x` and the name-less selector are dropped.
        cache.invalidate(writing: ["x"])
        guard case .vector(let x) = try query("count(x) > 0", s, cache),
              case .vector(let any) = try query("count({i=\"new\"}) > 0", s, cache),
              case .vector(let h) = try query("count(h_bucket) > 0", s, cache) else { Issue.record("expected vectors"); return }
        #expect(x.first?.v == 5)
        #expect(any.first?.v == 2)
        #expect(h.first?.v == 16)
        cache.invalidate(writing: ["h_bucket"])
        guard case .vector(let h2) = try query("count(h_bucket) > 0", s, cache) else { Issue.record("expected a vector"); return }
        #expect(h2.first?.v == 17)
    }

    @Test func queriesShareASelectorsReadUntilItsNameIsWritten() throws {
        let s = store()
        let cache = SubexpressionCache()
        _ = try query("sum(rate(x[5m])) > 0", s, cache)
        guard case .vector(let before) = try query("count(rate(x[5m]))", s, cache) else { Issue.record("expected a vector"); return }
        #expect(cache.selectionHits == 1)
        s.add(Labels(["__name__": "x", "i": "new"]), Self.t - 30_000, 1)
        s.add(Labels(["__name__": "x", "i": "new"]), Self.t, 2)
        cache.invalidate(writing: ["x"])
        guard case .vector(let after) = try query("max(rate(x[5m])) + count(rate(x[5m]))", s, cache) else { Issue.record("expected a vector"); return }
        #expect(cache.selectionHits == 1)
        #expect(after.first!.v > before.first!.v + 1)
    }

    @Test func queriesWithAtModifiersAreNotCached() throws {
        let s = store()
        let cache = SubexpressionCache()
        _ = try query("sum(rate(x[5m] @ 600)) + sum(rate(x[5m] @ 600))", s, cache)
        #expect(cache.count == 0)
        #expect(cache.hits == 0)
    }

    @Test func rangeQueriesStillAgreeWithInstantQueries() throws {
        let s = store()
        let e = try PromQLParser.parse("avg_over_time((sum(rate(x[5m])))[10m:1m]) / count_over_time((sum(rate(x[5m])))[10m:1m])")
        let series = try Engine().rangeQuery(e, start: 1_200_000, end: 2_400_000, step: 60_000, on: s)
        let points = try #require(series.first?.points)
        #expect(points.count == 21)
        for p in points {
            guard case .vector(let v) = try Engine().instantQuery(e, at: p.t, on: s) else { Issue.record("expected a vector"); return }
            #expect(v.first?.v == p.v)
        }
    }
}

import Model
import PromQLTesting
import Testing
@testable import PromQL

/// Groupings kept across evaluations (`GroupPlanMemo`) are reused only for the very same
/// series, and give what a fresh evaluation gives.
@Suite struct GroupPlanMemoTests {
    func add(_ s: MemoryStore, model: String, from: Int, through: Int) {
        for k in from...through {
            let t = Int64(k) * 15_000
            var cumulative = 0.0
            for (i, le) in ["0.1", "0.5", "1", "5", "+Inf"].enumerated() {
                cumulative += Double((k * (i + 3) + model.count) % 11)
                s.add(Labels(["__name__": "d_bucket", "m": model, "le": le, "job": "j"]), t, Double(k) * cumulative)
            }
            s.add(Labels(["__name__": "req", "m": model, "code": "200"]), t, Double(k * 7))
            s.add(Labels(["__name__": "req", "m": model, "code": "500"]), t, Double(k * (model.count % 3)))
        }
    }

    func vector(_ q: String, at t: Int64, on s: MemoryStore, _ cache: SubexpressionCache?) throws -> [VectorSample] {
        try InstantVector.evaluate(q, at: t, on: s, sharing: cache)
    }

    @Test func reusedForTheSameSeriesAndRemadeWhenTheyChange() throws {
        let s = MemoryStore()
        for m in ["alpha", "beta", "gamma"] { add(s, model: m, from: 1, through: 40) }
        let queries = ["histogram_quantile(0.9, sum by (m, le) (rate(d_bucket[5m])))", "sum by (m) (rate(req[5m]))",
                       "histogram_quantile(0.5, sum by (le) (rate(d_bucket[5m]))) > 0"]
        let memo = GroupPlanMemo()
        var t: Int64 = 30 * 15_000
        var hitsBefore = 0
        for round in 0..<10 {
            if round == 5 { add(s, model: "delta", from: 1, through: 60) }  // a new series set
            for q in queries {
                let kept = try vector(q, at: t, on: s, SubexpressionCache(plans: memo))
                let fresh = try vector(q, at: t, on: s, nil)
                #expect(!fresh.isEmpty)
                #expect(kept.map(\.labels) == fresh.map(\.labels), "round \(round): \(q)")
                #expect(kept.map(\.v.bitPattern) == fresh.map(\.v.bitPattern), "round \(round): \(q)")
            }
            memo.sweep()
            if round == 4 { hitsBefore = memo.hits }
            if round == 5 { #expect(memo.hits == hitsBefore, "new series: no plan may be reused") }
            if round == 5 {
                let out = try vector(queries[1], at: t, on: s, nil)
                #expect(out.contains { $0.labels.get("m") == "delta" })
            }
            t += 15_000
        }
        #expect(memo.hits >= 4 * 3 + 4 * 3)
    }

    @Test func identityIsNotEquality() {
        let a = Labels(["x": "1"]), b = Labels(["x": "1"])
        #expect(a == b)
        #expect(!a.isIdentical(to: b))
        let c = a
        #expect(a.isIdentical(to: c))
    }
}

import Model
import Testing
@testable import TSDB

/// The querier's fast paths give exactly what the general ones give.
@Suite struct QuerierMergeTests {
    /// Overlapping sorted runs (a block and the head chunk straddling its end, and worse):
    /// `mergeRuns` equals the stable sort + first-per-timestamp of `sortDedupe`.
    @Test func mergeRunsEqualsSortDedupe() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            var ts: [Int64] = [], vs: [Double] = [], runs: [Int] = []
            for _ in 0..<Int.random(in: 2...5, using: &rng) {
                runs.append(ts.count)
                var t = Int64.random(in: 0...40, using: &rng)
                for _ in 0..<Int.random(in: 0...12, using: &rng) {
                    ts.append(t)
                    vs.append(Double(Int.random(in: 0...1_000, using: &rng)))
                    t += Int64.random(in: 0...4, using: &rng)  // 0: equal times within a run too
                }
            }
            var et = ts, ev = vs
            DBQuerier.sortDedupe(&et, &ev)
            var mt = ts, mv = vs
            #expect(DBQuerier.mergeRuns(&mt, &mv, runs))
            #expect(mt == et)
            #expect(mv == ev)
        }
    }

    @Test func mergeRunsRefusesARunOutOfOrder() {
        var ts: [Int64] = [1, 2, 3, 5, 4], vs: [Double] = [1, 2, 3, 5, 4]
        #expect(!DBQuerier.mergeRuns(&ts, &vs, [0, 2]))
        #expect(ts == [1, 2, 3, 5, 4])
    }

    /// Parts sorted by labels merge to what the dictionary-and-sort merge gave: one entry per
    /// label set, chunks in part order.
    @Test func partsMergeByLabels() {
        func part(_ names: [String], _ tag: Int64) -> ChunkSelection {
            var sel = ChunkSelection()
            for n in names.sorted() {
                sel.chunks.append(BoundedChunk(chunk: XORChunk(), minTime: tag, maxTime: tag))
                sel.closeSeries(Labels(["__name__": "x", "s": n]))
            }
            return sel
        }
        let merged = DBQuerier.merge([part(["a", "c", "d"], 1), part(["b", "c"], 2), part(["a", "e"], 3)])
        #expect(merged.labels.map { $0.get("s") } == ["a", "b", "c", "d", "e"])
        #expect(merged.labels.indices.map { merged.chunks[merged.chunkRange($0)].map(\.minTime) } == [[1, 3], [2], [1, 2], [1], [3]])
    }
}

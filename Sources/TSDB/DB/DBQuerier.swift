import Model

/// Reads head and blocks as one: per series, block samples then head samples, in time order.
///
/// The head is read first and the block list after it, at each read: a cut adds its block to
/// the list before it truncates the head, so samples the head read no longer had are in the
/// list read after it (a sample read from both is merged away). A block list taken when the
/// querier was made would miss a cut that happened in between.
struct DBQuerier: Querier {
    /// The longest window (ms) the head decodes while holding its lock: rule windows and the
    /// reads after a kept one (`SelectorWindowMemo`).
    static let inLockSpan: Int64 = 5 * 60_000

    let head: Head
    let blocks: () -> [Block]
    let mint: Int64
    let maxt: Int64

    func select(_ matchers: [LabelMatcher], mint: Int64, maxt: Int64) throws -> [SeriesSamples] {
        try selectColumns(matchers, mint: mint, maxt: maxt).series
    }

    func selectColumns(_ matchers: [LabelMatcher], mint: Int64, maxt: Int64) throws -> SeriesColumns {
        let lo = max(mint, self.mint), hi = min(maxt, self.maxt)
        func overlaps(_ b: Block) -> Bool { b.meta.maxTime > lo && b.meta.minTime <= hi }
        // A short window the blocks do not reach (a rule's last minutes) is read from the head
        // alone, decoded in one pass under the head's lock. Longer ones are decoded outside it,
        // so that a dashboard's hours-long read does not hold back commits. The block list is
        // read again after the head: a cut in between put its samples in a block, and then the
        // read is done again over both.
        if hi &- lo <= Self.inLockSpan && !blocks().contains(where: overlaps) {
            let fromHead = try head.selectSamples(matchers, mint: lo, maxt: hi)
            if !blocks().contains(where: overlaps) { return fromHead }
        }
        let headPart = head.select(matchers, mint: lo, maxt: hi)
        var parts: [ChunkSelection] = []
        for b in blocks() where overlaps(b) {
            parts.append(try b.select(matchers, mint: lo, maxt: hi))
        }
        parts.append(headPart)
        let sel = parts.count == 1 ? parts[0] : Self.merge(parts)
        // Every series' samples go into one pair of arrays: two allocations per select, not two
        // per series. Of a chunk reaching out of the window only the samples in it are kept, so
        // a 5 m window over 30,000 open chunks does not hold their 30-minute contents.
        // Chunks are read in place through pointers below: a chunk taken out of the array is
        // a copy, a retain and a release each.
        var n = 0
        sel.chunks.withUnsafeBufferPointer { chunks in
            for k in chunks.indices {
                let minT = chunks[k].minTime, maxT = chunks[k].maxTime, count = chunks[k].chunk.count
                if minT >= lo && maxT <= hi || maxT <= minT {
                    n += count
                } else {
                    let inside = Double(min(maxT, hi) - max(minT, lo)) / Double(maxT - minT)
                    n += Int((Double(count) * inside).rounded(.up)) + 1
                }
            }
        }
        var out = SeriesColumns()
        var ts: [Int64] = [], vs: [Double] = []
        ts.reserveCapacity(n)
        vs.reserveCapacity(n)
        out.labels.reserveCapacity(sel.count)
        out.ends.reserveCapacity(sel.count)
        for i in 0..<sel.count {
            let start = ts.count
            let range = sel.chunkRange(i)
            var runs: [Int] = []  // where each chunk's samples start, when there are several
            try sel.chunks.withUnsafeBufferPointer { chunks in
                for k in range {
                    if range.count > 1 { runs.append(ts.count - start) }
                    if chunks[k].minTime >= lo && chunks[k].maxTime <= hi {
                        try chunks[k].chunk.decode(into: &ts, &vs)
                    } else {
                        try chunks[k].chunk.decode(into: &ts, &vs, from: lo, to: hi)
                    }
                }
            }
            if ts.count > start + 1 && range.count > 1 && !Self.isSorted(ts[start...]) {
                var st = Array(ts[start...]), sv = Array(vs[start...])
                if !Self.mergeRuns(&st, &sv, runs) { Self.sortDedupe(&st, &sv) }
                ts.removeSubrange(start...)
                vs.removeSubrange(start...)
                ts.append(contentsOf: st)
                vs.append(contentsOf: sv)
            }
            if ts.count > start {
                out.labels.append(sel.labels[i])
                out.ends.append(ts.count)
            }
        }
        out.timestamps = ts
        out.values = vs
        return out
    }

    /// Merges parts that are each sorted by labels (blocks in time order, then the head): one
    /// entry per label set, its chunks in part order, sorted by labels.
    static func merge(_ parts: [ChunkSelection]) -> ChunkSelection {
        var parts = parts
        for p in parts.indices where !zip(parts[p].labels, parts[p].labels.dropFirst()).allSatisfy({ !($0.1 < $0.0) }) {
            parts[p] = sorted(parts[p])  // not expected; keeps the merge correct regardless
        }
        var next = [Int](repeating: 0, count: parts.count)
        var merged = ChunkSelection()
        merged.labels.reserveCapacity(parts.map(\.count).max() ?? 0)
        merged.ends.reserveCapacity(parts.map(\.count).max() ?? 0)
        merged.chunks.reserveCapacity(parts.reduce(0) { $0 + $1.chunks.count })
        while true {
            var lowest: Labels?
            for (p, i) in next.enumerated() where i < parts[p].count {
                if let l = lowest, !(parts[p].labels[i] < l) { continue }
                lowest = parts[p].labels[i]
            }
            guard let l = lowest else { return merged }
            for p in parts.indices {
                while next[p] < parts[p].count && parts[p].labels[next[p]] == l {
                    merged.chunks.append(contentsOf: parts[p].chunks[parts[p].chunkRange(next[p])])
                    next[p] += 1
                }
            }
            merged.closeSeries(l)
        }
    }

    private static func sorted(_ s: ChunkSelection) -> ChunkSelection {
        var out = ChunkSelection()
        for i in s.labels.indices.sorted(by: { s.labels[$0] < s.labels[$1] }) {
            out.chunks.append(contentsOf: s.chunks[s.chunkRange(i)])
            out.closeSeries(s.labels[i])
        }
        return out
    }

    func labelNames(_ matchers: [LabelMatcher]) throws -> [String] {
        var names = Set(head.labelNames(matchers))
        for b in blocks() { names.formUnion(b.labelNames(matchers)) }
        return names.sorted { $0.utf8Precedes($1) }
    }

    func labelValues(_ name: String, _ matchers: [LabelMatcher]) throws -> [String] {
        var values = Set(head.labelValues(name, matchers))
        for b in blocks() { values.formUnion(b.labelValues(name, matchers)) }
        return values.sorted { $0.utf8Precedes($1) }
    }

    private static func isSorted(_ ts: ArraySlice<Int64>) -> Bool {
        var i = ts.startIndex + 1
        while i < ts.endIndex {
            if ts[i] <= ts[i - 1] { return false }
            i += 1
        }
        return true
    }

    /// `sortDedupe` for the usual case, chunks that are each in time order but overlap (a
    /// block and the head chunk that straddles its end): a stable merge of the runs, then one
    /// sample per timestamp, the first. False, changing nothing, if a run is out of order.
    static func mergeRuns(_ ts: inout [Int64], _ vs: inout [Double], _ runs: [Int]) -> Bool {
        let bounds = runs + [ts.count]
        for r in runs.indices where bounds[r] < bounds[r + 1] {
            for i in (bounds[r] + 1)..<bounds[r + 1] where ts[i] < ts[i - 1] { return false }
        }
        var nt: [Int64] = [], nv: [Double] = []
        nt.reserveCapacity(ts.count)
        nv.reserveCapacity(ts.count)
        for r in runs.indices {
            let a = bounds[r], b = bounds[r + 1]
            if a == b { continue }
            if nt.isEmpty || ts[a] > nt[nt.count - 1] {
                nt.append(contentsOf: ts[a..<b])
                nv.append(contentsOf: vs[a..<b])
                continue
            }
            // Merge the run into what is there; on equal times the earlier source comes first,
            // so what is there up to and including the run's first time stays in place.
            var lo = 0, hi = nt.count
            while lo < hi { let m = (lo + hi) >> 1; if nt[m] <= ts[a] { lo = m + 1 } else { hi = m } }
            let tailT = Array(nt[lo...]), tailV = Array(nv[lo...])
            nt.removeSubrange(lo...)
            nv.removeSubrange(lo...)
            var i = 0, j = a
            while i < tailT.count || j < b {
                if j == b || (i < tailT.count && tailT[i] <= ts[j]) {
                    nt.append(tailT[i]); nv.append(tailV[i]); i += 1
                } else {
                    nt.append(ts[j]); nv.append(vs[j]); j += 1
                }
            }
        }
        // One sample per timestamp: the first.
        var k = 0
        for i in nt.indices where k == 0 || nt[i] != nt[k - 1] {
            nt[k] = nt[i]
            nv[k] = nv[i]
            k += 1
        }
        nt.removeSubrange(k...)
        nv.removeSubrange(k...)
        ts = nt
        vs = nv
        return true
    }

    /// Overlapping sources (a block and the head holding the same sample after a crash
    /// between cut and truncate): sort by time, keep one sample per timestamp.
    static func sortDedupe(_ ts: inout [Int64], _ vs: inout [Double]) {
        let order = ts.indices.sorted { ts[$0] < ts[$1] }
        var nt: [Int64] = [], nv: [Double] = []
        for i in order where nt.last != ts[i] { nt.append(ts[i]); nv.append(vs[i]) }
        ts = nt
        vs = nv
    }
}

/// A chunk with its time range known from the head or the block index, so a query never
/// decodes a chunk just to learn its bounds.
struct BoundedChunk {
    var chunk: XORChunk
    var minTime: Int64
    var maxTime: Int64
}

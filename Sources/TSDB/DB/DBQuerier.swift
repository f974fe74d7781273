import Model

/// Reads head and blocks as one: per series, block samples then head samples, in time order.
struct DBQuerier: Querier {
    let head: Head
    let blocks: [Block]
    let mint: Int64
    let maxt: Int64

    func select(_ matchers: [LabelMatcher], mint: Int64, maxt: Int64) throws -> [SeriesSamples] {
        let lo = max(mint, self.mint), hi = min(maxt, self.maxt)
        var parts: [[(Labels, [BoundedChunk])]] = []
        for b in blocks where b.meta.maxTime > lo && b.meta.minTime <= hi {
            parts.append(try b.select(matchers, mint: lo, maxt: hi))
        }
        parts.append(head.select(matchers, mint: lo, maxt: hi))
        // Each part is sorted by labels; merge them.
        var merged: [(Labels, [BoundedChunk])] = []
        if parts.count == 1 { merged = parts[0] } else {
            var byLabels: [Labels: Int] = [:]
            for p in parts {
                for (l, cs) in p {
                    if let i = byLabels[l] { merged[i].1.append(contentsOf: cs) } else {
                        byLabels[l] = merged.count
                        merged.append((l, cs))
                    }
                }
            }
            merged.sort { $0.0 < $1.0 }
        }
        var out: [SeriesSamples] = []
        out.reserveCapacity(merged.count)
        for (labels, chunks) in merged {
            var ts: [Int64] = [], vs: [Double] = []
            for c in chunks { try c.decode(into: &ts, &vs, from: lo, to: hi) }
            if ts.isEmpty { continue }
            if chunks.count > 1 && !isSorted(ts) { sortDedupe(&ts, &vs) }
            out.append(SeriesSamples(labels: labels, timestamps: ts[...], values: vs[...]))
        }
        return out
    }

    func labelNames(_ matchers: [LabelMatcher]) throws -> [String] {
        var names = Set(head.labelNames(matchers))
        for b in blocks { names.formUnion(b.labelNames(matchers)) }
        return names.sorted { $0.utf8Precedes($1) }
    }

    func labelValues(_ name: String, _ matchers: [LabelMatcher]) throws -> [String] {
        var values = Set(head.labelValues(name, matchers))
        for b in blocks { values.formUnion(b.labelValues(name, matchers)) }
        return values.sorted { $0.utf8Precedes($1) }
    }

    private func isSorted(_ ts: [Int64]) -> Bool {
        for i in 1..<max(ts.count, 1) where ts[i] <= ts[i - 1] { return false }
        return true
    }

    /// Overlapping sources (a block and the head holding the same sample after a crash
    /// between cut and truncate): sort by time, keep one sample per timestamp.
    private func sortDedupe(_ ts: inout [Int64], _ vs: inout [Double]) {
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

    /// Appends the samples in `lo...hi`; corrupt data is an error, never a silent gap.
    func decode(into ts: inout [Int64], _ vs: inout [Double], from lo: Int64, to hi: Int64) throws {
        if minTime >= lo && maxTime <= hi {
            try chunk.decode(into: &ts, &vs)
            return
        }
        var t: [Int64] = [], v: [Double] = []
        try chunk.decode(into: &t, &v)
        for i in t.indices where t[i] >= lo && t[i] <= hi {
            ts.append(t[i])
            vs.append(v[i])
        }
    }
}

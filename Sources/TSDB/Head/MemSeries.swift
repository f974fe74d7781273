import Model

/// One series in the head: closed chunks plus the open one being appended to.
///
/// Guarded by the head's lock.
final class MemSeries {
    let ref: UInt64
    let labels: Labels
    /// Full chunks, oldest first.
    private(set) var chunks: [XORChunk] = []
    /// `chunks`' time ranges, kept alongside so a query finds the chunks it needs without
    /// touching every chunk's bytes.
    private var bounds: [(minT: Int64, maxT: Int64)] = []
    /// The chunk receiving appends.
    var open = XORChunk()
    var maxTime: Int64 = .min
    var lastValue: Double = 0
    /// The newest samples, so that a read of the last few seconds (what a rule group reads
    /// after `SelectorWindowMemo` kept the rest) decodes nothing.
    private(set) var recent = RecentSamples()
    /// An equal label set stored elsewhere that appends arrive with (see `Head.byIdentity`).
    var alias: Labels?
    /// The head holding the series (`Head.id`); false in `live` once it dropped it. An appender's series
    /// handle (`Appender.append(_:_:_:_:)`) is used only while both still hold.
    var headID: UInt64 = 0
    var live = true
    /// The open appender (`DBAppender.id`, 0: none) with uncommitted samples of this series,
    /// and the newest of them: its order checks run against these instead of `maxTime` and
    /// `lastValue`, without a dictionary per batch. Another appender finding the series taken
    /// keeps its own samples in a dictionary (`DBAppender.foreign`).
    var pendingOwner: UInt64 = 0
    var pendingT: Int64 = .min
    var pendingV: Double = 0

    /// Samples per chunk before it is cut, as Prometheus cuts them.
    static let samplesPerChunk = 120

    init(ref: UInt64, labels: Labels) {
        self.ref = ref
        self.labels = labels
    }

    func append(_ t: Int64, _ v: Double) {
        if open.count >= MemSeries.samplesPerChunk {
            bounds.append((open.minTime!, open.maxTime!))
            chunks.append(open)
            open = XORChunk()
        }
        open.append(t, v)
        recent.append(t, v)
        maxTime = t
        lastValue = v
    }

    /// Appends the samples in `mint...maxt` to the arrays: from `recent` when it holds all of
    /// them, else decoded from the chunks that overlap.
    func readSamples(_ mint: Int64, _ maxt: Int64, into ts: inout [Int64], _ vs: inout [Double]) throws {
        if recent.holds(from: mint, seriesCount: chunks.isEmpty ? open.count : Int.max) {
            recent.append(from: mint, to: maxt, into: &ts, &vs)
            return
        }
        for i in bounds.indices where bounds[i].maxT >= mint && bounds[i].minT <= maxt {
            try chunks[i].decode(into: &ts, &vs, from: mint, to: maxt)
        }
        if let lo = open.minTime, let hi = open.maxTime, hi >= mint && lo <= maxt {
            try open.decode(into: &ts, &vs, from: mint, to: maxt)
        }
    }

    /// The chunks overlapping `mint...maxt`, copied (copy-on-write, so cheap) for reading
    /// outside the lock.
    func chunks(overlapping mint: Int64, _ maxt: Int64) -> [XORChunk] {
        var out: [XORChunk] = []
        for c in chunks where c.maxTime! >= mint && c.minTime! <= maxt { out.append(c) }
        if let lo = open.minTime, let hi = open.maxTime, hi >= mint && lo <= maxt { out.append(open) }
        return out
    }

    /// The same with their time ranges, appended to a query's selection.
    func appendChunks(overlapping mint: Int64, _ maxt: Int64, to out: inout [BoundedChunk]) {
        for (i, b) in bounds.enumerated() where b.maxT >= mint && b.minT <= maxt {
            out.append(BoundedChunk(chunk: chunks[i], minTime: b.minT, maxTime: b.maxT))
        }
        if let lo = open.minTime, let hi = open.maxTime, hi >= mint && lo <= maxt {
            out.append(BoundedChunk(chunk: open, minTime: lo, maxTime: hi))
        }
    }

    var minTime: Int64? { chunks.first?.minTime ?? open.minTime }

    /// Drops chunks that end before `t`; returns whether the series is now empty.
    func truncate(before t: Int64) -> Bool {
        chunks.removeAll { $0.maxTime! < t }
        bounds.removeAll { $0.maxT < t }
        if let hi = open.maxTime, hi < t, chunks.isEmpty {
            open = XORChunk()
            recent = RecentSamples()
            return true
        }
        return chunks.isEmpty && open.count == 0
    }
}


import Model

/// One series in the head: closed chunks plus the open one being appended to.
///
/// Guarded by the head's lock.
final class MemSeries {
    let ref: UInt64
    let labels: Labels
    /// Full chunks, oldest first.
    var chunks: [XORChunk] = []
    /// The chunk receiving appends.
    var open = XORChunk()
    var maxTime: Int64 = .min
    var lastValue: Double = 0

    /// Samples per chunk before it is cut, as Prometheus cuts them.
    static let samplesPerChunk = 120

    init(ref: UInt64, labels: Labels) {
        self.ref = ref
        self.labels = labels
    }

    func append(_ t: Int64, _ v: Double) {
        if open.count >= MemSeries.samplesPerChunk {
            chunks.append(open)
            open = XORChunk()
        }
        open.append(t, v)
        maxTime = t
        lastValue = v
    }

    /// The chunks overlapping `mint...maxt`, copied (copy-on-write, so cheap) for reading
    /// outside the lock.
    func chunks(overlapping mint: Int64, _ maxt: Int64) -> [XORChunk] {
        var out: [XORChunk] = []
        for c in chunks where c.maxTime! >= mint && c.minTime! <= maxt { out.append(c) }
        if let lo = open.minTime, let hi = open.maxTime, hi >= mint && lo <= maxt { out.append(open) }
        return out
    }

    var minTime: Int64? { chunks.first?.minTime ?? open.minTime }

    /// Drops chunks that end before `t`; returns whether the series is now empty.
    func truncate(before t: Int64) -> Bool {
        chunks.removeAll { $0.maxTime! < t }
        if let hi = open.maxTime, hi < t, chunks.isEmpty {
            open = XORChunk()
            return true
        }
        return chunks.isEmpty && open.count == 0
    }
}

import Model

/// Batches samples for the head; `commit()` writes them to the WAL, then makes them visible.
final class DBAppender: Appender {
    let db: DB
    private var pending: [(MemSeries, Int64, Double)] = []
    private var newSeries: [MemSeries] = []
    /// The newest pending timestamp per series ref, for order checks within the batch.
    private var lastPending: [UInt64: (Int64, Double)] = [:]

    init(db: DB) { self.db = db }

    func append(_ labels: Labels, _ t: Int64, _ v: Double) throws {
        if labels.isEmpty { throw AppendError.invalidLabels("empty label set") }
        let (s, created) = db.head.getOrCreate(labels)
        if created { newSeries.append(s) }
        let (lastT, lastV): (Int64, Double)
        if let p = lastPending[s.ref] { (lastT, lastV) = p } else {
            (lastT, lastV) = db.head.withLock { (s.maxTime, s.lastValue) }
        }
        if lastT != .min {
            if t < lastT {
                db.count(outOfOrder: 1)
                throw AppendError.outOfOrder(labels: labels, t: t)
            }
            if t == lastT {
                if v.bitPattern == lastV.bitPattern { return }  // an exact repeat is accepted and dropped
                db.count(duplicate: 1)
                throw AppendError.duplicateSampleForTimestamp(labels: labels, t: t)
            }
        }
        if t < db.minValidTime {
            db.count(outOfOrder: 1)
            throw AppendError.outOfBounds(labels: labels, t: t)
        }
        lastPending[s.ref] = (t, v)
        pending.append((s, t, v))
    }

    func commit() throws {
        defer { reset() }
        if pending.isEmpty && newSeries.isEmpty { return }
        var records: [WALRecord] = []
        if !newSeries.isEmpty { records.append(.series(newSeries.map { (ref: $0.ref, labels: $0.labels) })) }
        if !pending.isEmpty { records.append(.samples(pending.map { (ref: $0.0.ref, t: $0.1, v: $0.2) })) }
        try db.wal.log(records)
        db.head.apply(pending)
    }

    func rollback() { reset() }

    private func reset() {
        pending = []
        newSeries = []
        lastPending = [:]
    }
}

import Model
import Synchronization

/// Batches samples for the head; `commit()` writes them to the WAL, then makes them visible.
///
/// Each sample costs one head lock (`Head.checkAppend`): the series (by the caller's handle
/// when it passes one, as a scrape cache does), and the order checks against this appender's
/// own newest uncommitted sample of the series, which the series carries while this appender
/// holds it (`MemSeries.pendingOwner`). `minValidTime` is read once per batch, as Prometheus'
/// head appender reads it once.
final class DBAppender: Appender {
    /// Appender ids; 0 means "no appender" in `MemSeries.pendingOwner`.
    private static let nextID = Atomic<UInt64>(1)

    let db: DB
    let id: UInt64
    /// Unretained: each series is held (`MemSeries.pendingOwner`, which keeps it in the head) or
    /// in `kept`, so the batch costs no reference counting per sample.
    private var pending: [(Unmanaged<MemSeries>, Int64, Double)] = []
    /// Series of `foreign` samples, retained here since this appender does not hold them.
    private var kept: [MemSeries] = []
    private var newSeries: [MemSeries] = []
    /// Newest pending sample per series ref for series another open appender held when this one
    /// first appended to them (rare: two appenders writing one series at once).
    private var foreign: [UInt64: (t: Int64, v: Double)] = [:]
    private var minValidTime: Int64?

    init(db: DB) {
        self.db = db
        id = DBAppender.nextID.wrappingAdd(1, ordering: .relaxed).oldValue
    }

    deinit {
        if !pending.isEmpty { db.head.release(pending, owner: id) }
        if minValidTime != nil { db.endBatch(id) }
    }

    func append(_ labels: Labels, _ t: Int64, _ v: Double) throws {
        if labels.isEmpty { throw AppendError.invalidLabels("empty label set") }
        var none: AnyObject?
        try append(&none, t, v) { labels }
    }

    func append(_ handle: inout AnyObject?, _ t: Int64, _ v: Double, labels: () -> Labels) throws {
        // MemSeries is final: an exact type check is enough, and cheaper than `as?`.
        var known: Unmanaged<MemSeries>?
        if let h = handle, type(of: h) == MemSeries.self { known = Unmanaged.passUnretained(unsafeDowncast(h, to: MemSeries.self)) }
        let minValid: Int64
        if let m = minValidTime { minValid = m } else {
            minValid = db.beginBatch(id)
            minValidTime = minValid
        }
        let c = try db.head.checkAppend(known, labels, t, v, minValidTime: minValid, owner: id, foreign: &foreign)
        let u = c.series
        // `c.retained` is set whenever the series is needed beyond this appender's hold.
        if c.created { newSeries.append(c.retained!) }
        if known?.toOpaque() != u.toOpaque() { handle = c.retained! }
        switch c.verdict {
        case .accept:
            pending.append((u, t, v))
        case .acceptForeign:
            kept.append(c.retained!)
            pending.append((u, t, v))
        case .repeated:
            return  // an exact repeat is accepted and dropped
        case .outOfOrder:
            db.count(outOfOrder: 1)
            throw AppendError.outOfOrder(labels: c.retained!.labels, t: t)
        case .duplicate:
            db.count(duplicate: 1)
            throw AppendError.duplicateSampleForTimestamp(labels: c.retained!.labels, t: t)
        case .outOfBounds:
            db.count(outOfOrder: 1)
            throw AppendError.outOfBounds(labels: c.retained!.labels, t: t)
        }
    }

    func commit() throws {
        defer { reset() }
        if pending.isEmpty && newSeries.isEmpty { return }
        // Encoded straight from the batch into the WAL's buffer: the same records as
        // `.series(newSeries…)` then `.samples(pending…)`, without building them.
        let pending = self.pending, newSeries = self.newSeries
        var kinds: [WALRecordType] = []
        if !newSeries.isEmpty { kinds.append(.series) }
        if !pending.isEmpty { kinds.append(.samples) }
        try db.wal.log(records: kinds.count) { i, buf in
            if kinds[i] == .series {
                WALRecord.encodeSeries(count: newSeries.count, into: &buf) { (newSeries[$0].ref, newSeries[$0].labels) }
            } else {
                pending.withUnsafeBufferPointer { p in
                    WALRecord.encodeSamples(count: p.count, into: &buf) { (p[$0].0._withUnsafeGuaranteedRef(\.ref), p[$0].1, p[$0].2) }
                }
            }
        }
        db.head.commit(pending, owner: id)
        if !pending.isEmpty { db.committed(oldest: pending.reduce(Int64.max) { min($0, $1.1) }) }
        self.pending.removeAll()
    }

    func rollback() { reset() }

    private func reset() {
        if !pending.isEmpty { db.head.release(pending, owner: id) }
        pending = []
        newSeries = []
        foreign = [:]
        kept = []
        if minValidTime != nil { db.endBatch(id) }
        minValidTime = nil
    }
}

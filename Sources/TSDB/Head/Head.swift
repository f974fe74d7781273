import Model
import Synchronization

/// The in-memory part of the store: recent samples in compressed chunks, and an inverted
/// index over the series' labels.
final class Head: @unchecked Sendable {
    /// Everything below is guarded by `lock` (a class with a Mutex<Void> keeps the
    /// many fields readable; `@unchecked Sendable` rests on that lock).
    private let lock = Mutex(())
    private var byRef: [UInt64: MemSeries] = [:]
    /// Fingerprint → series; a list because different label sets can share a fingerprint.
    private var byHash: [UInt64: [MemSeries]] = [:]
    /// Series by the address of a label set's storage: the series' own `labels`, and its
    /// `alias`. The series retains that storage, so while the entry exists no other label set
    /// can live at the address: a hit is the same label set, found without hashing or comparing
    /// a string. Scrape loops hand the same `Labels` for a series every scrape, so their appends
    /// take this path.
    private var byIdentity = IdentityMap()
    private var index = HeadIndex()
    /// Series matching a matcher list, in label order, until the index changes. Rules repeat
    /// the same selectors every evaluation, and sorting 30,000 label sets per select cost more
    /// than reading their samples.
    private var sortedSelections: [[LabelMatcher]: [MemSeries]] = [:]
    /// Series references held by `sortedSelections`, bounded so that many distinct ad-hoc
    /// selectors (dashboards with template variables) cannot grow it without limit: at most
    /// 8 per series (64 bytes, against the 1–2 KB a series holds), which the Gatewayz rules'
    /// selectors, some matching every model of every provider, need about 6 of.
    private(set) var sortedSelectionsHeld = 0
    private var nextRef: UInt64 = 1
    private(set) var minTime: Int64 = .max
    private(set) var maxTime: Int64 = .min
    private(set) var samplesAppended = 0
    /// Unique per head for the process' life (an address could be reused by a later head): the
    /// series carry it, so an appender's handle from another head is never taken for one of ours.
    let id = Head.nextID.wrappingAdd(1, ordering: .relaxed).oldValue
    private static let nextID = Atomic<UInt64>(1)

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        try lock.withLock { _ in try body() }
    }

    var seriesCount: Int { withLock { byRef.count } }

    /// The series for `labels`, created if new. Returns whether it was created.
    func getOrCreate(_ labels: Labels) -> (MemSeries, Bool) {
        withLock { getOrCreateLocked(labels, ref: nil) }
    }

    /// Recreates a series with a known ref (WAL replay).
    func create(_ labels: Labels, ref: UInt64) -> MemSeries {
        withLock { getOrCreateLocked(labels, ref: ref).0 }
    }

    private func getOrCreateLocked(_ labels: Labels, ref: UInt64?) -> (MemSeries, Bool) {
        let key = LabelsIdentity(labels)
        if let key, let s = byIdentity[key] { return (s, false) }
        let h = labels.fingerprint
        if let list = byHash[h], let s = list.first(where: { $0.labels == labels }) {
            // Equal but stored elsewhere (e.g. a scrape loop's labels for a series replayed from
            // the WAL): remember the first such storage, so that its next appends hit by identity.
            if let key, s.alias == nil {
                s.alias = labels
                byIdentity[key] = s
            }
            return (s, false)
        }
        let r = ref ?? nextRef
        nextRef = max(nextRef, r + 1)
        let s = MemSeries(ref: r, labels: labels)
        s.headID = id
        byRef[r] = s
        byHash[h, default: []].append(s)
        if let key { byIdentity[key] = s }
        index.add(labels, r)
        if !sortedSelections.isEmpty { addToSortedSelections(s) }
        return (s, true)
    }

    func series(ref: UInt64) -> MemSeries? { withLock { byRef[ref] } }

    func lookup(_ labels: Labels) -> MemSeries? {
        withLock { byHash[labels.fingerprint]?.first(where: { $0.labels == labels }) }
    }

    // MARK: Appending (DBAppender)

    /// A sample's series and its order and bounds checks for the open appender `owner`, under one
    /// lock. The series is `handle` when that is one of this head's live series, else found or
    /// created by `labels()` (which throws for an empty set). The sample is checked against the
    /// appender's own newest uncommitted sample of the series if it has one (in the series while
    /// `owner` holds it, else in `foreign`), else against the series' newest sample, then against
    /// `minValidTime`. An accepted sample becomes the appender's newest for the series.
    func checkAppend(_ handle: Unmanaged<MemSeries>?, _ labels: () -> Labels, _ t: Int64, _ v: Double, minValidTime: Int64,
                     owner: UInt64, foreign: inout [UInt64: (t: Int64, v: Double)]) throws -> AppendCheck {
        try withLock {
            let s: MemSeries, created: Bool
            if let h = handle, h._withUnsafeGuaranteedRef({ $0.live && $0.headID == id }) {
                (s, created) = (h.takeUnretainedValue(), false)
            } else {
                let l = labels()
                if l.isEmpty { throw AppendError.invalidLabels("empty label set") }
                (s, created) = getOrCreateLocked(l, ref: nil)
            }
            let u = Unmanaged.passUnretained(s)
            // Retained, and so safe after the lock (a truncation could drop a series nobody
            // holds), unless this is the common case: a sample accepted for a held series whose
            // handle the caller already has.
            func result(_ verdict: AppendVerdict) -> AppendCheck {
                let common = verdict == .accept && !created && handle?.toOpaque() == u.toOpaque()
                return AppendCheck(series: u, retained: common ? nil : s, created: created, verdict: verdict)
            }
            let lastT: Int64, lastV: Double
            var inForeign = false
            if !foreign.isEmpty, let p = foreign[s.ref] {
                (lastT, lastV) = p
                inForeign = true
            } else if s.pendingOwner == owner {
                (lastT, lastV) = (s.pendingT, s.pendingV)
            } else {
                (lastT, lastV) = (s.maxTime, s.lastValue)
            }
            if lastT != .min {
                if t < lastT { return result(.outOfOrder) }
                if t == lastT { return result(v.bitPattern == lastV.bitPattern ? .repeated : .duplicate) }
            }
            if t < minValidTime { return result(.outOfBounds) }
            if !inForeign && (s.pendingOwner == owner || s.pendingOwner == 0) {
                s.pendingOwner = owner
                s.pendingT = t
                s.pendingV = v
                return result(.accept)
            }
            foreign[s.ref] = (t, v)
            return result(.acceptForeign)
        }
    }

    /// Appends an appender's checked samples, in one lock, and ends its hold on their series.
    /// The series are unretained: a held series stays in the head (`truncate` keeps it), and the
    /// appender retains the others (`DBAppender.kept`).
    func commit(_ samples: [(Unmanaged<MemSeries>, Int64, Double)], owner: UInt64) {
        withLock {
            for (u, t, v) in samples {
                let s = u.takeUnretainedValue()
                if s.pendingOwner == owner { s.pendingOwner = 0 }
                if t <= s.maxTime && s.maxTime != .min { continue }  // another appender got there first
                s.append(t, v)
                if t < minTime { minTime = t }
                if t > maxTime { maxTime = t }
            }
            samplesAppended += samples.count
        }
    }

    /// Ends an appender's hold on its series without appending (rollback, failed commit).
    func release(_ samples: [(Unmanaged<MemSeries>, Int64, Double)], owner: UInt64) {
        withLock {
            for (u, _, _) in samples {
                let s = u.takeUnretainedValue()
                if s.pendingOwner == owner { s.pendingOwner = 0 }
            }
        }
    }

    /// WAL replay: samples by ref, looked up and applied under one lock; samples before
    /// `minTime` are already in blocks.
    func applyByRef(_ samples: [(ref: UInt64, t: Int64, v: Double)], from minT: Int64) {
        withLock {
            var last: MemSeries? = nil
            for x in samples where x.t >= minT {
                let s: MemSeries
                if let l = last, l.ref == x.ref { s = l } else {
                    guard let found = byRef[x.ref] else { continue }
                    s = found
                    last = found
                }
                if x.t <= s.maxTime && s.maxTime != .min { continue }
                s.append(x.t, x.v)
                if x.t < minTime { minTime = x.t }
                if x.t > maxTime { maxTime = x.t }
            }
            samplesAppended += samples.count
        }
    }

    /// Chunks of the series matching `matchers` that overlap the window, sorted by labels.
    func select(_ matchers: [LabelMatcher], mint: Int64, maxt: Int64) -> ChunkSelection {
        withLock {
            var out = ChunkSelection()
            let found = sortedSelectionLocked(matchers)
            out.labels.reserveCapacity(found.count)
            out.ends.reserveCapacity(found.count)
            out.chunks.reserveCapacity(found.count)
            for s in found {
                s.appendChunks(overlapping: mint, maxt, to: &out.chunks)
                out.closeSeries(s.labels)
            }
            return out
        }
    }

    /// The matching series' samples in `mint...maxt`, sorted by labels, decoded while the lock
    /// is held: one pass over each series' memory instead of copying its chunks out and
    /// decoding them after (which touched each chunk twice, the second time no longer cached).
    func selectSamples(_ matchers: [LabelMatcher], mint: Int64, maxt: Int64) throws -> SeriesColumns {
        try withLock {
            var out = SeriesColumns()
            let found = sortedSelectionLocked(matchers)
            out.labels.reserveCapacity(found.count)
            out.ends.reserveCapacity(found.count)
            out.timestamps.reserveCapacity(found.count * 2)
            out.values.reserveCapacity(found.count * 2)
            // Unretained: the list holds every series, and a retain per series touched 30,000
            // reference counts that the read itself does not need.
            try found.withUnsafeBufferPointer { list in
                for i in list.indices {
                    try Unmanaged.passUnretained(list[i])._withUnsafeGuaranteedRef { s in
                        try s.readSamples(mint, maxt, into: &out.timestamps, &out.values)
                        out.closeSeries(s.labels)
                    }
                }
            }
            return out
        }
    }

    /// A new series joins the kept selections it matches, in label order: rule outputs create
    /// series now and then, and re-sorting every selection each time cost more than this.
    private func addToSortedSelections(_ s: MemSeries) {
        for matchers in sortedSelections.keys.filter({ $0.matches(s.labels) }) {
            // Taken out, so that `list` is the only reference and grows in place.
            var list = sortedSelections.removeValue(forKey: matchers)!
            var lo = 0, hi = list.count
            while lo < hi { let m = (lo + hi) / 2; if list[m].labels < s.labels { lo = m + 1 } else { hi = m } }
            list.insert(s, at: lo)
            sortedSelections[matchers] = list
            sortedSelectionsHeld += 1
        }
    }

    private func sortedSelectionLocked(_ matchers: [LabelMatcher]) -> [MemSeries] {
        if let hit = sortedSelections[matchers] { return hit }
        let found = index.postings(for: matchers).compactMap { byRef[$0] }.sorted { $0.labels < $1.labels }
        if sortedSelections.count >= 1024 || sortedSelectionsHeld + found.count > 8 * byRef.count + 10_000 {
            sortedSelections.removeAll()
            sortedSelectionsHeld = 0
        }
        sortedSelections[matchers] = found
        sortedSelectionsHeld += found.count
        return found
    }

    func labelNames(_ matchers: [LabelMatcher]) -> [String] {
        withLock {
            if matchers.isEmpty { return index.names.sorted { $0.utf8Precedes($1) } }
            var names = Set<String>()
            for ref in index.postings(for: matchers) { byRef[ref]?.labels.pairs.forEach { names.insert($0.name) } }
            return names.sorted { $0.utf8Precedes($1) }
        }
    }

    func labelValues(_ name: String, _ matchers: [LabelMatcher]) -> [String] {
        withLock {
            if matchers.isEmpty { return index.values(of: name).sorted { $0.utf8Precedes($1) } }
            var values = Set<String>()
            for ref in index.postings(for: matchers) { if let v = byRef[ref]?.labels[name] { values.insert(v) } }
            return values.sorted { $0.utf8Precedes($1) }
        }
    }

    /// All series with their chunks in `mint..<maxt` (for cutting a block).
    func snapshot(mint: Int64, maxt: Int64) -> [(Labels, [XORChunk])] {
        withLock {
            byRef.values.compactMap { s -> (Labels, [XORChunk])? in
                let cs = s.chunks(overlapping: mint, maxt - 1)
                return cs.isEmpty ? nil : (s.labels, cs)
            }.sorted { $0.0 < $1.0 }
        }
    }

    /// Drops data before `t` and series left empty (after their samples moved to a block).
    /// Returns the refs still alive.
    func truncate(before t: Int64) -> Set<UInt64> {
        withLock {
            var dead: [MemSeries] = []
            // A series an open appender holds stays (its batch refers to it unretained), as
            // Prometheus keeps series with a pending commit.
            for s in byRef.values where s.truncate(before: t) && s.pendingOwner == 0 { dead.append(s) }
            for s in dead {
                s.live = false  // appenders' handles for it are no longer good
                byRef[s.ref] = nil
                for l in [s.labels, s.alias].compactMap({ $0 }) { if let k = LabelsIdentity(l) { byIdentity[k] = nil } }
                byHash[s.labels.fingerprint]?.removeAll { $0 === s }
                if byHash[s.labels.fingerprint]?.isEmpty == true { byHash[s.labels.fingerprint] = nil }
            }
            index.remove(dead.map { ($0.labels, $0.ref) })
            if !dead.isEmpty {
                sortedSelections.removeAll()
                sortedSelectionsHeld = 0
            }
            minTime = byRef.values.compactMap(\.minTime).min() ?? .max
            return Set(byRef.keys)
        }
    }

    var allSeries: [(UInt64, Labels)] { withLock { byRef.values.map { ($0.ref, $0.labels) } } }
}

/// The head's postings: name → value → sorted refs (refs only grow, so appends keep order).
struct HeadIndex: PostingsIndex {
    var map: [String: [String: [UInt64]]] = [:]
    var all: [UInt64] = []

    var allPostings: [UInt64] { all }
    var names: [String] { Array(map.keys) }
    func values(of name: String) -> [String] { map[name].map { Array($0.keys) } ?? [] }
    func postings(_ name: String, _ value: String) -> [UInt64] { map[name]?[value] ?? [] }

    /// Refs only grow, so a new series appends; the inner containers are taken out before
    /// the change so that Swift mutates them in place instead of copying them per series.
    mutating func add(_ labels: Labels, _ ref: UInt64) {
        insertSorted(&all, ref)
        for p in labels.pairs {
            var values = map.removeValue(forKey: p.name) ?? [:]
            var list = values.removeValue(forKey: p.value) ?? []
            insertSorted(&list, ref)
            values[p.value] = list
            map[p.name] = values
        }
    }

    /// Removes many series in one pass per touched postings list.
    mutating func remove(_ dead: [(Labels, UInt64)]) {
        guard !dead.isEmpty else { return }
        let refs = Set(dead.map(\.1))
        all.removeAll { refs.contains($0) }
        var touched: [String: Set<String>] = [:]
        for (l, _) in dead { for p in l.pairs { touched[p.name, default: []].insert(p.value) } }
        for (name, vals) in touched {
            var values = map.removeValue(forKey: name) ?? [:]
            for v in vals {
                var list = values.removeValue(forKey: v) ?? []
                list.removeAll { refs.contains($0) }
                if !list.isEmpty { values[v] = list }
            }
            if !values.isEmpty { map[name] = values }
        }
    }

    private func insertSorted(_ a: inout [UInt64], _ x: UInt64) {
        if let l = a.last, l > x {
            var lo = 0, hi = a.count
            while lo < hi { let m = (lo + hi) / 2; if a[m] < x { lo = m + 1 } else { hi = m } }
            a.insert(x, at: lo)
        } else {
            a.append(x)
        }
    }
}

/// `Head.checkAppend`'s answer: the series, unretained (held by the appender when the sample
/// was accepted), and the same retained whenever the caller needs it beyond that hold.
struct AppendCheck {
    let series: Unmanaged<MemSeries>
    /// Nil only for an accepted sample of an existing series whose handle the caller passed.
    let retained: MemSeries?
    let created: Bool
    let verdict: AppendVerdict
}

/// What `Head.checkAppend` found for one sample.
enum AppendVerdict {
    case accept
    /// Accepted while another open appender holds the series: the sample's order state went to
    /// the appender's `foreign`, and the appender must retain the series itself.
    case acceptForeign
    /// The appender's last sample of the series again, bit for bit: accepted and dropped.
    case repeated
    case outOfOrder
    case duplicate
    case outOfBounds
}

/// Where a label set's pairs are stored (see `Head.byIdentity`).
struct LabelsIdentity: Hashable {
    let address: UInt
    let count: Int

    init?(_ labels: Labels) {
        guard let (a, n) = labels.pairs.withUnsafeBufferPointer({ b in b.baseAddress.map { (UInt(bitPattern: $0), b.count) } }),
              n > 0 else { return nil }
        address = a
        count = n
    }
}

/// `LabelsIdentity` → series, open-addressed with linear probing (at most half full) and a
/// multiplicative hash of the address: a `Dictionary` spent most of a scrape append's lookup in
/// SipHash. One slot holds key and value, so a lookup touches one cache line.
struct IdentityMap {
    private struct Slot {
        var address: UInt = 0  // 0: empty
        var count = 0
        var series: MemSeries?
    }

    private var slots = [Slot](repeating: Slot(), count: 1024)
    private var shift = UInt(64 - 10)
    private(set) var count = 0

    /// Fibonacci hashing of the address (top bits of the product).
    private func ideal(_ address: UInt) -> Int { Int((address &* 0x9E37_79B9_7F4A_7C15) >> shift) }

    subscript(key: LabelsIdentity) -> MemSeries? {
        get {
            let mask = slots.count - 1
            var i = ideal(key.address)
            while true {
                let a = slots[i].address
                if a == 0 { return nil }
                if a == key.address && slots[i].count == key.count { return slots[i].series }
                i = (i + 1) & mask
            }
        }
        set {
            if let s = newValue { insert(key, s) } else { remove(key) }
        }
    }

    private mutating func insert(_ key: LabelsIdentity, _ s: MemSeries) {
        if (count + 1) * 2 > slots.count { grow() }
        let mask = slots.count - 1
        var i = ideal(key.address)
        while slots[i].address != 0 {
            if slots[i].address == key.address && slots[i].count == key.count {
                slots[i].series = s
                return
            }
            i = (i + 1) & mask
        }
        slots[i] = Slot(address: key.address, count: key.count, series: s)
        count += 1
    }

    /// Backward-shift deletion: no tombstones, so lookups stay short after churn.
    private mutating func remove(_ key: LabelsIdentity) {
        let mask = slots.count - 1
        var i = ideal(key.address)
        while true {
            if slots[i].address == 0 { return }
            if slots[i].address == key.address && slots[i].count == key.count { break }
            i = (i + 1) & mask
        }
        var j = i
        while true {
            j = (j + 1) & mask
            if slots[j].address == 0 { break }
            let k = ideal(slots[j].address)
            // Move slot j back to the hole at i unless its ideal place lies cyclically in (i, j].
            let stays = i <= j ? (i < k && k <= j) : (i < k || k <= j)
            if !stays {
                slots[i] = slots[j]
                i = j
            }
        }
        slots[i] = Slot()
        count -= 1
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(), count: old.count * 2)
        shift -= 1
        count = 0
        for s in old where s.address != 0 {
            insert(LabelsIdentity(address: s.address, count: s.count), s.series!)
        }
    }
}

extension LabelsIdentity {
    fileprivate init(address: UInt, count: Int) {
        self.address = address
        self.count = count
    }
}

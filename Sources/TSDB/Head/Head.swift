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
    private var index = HeadIndex()
    private var nextRef: UInt64 = 1
    private(set) var minTime: Int64 = .max
    private(set) var maxTime: Int64 = .min
    private(set) var samplesAppended = 0

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
        let h = labels.fingerprint
        if let list = byHash[h], let s = list.first(where: { $0.labels == labels }) { return (s, false) }
        let r = ref ?? nextRef
        nextRef = max(nextRef, r + 1)
        let s = MemSeries(ref: r, labels: labels)
        byRef[r] = s
        byHash[h, default: []].append(s)
        index.add(labels, r)
        return (s, true)
    }

    func series(ref: UInt64) -> MemSeries? { withLock { byRef[ref] } }

    func lookup(_ labels: Labels) -> MemSeries? {
        withLock { byHash[labels.fingerprint]?.first(where: { $0.labels == labels }) }
    }

    /// Appends already-validated samples (the appender checked order).
    func apply(_ samples: [(MemSeries, Int64, Double)]) {
        withLock {
            for (s, t, v) in samples {
                if t <= s.maxTime && s.maxTime != .min { continue }  // replay of a sample already present
                s.append(t, v)
                if t < minTime { minTime = t }
                if t > maxTime { maxTime = t }
            }
            samplesAppended += samples.count
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
    func select(_ matchers: [LabelMatcher], mint: Int64, maxt: Int64) -> [(Labels, [BoundedChunk])] {
        withLock {
            var out: [(Labels, [BoundedChunk])] = []
            for ref in index.postings(for: matchers) {
                guard let s = byRef[ref] else { continue }
                let cs = s.chunks(overlapping: mint, maxt).map { BoundedChunk(chunk: $0, minTime: $0.minTime!, maxTime: $0.maxTime!) }
                if !cs.isEmpty { out.append((s.labels, cs)) }
            }
            out.sort { $0.0 < $1.0 }
            return out
        }
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
            for s in byRef.values where s.truncate(before: t) { dead.append(s) }
            for s in dead {
                byRef[s.ref] = nil
                byHash[s.labels.fingerprint]?.removeAll { $0 === s }
                if byHash[s.labels.fingerprint]?.isEmpty == true { byHash[s.labels.fingerprint] = nil }
            }
            index.remove(dead.map { ($0.labels, $0.ref) })
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

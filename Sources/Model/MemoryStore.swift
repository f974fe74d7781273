import Synchronization

/// An in-memory store for tests and promtool-style rule tests.
///
/// Samples may arrive in any order: a sample at an existing timestamp replaces it,
/// as the upstream test harness' storage behaves for the scripts it loads.
public final class MemoryStore: Queryable, Appendable, @unchecked Sendable {
    final class Series {
        let labels: Labels
        var ts: [Int64] = []
        var vs: [Double] = []
        var recent = RecentSamples()
        init(labels: Labels) { self.labels = labels }

        func insert(_ t: Int64, _ v: Double) {
            if let last = ts.last, t <= last {
                var lo = 0, hi = ts.count
                while lo < hi { let m = (lo + hi) / 2; if ts[m] < t { lo = m + 1 } else { hi = m } }
                if lo < ts.count, ts[lo] == t { vs[lo] = v } else {
                    ts.insert(t, at: lo)
                    vs.insert(v, at: lo)
                }
                if lo >= ts.count - RecentSamples.capacity { recent = RecentSamples(last: ts, vs) }
            } else {
                ts.append(t)
                vs.append(v)
                recent.append(t, v)
            }
        }
    }

    struct State {
        var series: [Labels: Series] = [:]
        var byName: [String: [Series]] = [:]
        /// Names whose `byName` list is not sorted yet.
        var unsortedNames: Set<String> = []
        /// All series sorted by labels; nil when a new series invalidated it.
        var sorted: [Series]? = []
        var appends = AppendLog()
        /// Bumped by `clear()`, which removes samples.
        var epoch: UInt64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    public func clear() {
        state.withLock {
            let epoch = $0.epoch
            $0 = State()
            $0.epoch = epoch &+ 1
        }
    }

    public var settledHorizon: SettledHorizon { SettledHorizon(time: .min, epoch: state.withLock { $0.epoch }) }
    public func appendMark() -> UInt64? { state.withLock { $0.appends.mark() } }
    public func oldestAppend(since mark: UInt64) -> Int64? { state.withLock { $0.appends.oldest(since: mark) } }

    public var seriesCount: Int { state.withLock { $0.series.count } }

    /// Adds a sample immediately (no transaction).
    public func add(_ labels: Labels, _ t: Int64, _ v: Double) {
        state.withLock { s in
            let series: Series
            if let x = s.series[labels] { series = x } else {
                series = Series(labels: labels)
                s.series[labels] = series
                let name = labels.get(Labels.metricName)
                s.byName[name, default: []].append(series)
                s.unsortedNames.insert(name)
                s.sorted = nil
            }
            series.insert(t, v)
            s.appends.record(t)
        }
    }

    public func makeAppender() -> any Appender { MemoryAppender(store: self) }

    public func querier(mint: Int64, maxt: Int64) throws -> any Querier {
        MemoryQuerier(store: self)
    }

    func select(_ matchers: [LabelMatcher], mint: Int64, maxt: Int64) -> [SeriesSamples] {
        state.withLock { s in
            let (candidates, rest) = Self.candidates(&s, matchers)
            var out: [SeriesSamples] = []
            out.reserveCapacity(candidates.count)
            for c in candidates where rest.isEmpty || rest.matches(c.labels) {
                let (lo, hi) = c.ts.withUnsafeBufferPointer { Self.window($0, mint, maxt) }
                if lo >= hi { continue }
                out.append(SeriesSamples(labels: c.labels, timestamps: c.ts[lo..<hi], values: c.vs[lo..<hi]))
            }
            return out
        }
    }

    /// `select` as columns, copied while the lock is held: no reference to a series' arrays
    /// is handed out, so the next append to them needs no copy.
    func selectColumns(_ matchers: [LabelMatcher], mint: Int64, maxt: Int64) -> SeriesColumns {
        state.withLock { s in
            let (candidates, rest) = Self.candidates(&s, matchers)
            var out = SeriesColumns()
            out.labels.reserveCapacity(candidates.count)
            out.ends.reserveCapacity(candidates.count)
            candidates.withUnsafeBufferPointer { list in
                for i in list.indices {
                    // Unretained: the list holds them, and a retain each touched 30,000 objects.
                    Unmanaged.passUnretained(list[i])._withUnsafeGuaranteedRef { c in
                        if !rest.isEmpty && !rest.matches(c.labels) { return }
                        if c.recent.holds(from: mint, seriesCount: c.ts.count) {
                            c.recent.append(from: mint, to: maxt, into: &out.timestamps, &out.values)
                            out.closeSeries(c.labels)
                            return
                        }
                        c.ts.withUnsafeBufferPointer { t in
                            c.vs.withUnsafeBufferPointer { v in
                                let (lo, hi) = Self.window(t, mint, maxt)
                                if lo >= hi { return }
                                out.timestamps.append(contentsOf: UnsafeBufferPointer(rebasing: t[lo..<hi]))
                                out.values.append(contentsOf: UnsafeBufferPointer(rebasing: v[lo..<hi]))
                            }
                        }
                        out.closeSeries(c.labels)
                    }
                }
            }
            return out
        }
    }

    /// The series a select looks at, sorted by labels, and the matchers left to check.
    private static func candidates(_ s: inout State, _ matchers: [LabelMatcher]) -> ([Series], [LabelMatcher]) {
        var rest = matchers
        if let i = matchers.firstIndex(where: { $0.name == Labels.metricName && $0.kind == .equal }) {
            let m = matchers[i]
            rest.remove(at: i)
            if s.unsortedNames.remove(m.value) != nil {
                s.byName[m.value]!.sort { $0.labels < $1.labels }
            }
            return (s.byName[m.value] ?? [], rest)
        }
        if s.sorted == nil { s.sorted = s.series.values.sorted { $0.labels < $1.labels } }
        return (s.sorted!, rest)
    }

    /// The indices of `t`'s samples in `mint...maxt`. Searched from the end: queries read
    /// the newest samples, and probing there stays within the memory they read.
    private static func window(_ t: UnsafeBufferPointer<Int64>, _ mint: Int64, _ maxt: Int64) -> (Int, Int) {
        let hi = boundFromEnd(t, t.count) { $0 <= maxt }
        return (boundFromEnd(t, hi) { $0 < mint }, hi)
    }

    /// The first index in `0..<end` whose element is not `before`, for a `before` that holds
    /// for a prefix: a galloping search back from `end`, then a binary search.
    private static func boundFromEnd(_ t: UnsafeBufferPointer<Int64>, _ end: Int, _ before: (Int64) -> Bool) -> Int {
        var hi = end, step = 1, lo = 0
        while hi > 0 {
            let probe = Swift.max(hi - step, 0)
            if before(t[probe]) { lo = probe + 1; break }
            hi = probe
            step &*= 2
        }
        while lo < hi { let m = (lo + hi) >> 1; if before(t[m]) { lo = m + 1 } else { hi = m } }
        return lo
    }
}

@inlinable func lowerBound(_ a: [Int64], _ t: Int64) -> Int {
    var lo = 0, hi = a.count
    while lo < hi { let m = (lo + hi) >> 1; if a[m] < t { lo = m + 1 } else { hi = m } }
    return lo
}

@inlinable func upperBound(_ a: [Int64], _ t: Int64) -> Int {
    var lo = 0, hi = a.count
    while lo < hi { let m = (lo + hi) >> 1; if a[m] <= t { lo = m + 1 } else { hi = m } }
    return lo
}

final class MemoryAppender: Appender {
    let store: MemoryStore
    var pending: [(Labels, Int64, Double)] = []
    init(store: MemoryStore) { self.store = store }
    func append(_ labels: Labels, _ t: Int64, _ v: Double) throws { pending.append((labels, t, v)) }
    func commit() throws {
        for (l, t, v) in pending { store.add(l, t, v) }
        pending = []
    }
    func rollback() { pending = [] }
}

struct MemoryQuerier: Querier {
    let store: MemoryStore
    func select(_ matchers: [LabelMatcher], mint: Int64, maxt: Int64) throws -> [SeriesSamples] {
        store.select(matchers, mint: mint, maxt: maxt)
    }
    func selectColumns(_ matchers: [LabelMatcher], mint: Int64, maxt: Int64) throws -> SeriesColumns {
        store.selectColumns(matchers, mint: mint, maxt: maxt)
    }
    func labelNames(_ matchers: [LabelMatcher]) throws -> [String] {
        let all = store.select(matchers, mint: .min, maxt: .max)
        return Array(Set(all.flatMap { $0.labels.pairs.map(\.name) })).sorted { $0.utf8Precedes($1) }
    }
    func labelValues(_ name: String, _ matchers: [LabelMatcher]) throws -> [String] {
        let all = store.select(matchers, mint: .min, maxt: .max)
        return Array(Set(all.compactMap { $0.labels[name] })).sorted { $0.utf8Precedes($1) }
    }
}

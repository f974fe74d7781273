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
        init(labels: Labels) { self.labels = labels }

        func insert(_ t: Int64, _ v: Double) {
            if let last = ts.last, t <= last {
                var lo = 0, hi = ts.count
                while lo < hi { let m = (lo + hi) / 2; if ts[m] < t { lo = m + 1 } else { hi = m } }
                if lo < ts.count, ts[lo] == t { vs[lo] = v; return }
                ts.insert(t, at: lo)
                vs.insert(v, at: lo)
            } else {
                ts.append(t)
                vs.append(v)
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
            var candidates: [Series]
            var rest = matchers
            if let i = matchers.firstIndex(where: { $0.name == Labels.metricName && $0.kind == .equal }) {
                let m = matchers[i]
                rest.remove(at: i)
                if s.unsortedNames.remove(m.value) != nil {
                    s.byName[m.value]!.sort { $0.labels < $1.labels }
                }
                candidates = s.byName[m.value] ?? []
            } else {
                if s.sorted == nil { s.sorted = s.series.values.sorted { $0.labels < $1.labels } }
                candidates = s.sorted!
            }
            var out: [SeriesSamples] = []
            out.reserveCapacity(candidates.count)
            for c in candidates where rest.isEmpty || rest.matches(c.labels) {
                let lo = lowerBound(c.ts, mint), hi = upperBound(c.ts, maxt)
                if lo >= hi { continue }
                out.append(SeriesSamples(labels: c.labels, timestamps: c.ts[lo..<hi], values: c.vs[lo..<hi]))
            }
            return out
        }
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
    func labelNames(_ matchers: [LabelMatcher]) throws -> [String] {
        let all = store.select(matchers, mint: .min, maxt: .max)
        return Array(Set(all.flatMap { $0.labels.pairs.map(\.name) })).sorted { $0.utf8Precedes($1) }
    }
    func labelValues(_ name: String, _ matchers: [LabelMatcher]) throws -> [String] {
        let all = store.select(matchers, mint: .min, maxt: .max)
        return Array(Set(all.compactMap { $0.labels[name] })).sorted { $0.utf8Precedes($1) }
    }
}

import Foundation
import Model

/// One query's evaluation: selector data fetched once for the whole query, then
/// the expression evaluated step by step.
final class Evaluator {
    let start: Int64
    let end: Int64
    let options: EngineOptions
    let deadline: ContinuousClock.Instant
    /// Samples fetched per selector, for the union of every window the query needs; filled
    /// on first use, so a selector under a cached subexpression is never read.
    var fetched: [VectorSelector: [SeriesSamples]] = [:]
    /// The windows each selector reads (position zeroed), sorted and disjoint: windows far
    /// apart (`x[1h]` and `x offset 1d`) are read separately instead of as one long union.
    var windows: [VectorSelector: [(Int64, Int64)]] = [:]
    var querier: (any Querier)?
    var loaded = 0
    var samplesHeld = 0
    var checks = 0
    /// Shared subexpression results; nil when the query uses `@` (values then depend on the
    /// query's start and end).
    let cache: SubexpressionCache?
    /// > 0 while evaluating a subquery's steps: its inner nodes are not cached one by one
    /// (the subquery's whole result is).
    var subqueryDepth = 0
    /// Series → group mappings of streamed aggregations, reused across subquery steps.
    var groupPlans: [GroupPlanKey: GroupPlan] = [:]
    /// Subquery steps kept from earlier evaluations (the cache's), when the store can tell
    /// which of them are unchanged.
    let stepMemo: SubqueryStepMemo?
    /// Groupings kept from earlier evaluations (the cache's).
    let plans: GroupPlanMemo?
    /// Steps the memo answered, taken while the windows were worked out so that the selectors
    /// skip their data: subquery text → step time → value.
    var keptSteps: [String: [Int64: QueryValue]] = [:]
    /// Selector reads kept from earlier evaluations (the cache's), the store they read, and the
    /// store's append mark and epoch taken before this query's first read; nil when the store
    /// does not track appends.
    let windowMemo: (memo: SelectorWindowMemo, store: any Queryable, mark: UInt64, epoch: UInt64)?

    init(expr: Expr, start: Int64, end: Int64, interval: Int64, options: EngineOptions, store: any Queryable,
         cache: SubexpressionCache? = nil) throws {
        self.start = start
        self.end = end
        self.options = options
        self.deadline = ContinuousClock.now + options.timeout
        // A range query gets no cache of its own: its steps never share a time, and keeping
        // every step's intermediate vectors would only cost memory.
        if SubexpressionCache.usesAt(expr) || (cache == nil && interval > 0) { self.cache = nil } else {
            self.cache = cache ?? SubexpressionCache()
        }
        // Before the querier is made: the memo's mark must precede every read.
        if let memo = self.cache?.steps, memo.prepare(store, options: options) { stepMemo = memo } else { stepMemo = nil }
        plans = self.cache?.plans
        if let memo = self.cache?.windows, let mark = store.appendMark() {
            windowMemo = (memo, store, mark, store.settledHorizon.epoch)
        } else {
            windowMemo = nil
        }
        collectWindows(expr, minT: start, maxT: end, into: &windows)
        guard !windows.isEmpty else { return }
        let mint = windows.values.map { $0[0].0 }.min()!, maxt = windows.values.map { $0[$0.count - 1].1 }.max()!
        querier = try store.querier(mint: mint, maxt: maxt)
    }

    // MARK: Windows

    func resolve(_ at: AtModifier?) -> Int64? {
        switch at {
        case .none: return nil
        case .timestamp(let t): return t
        case .start: return start
        case .end: return end
        }
    }

    /// Every sample time range a selector can read while the node is evaluated at times in minT...maxT.
    /// With `takingKept`, a subquery evaluated at one time takes the steps the memo holds and
    /// its selectors' windows start at the first step left to compute.
    func collectWindows(_ e: Expr, minT: Int64, maxT: Int64, into w: inout [VectorSelector: [(Int64, Int64)]],
                        takingKept: Bool = true) {
        func add(_ vs: VectorSelector, range: Int64?) {
            var lo = minT, hi = maxT
            if let a = resolve(vs.at) { lo = a; hi = a }
            lo = lo - vs.offset - (range ?? options.lookbackDelta)
            hi = hi - vs.offset
            var key = vs
            key.position = PositionRange(0, 0)
            w[key] = Self.adding((lo, hi), to: w[key] ?? [])
        }
        switch e {
        case .number, .string: return
        case .vectorSelector(let vs): add(vs, range: nil)
        case .matrixSelector(let ms): add(ms.selector, range: ms.range)
        case .subquery(let sq):
            var lo = minT, hi = maxT
            if let a = resolve(sq.at) { lo = a; hi = a }
            var from = lo - sq.offset - sq.range
            if takingKept, minT == maxT, sq.at == nil, stepMemo != nil, let next = takeKeptSteps(sq, at: minT) {
                from = next
            }
            collectWindows(sq.expr, minT: from, maxT: hi - sq.offset, into: &w, takingKept: false)
        case .paren(let x, _), .unary(_, let x, _): collectWindows(x, minT: minT, maxT: maxT, into: &w, takingKept: takingKept)
        case .binary(let b):
            collectWindows(b.lhs, minT: minT, maxT: maxT, into: &w, takingKept: takingKept)
            collectWindows(b.rhs, minT: minT, maxT: maxT, into: &w, takingKept: takingKept)
        case .aggregate(let a):
            collectWindows(a.expr, minT: minT, maxT: maxT, into: &w, takingKept: takingKept)
            if let p = a.param { collectWindows(p, minT: minT, maxT: maxT, into: &w, takingKept: takingKept) }
        case .call(let c):
            for a in c.args { collectWindows(a, minT: minT, maxT: maxT, into: &w, takingKept: takingKept) }
        }
    }

    /// The first step of `sq`'s range at or after `lo`.
    func firstStep(_ lo: Int64, _ step: Int64) -> Int64 {
        var first = (lo / step) * step
        if first < lo { first += step }
        return first
    }

    /// How far past its evaluation time `e` reads samples (a negative offset reads ahead).
    func readReach(_ e: Expr) -> Int64 {
        var w: [VectorSelector: [(Int64, Int64)]] = [:]
        collectWindows(e, minT: 0, maxT: 0, into: &w, takingKept: false)
        return w.values.map { $0[$0.count - 1].1 }.max() ?? 0
    }

    /// Takes the leading steps of `sq` at `t` that the memo holds; returns the first step left
    /// to compute, or nil if none was taken.
    func takeKeptSteps(_ sq: SubqueryExpr, at t: Int64) -> Int64? {
        guard let memo = stepMemo else { return nil }
        let step = sq.step ?? options.defaultSubqueryStep
        let ref = t - sq.offset
        let text = sq.expr.description
        let first = firstStep(ref - sq.range, step)
        var ts = first
        var taken = keptSteps[text] ?? [:]
        while ts <= ref {
            if taken[ts] == nil {
                guard let v = memo.lookup(SubqueryStepMemo.Key(text: text, t: ts)) else { break }
                taken[ts] = v
            }
            ts += step
        }
        if ts == first { return nil }
        keptSteps[text] = taken
        return ts
    }

    func data(for vs: VectorSelector) throws -> [SeriesSamples] {
        var key = vs
        key.position = PositionRange(0, 0)
        if let s = fetched[key] { return s }
        guard let ws = windows[key], let q = querier else { return [] }
        // Another query of the group may have read the same selector over the same windows.
        let shared = cache.map { _ in SubexpressionCache.SelectionKey(matchers: key.matchers, windows: ws.flatMap { [$0.0, $0.1] }) }
        var s: [SeriesSamples]
        if let cache, let shared, let hit = cache.selection(shared) { s = hit } else {
            s = try read(key.matchers, ws, 0, from: q)
            for i in ws.indices.dropFirst() { s = Self.appending(try read(key.matchers, ws, i, from: q), to: s) }
            if let cache, let shared { cache.keep(shared, s, reads: SubexpressionCache.metricNames(.vectorSelector(key))) }
        }
        for x in s { loaded += x.count }
        if loaded > options.maxSamples { throw EvalError.tooManySamples }
        fetched[key] = s
        return s
    }

    /// The selector's series in window `i` of `ws`, through the window memo when there is one.
    private func read(_ matchers: [LabelMatcher], _ ws: [(Int64, Int64)], _ i: Int, from q: any Querier) throws -> [SeriesSamples] {
        let (mint, maxt) = ws[i]
        // Every step of a subquery was kept: its selector has nothing left to read.
        if mint > maxt { return [] }
        guard let windowMemo else { return try q.select(matchers, mint: mint, maxt: maxt) }
        let key = SelectorWindowMemo.Key(matchers: matchers, offset: end &- maxt, span: maxt &- mint)
        return try windowMemo.memo.read(key, mint: mint, maxt: maxt, store: windowMemo.store,
                                        mark: windowMemo.mark, epoch: windowMemo.epoch) { lo, hi in
            try q.selectColumns(matchers, mint: lo, maxt: hi)
        }.series
    }

    /// `windows` with `w` added: windows that overlap, or whose gap is shorter than the two
    /// together, become one (reading the gap costs less than a second select).
    static func adding(_ w: (Int64, Int64), to windows: [(Int64, Int64)]) -> [(Int64, Int64)] {
        var all = windows + [w]
        all.sort { $0.0 < $1.0 }
        var out: [(Int64, Int64)] = []
        for x in all {
            if let last = out.last, x.0 - last.1 <= (last.1 - last.0) + (x.1 - x.0) {
                out[out.count - 1].1 = max(last.1, x.1)
            } else {
                out.append(x)
            }
        }
        return out
    }

    /// Series of a later, disjoint window joined to those of an earlier one; both are sorted
    /// by labels, and a series in both gets the later samples after the earlier.
    static func appending(_ later: [SeriesSamples], to earlier: [SeriesSamples]) -> [SeriesSamples] {
        if later.isEmpty { return earlier }
        if earlier.isEmpty { return later }
        var out: [SeriesSamples] = []
        out.reserveCapacity(max(earlier.count, later.count))
        var i = 0, j = 0
        while i < earlier.count || j < later.count {
            if j == later.count || (i < earlier.count && earlier[i].labels < later[j].labels) {
                out.append(earlier[i]); i += 1
            } else if i == earlier.count || later[j].labels < earlier[i].labels {
                out.append(later[j]); j += 1
            } else {
                out.append(SeriesSamples(labels: earlier[i].labels,
                                         timestamps: (Array(earlier[i].timestamps) + later[j].timestamps)[...],
                                         values: (Array(earlier[i].values) + later[j].values)[...]))
                i += 1; j += 1
            }
        }
        return out
    }

    /// `body`'s result for `e` at `t`, from the cache when an equal subexpression was
    /// evaluated at `t` before.
    func cached(_ e: Expr, _ t: Int64, _ body: () throws -> SubexpressionCache.Value) throws -> SubexpressionCache.Value {
        guard let cache, subqueryDepth == 0 else { return try body() }
        let key = SubexpressionCache.Key(text: e.description, t: t)
        if let v = cache.lookup(key) { return v }
        let v = try body()
        cache.store(key, v, reads: SubexpressionCache.metricNames(e))
        return v
    }

    // MARK: Limits

    func checkDeadline() throws {
        checks &+= 1
        if checks & 1023 == 0, ContinuousClock.now > deadline { throw EvalError.timeout }
    }

    func countSamples(_ n: Int) throws {
        if n > options.maxSamples { throw EvalError.tooManySamples }
    }

    // MARK: Evaluation

    func evalTop(_ e: Expr, _ t: Int64) throws -> QueryValue {
        if ContinuousClock.now > deadline { throw EvalError.timeout }
        return try eval(e, t)
    }

    func eval(_ e: Expr, _ t: Int64) throws -> QueryValue {
        switch e {
        case .number(let v, _): return .scalar(t: t, v: v)
        case .string(let s, _): return .string(t: t, v: s)
        case .paren(let x, _): return try eval(x, t)
        case .vectorSelector(let vs): return .vector(try selectVector(vs, t))
        case .matrixSelector, .subquery:
            let rs = try rangeArgument(e, t)
            return .matrix(rs.map { r in
                Series(labels: r.labels, points: zip(r.ts, r.vs).map { Sample(t: $0, v: $1) })
            })
        case .unary(let op, let x, _):
            let v = try eval(x, t)
            if op == .add { return v }
            switch v {
            case .scalar(let t, let x): return .scalar(t: t, v: -x)
            case .vector(let vec):
                let out = vec.map { VectorSample(labels: $0.labels.withoutMetricName(), t: t, v: -$0.v) }
                try checkDuplicates(out)
                return .vector(out)
            default: throw EvalError("unary expression only allowed on scalar or instant vector")
            }
        case .binary(let b): return try evalBinary(b, t)
        case .aggregate(let a):
            guard case .value(let v) = try cached(e, t, { .value(.vector(try evalAggregate(a, t))) }) else { preconditionFailure() }
            return v
        case .call(let c):
            if c.args.isEmpty { return try evalCall(c, t) }
            guard case .value(let v) = try cached(e, t, { .value(try evalCall(c, t)) }) else { preconditionFailure() }
            return v
        }
    }

    func evalVector(_ e: Expr, _ t: Int64) throws -> [VectorSample] {
        guard case .vector(let v) = try eval(e, t) else { throw EvalError("expected instant vector") }
        return v
    }

    func evalScalar(_ e: Expr, _ t: Int64) throws -> Double {
        guard case .scalar(_, let v) = try eval(e, t) else { throw EvalError("expected scalar") }
        return v
    }

    func evalString(_ e: Expr, _ t: Int64) throws -> String {
        guard case .string(_, let v) = try eval(e, t) else { throw EvalError("expected string") }
        return v
    }

    /// The newest sample at or before the reference time, within the lookback delta, unless stale.
    func selectVector(_ vs: VectorSelector, _ t: Int64) throws -> [VectorSample] {
        let ref = (resolve(vs.at) ?? t) - vs.offset
        let lo = ref - options.lookbackDelta
        var out: [VectorSample] = []
        for s in try data(for: vs) {
            let i = upperBound(s.timestamps, ref) - 1
            guard i >= s.timestamps.startIndex else { continue }
            let ts = s.timestamps[i]
            guard ts >= lo else { continue }
            let v = s.values[i]
            if StaleNaN.isStale(v) { continue }
            out.append(VectorSample(labels: s.labels, t: ts, v: v))
        }
        try countSamples(out.count)
        return out
    }

    /// The windows of a matrix selector or subquery at `t`, stale markers removed.
    func rangeArgument(_ e: Expr, _ t: Int64) throws -> [RangeSeries] {
        switch e.unwrapped {
        case .matrixSelector(let ms):
            let ref = (resolve(ms.selector.at) ?? t) - ms.selector.offset
            let lo = ref - ms.range
            var out: [RangeSeries] = []
            var held = 0
            for s in try data(for: ms.selector) {
                try checkDeadline()
                let a = lowerBound(s.timestamps, lo), b = upperBound(s.timestamps, ref)
                if a >= b { continue }
                var ts = s.timestamps[a..<b], vs = s.values[a..<b]
                if vs.contains(where: { StaleNaN.isStale($0) }) {
                    var nt: [Int64] = [], nv: [Double] = []
                    for (x, y) in zip(ts, vs) where !StaleNaN.isStale(y) { nt.append(x); nv.append(y) }
                    if nt.isEmpty { continue }
                    ts = nt[...]; vs = nv[...]
                }
                held += ts.count
                out.append(RangeSeries(labels: s.labels, ts: ts, vs: vs))
            }
            try countSamples(held)
            return out
        case .subquery(let sq):
            guard case .range(let r) = try cached(e.unwrapped, t, { .range(try evalSubquery(sq, t)) }) else { preconditionFailure() }
            return r
        default:
            throw EvalError("expected range vector")
        }
    }

    func evalSubquery(_ sq: SubqueryExpr, _ t: Int64) throws -> [RangeSeries] {
        let step = sq.step ?? options.defaultSubqueryStep
        let ref = (resolve(sq.at) ?? t) - sq.offset
        let first = firstStep(ref - sq.range, step)
        // Outermost subqueries only: their steps are the ones the windows were narrowed for.
        let memo = subqueryDepth == 0 && sq.at == nil ? stepMemo : nil
        let text = memo == nil ? "" : sq.expr.description
        let reach = memo == nil ? 0 : readReach(sq.expr)
        let taken = memo == nil ? [:] : keptSteps[text] ?? [:]
        var index: [Labels: Int] = [:]
        var series: [(Labels, [Int64], [Double])] = []
        var held = 0
        var ts = first
        subqueryDepth += 1
        defer { subqueryDepth -= 1 }
        while ts <= ref {
            try checkDeadline()
            let value: QueryValue
            if let v = taken[ts] { value = v } else {
                value = try eval(sq.expr, ts)
                if let memo { memo.store(SubqueryStepMemo.Key(text: text, t: ts), value, readsUntil: ts + reach) }
            }
            switch value {
            case .vector(let vec):
                for s in vec where !StaleNaN.isStale(s.v) {
                    if let i = index[s.labels] { series[i].1.append(ts); series[i].2.append(s.v) } else {
                        index[s.labels] = series.count
                        series.append((s.labels, [ts], [s.v]))
                    }
                }
                held += vec.count
            case .scalar(_, let v):
                if let i = index[.empty] { series[i].1.append(ts); series[i].2.append(v) } else {
                    index[.empty] = series.count
                    series.append((.empty, [ts], [v]))
                }
                held += 1
            default: throw EvalError("subquery is only allowed on instant vector")
            }
            try countSamples(held)
            ts += step
        }
        return series.sorted { $0.0 < $1.0 }.map { RangeSeries(labels: $0.0, ts: $0.1[...], vs: $0.2[...]) }
    }

    /// "vector cannot contain metrics with the same labelset": fingerprints first, full
    /// comparison only when two fingerprints collide.
    func checkDuplicates(_ v: [VectorSample]) throws {
        if v.count < 2 { return }
        var seen: [UInt64: Int] = [:]
        seen.reserveCapacity(v.count)
        var collided: [UInt64: [Int]] = [:]
        for (i, s) in v.enumerated() {
            let h = s.labels.fingerprint
            if let j = seen[h] {
                if v[j].labels == s.labels { throw EvalError.sameLabelset }
                for k in collided[h, default: []] where v[k].labels == s.labels { throw EvalError.sameLabelset }
                collided[h, default: []].append(i)
            } else {
                seen[h] = i
            }
        }
    }
}

@inline(__always) func upperBound(_ a: ArraySlice<Int64>, _ t: Int64) -> Int {
    var lo = a.startIndex, hi = a.endIndex
    while lo < hi { let m = (lo + hi) >> 1; if a[m] <= t { lo = m + 1 } else { hi = m } }
    return lo
}

@inline(__always) func lowerBound(_ a: ArraySlice<Int64>, _ t: Int64) -> Int {
    var lo = a.startIndex, hi = a.endIndex
    while lo < hi { let m = (lo + hi) >> 1; if a[m] < t { lo = m + 1 } else { hi = m } }
    return lo
}

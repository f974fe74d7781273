import Foundation
import Model

extension Evaluator {
    func evalCall(_ c: Call, _ t: Int64) throws -> QueryValue {
        let name = c.function.name
        if RangeFunctions.names.contains(name) {
            return .vector(try evalRangeFunction(c, t))
        }
        switch name {
        case "time": return .scalar(t: t, v: Double(t) / 1000)
        case "vector":
            return .vector([VectorSample(labels: .empty, t: t, v: try evalScalar(c.args[0], t))])
        case "scalar":
            let v = try evalVector(c.args[0], t)
            return .scalar(t: t, v: v.count == 1 ? v[0].v : .nan)
        case "absent":
            if try !evalVector(c.args[0], t).isEmpty { return .vector([]) }
            return .vector([VectorSample(labels: absentLabels(c.args[0]), t: t, v: 1)])
        case "timestamp":
            let arg = c.args[0].unwrapped
            let v = try evalVector(arg, t)
            var isSelector = false
            if case .vectorSelector = arg { isSelector = true }
            let out = v.map { VectorSample(labels: $0.labels.withoutMetricName(), t: t, v: Double(isSelector ? $0.t : t) / 1000) }
            try checkDuplicates(out)
            return .vector(out)
        case "sort", "sort_desc":
            let desc = name == "sort_desc"
            let v = try evalVector(c.args[0], t)
            return .vector(v.sorted { a, b in
                if a.v.isNaN { return false }
                if b.v.isNaN { return true }
                return desc ? a.v > b.v : a.v < b.v
            })
        case "label_replace": return .vector(try labelReplace(c, t))
        case "label_join": return .vector(try labelJoin(c, t))
        case "histogram_quantile":
            let q = try evalScalar(c.args[0], t)
            let input = try evalVector(c.args[1], t)
            let out: [VectorSample]
            if let plans {
                // The buckets come from the same aggregation every evaluation, usually with the
                // very same label sets: their grouping is kept.
                let key = "histogram \(c.args[1])"
                let plan: HistogramPlan
                if let p: HistogramPlan = plans.plan(key, for: input.count, { input[$0].labels }) { plan = p } else {
                    plan = HistogramQuantile.plan(input)
                    plans.keep(key, inputs: input.map(\.labels), plan: plan)
                }
                out = HistogramQuantile.evaluate(q, input, plan, at: t)
            } else {
                out = HistogramQuantile.evaluate(q, input, at: t)
            }
            try checkDuplicates(out)
            return .vector(out)
        case "round":
            let to = c.args.count > 1 ? try evalScalar(c.args[1], t) : 1
            let inv = 1 / to
            return try mapValues(c, t) { ($0 * inv + 0.5).rounded(.down) / inv }
        case "clamp":
            let lo = try evalScalar(c.args[1], t), hi = try evalScalar(c.args[2], t)
            if hi < lo { return .vector([]) }
            return try mapValues(c, t) { goMax(lo, goMin(hi, $0)) }
        case "clamp_min":
            let m = try evalScalar(c.args[1], t)
            return try mapValues(c, t) { goMax(m, $0) }
        case "clamp_max":
            let m = try evalScalar(c.args[1], t)
            return try mapValues(c, t) { goMin(m, $0) }
        case "abs": return try mapValues(c, t) { Swift.abs($0) }
        case "ceil": return try mapValues(c, t) { Foundation.ceil($0) }
        case "floor": return try mapValues(c, t) { Foundation.floor($0) }
        case "exp": return try mapValues(c, t) { Foundation.exp($0) }
        case "sqrt": return try mapValues(c, t) { $0.squareRoot() }
        case "ln": return try mapValues(c, t) { Foundation.log($0) }
        case "log2": return try mapValues(c, t) { Foundation.log2($0) }
        case "log10": return try mapValues(c, t) { Foundation.log10($0) }
        case "sgn": return try mapValues(c, t) { $0 > 0 ? 1 : $0 < 0 ? -1 : $0 }
        case "minute", "hour", "day_of_week", "day_of_month", "day_of_year", "days_in_month", "month", "year":
            let f = DateFunctions.table[name]!
            if c.args.isEmpty {
                return .vector([VectorSample(labels: .empty, t: t, v: f(Double(t) / 1000))])
            }
            return try mapValues(c, t, f)
        default:
            throw EvalError("function \(goQuote(name)) is not implemented")
        }
    }

    /// Applies `f` to each element of the first argument, dropping the metric name.
    func mapValues(_ c: Call, _ t: Int64, _ f: (Double) -> Double) throws -> QueryValue {
        let v = try evalVector(c.args[0], t)
        var out: [VectorSample] = []
        out.reserveCapacity(v.count)
        for s in v { out.append(VectorSample(labels: s.labels.withoutMetricName(), t: t, v: f(s.v))) }
        try checkDuplicates(out)
        return .vector(out)
    }

    func evalRangeFunction(_ c: Call, _ t: Int64) throws -> [VectorSample] {
        let kind = RangeFunctions.Kind(rawValue: c.function.name)!
        var scalarArg = 0.0
        var matrixArg: Expr = c.args[0]
        switch kind {
        case .quantileOverTime: scalarArg = try evalScalar(c.args[0], t); matrixArg = c.args[1]
        case .predictLinear: scalarArg = try evalScalar(c.args[1], t)
        default: break
        }
        let arg = matrixArg.unwrapped
        var range: Int64 = 0, ref = t
        switch arg {
        case .matrixSelector(let ms):
            range = ms.range
            ref = (resolve(ms.selector.at) ?? t) - ms.selector.offset
        case .subquery(let sq):
            range = sq.range
            ref = (resolve(sq.at) ?? t) - sq.offset
        default: break
        }
        let ctx = RangeFunctions.Context(evalTime: t, rangeStart: ref - range, rangeEnd: ref, range: range, scalar: scalarArg)
        let keepName = kind == .lastOverTime
        var out: [VectorSample] = []

        if case .matrixSelector(let ms) = arg, kind != .absentOverTime {
            let series = try data(for: ms.selector)
            out.reserveCapacity(series.count)
            try streamWindows(ms, kind, ctx, t) { i, v in
                out.append(VectorSample(labels: keepName ? series[i].labels : series[i].labels.withoutMetricName(), t: t, v: v))
            }
            // Series of one metric name stay distinct once the name is dropped.
            if !keepName && !ms.selector.hasMetricNameEquality { try checkDuplicates(out) }
            return out
        }

        let windows = try rangeArgument(matrixArg, t)
        if kind == .absentOverTime {
            if !windows.isEmpty { return [] }
            var labels = Labels.empty
            if case .matrixSelector = arg { labels = absentLabels(matrixArg) }
            return [VectorSample(labels: labels, t: t, v: 1)]
        }
        out.reserveCapacity(windows.count)
        for w in windows {
            let value = w.ts.withUnsafeBufferPointer { t in w.vs.withUnsafeBufferPointer { v in RangeFunctions.apply(kind, t, v, ctx) } }
            if let v = value {
                out.append(VectorSample(labels: keepName ? w.labels : w.labels.withoutMetricName(), t: t, v: v))
            }
        }
        try checkDuplicates(out)
        return out
    }

    /// The hot path of range functions: windows straight from the fetched arrays, results
    /// handed to `body` (with the series' index in `data(for:)`) without an intermediate vector.
    func streamWindows(_ ms: MatrixSelector, _ kind: RangeFunctions.Kind, _ ctx: RangeFunctions.Context,
                       _ t: Int64, _ body: (Int, Double) -> Void) throws {
        var held = 0
        let series = try data(for: ms.selector)
        try series.withUnsafeBufferPointer { all in
            for i in all.indices {
                try checkDeadline()
                let a = lowerBound(all[i].timestamps, ctx.rangeStart), b = upperBound(all[i].timestamps, ctx.rangeEnd)
                if a >= b { continue }
                let value: Double? = all[i].timestamps.withUnsafeBufferPointer { tsAll in
                    all[i].values.withUnsafeBufferPointer { vsAll in
                        let base = all[i].timestamps.startIndex
                        let ts = UnsafeBufferPointer(rebasing: tsAll[(a - base)..<(b - base)])
                        let vs = UnsafeBufferPointer(rebasing: vsAll[(a - base)..<(b - base)])
                        if !vs.contains(where: { StaleNaN.isStale($0) }) {
                            held += ts.count
                            return RangeFunctions.apply(kind, ts, vs, ctx)
                        }
                        var nt: [Int64] = [], nv: [Double] = []
                        for (x, y) in zip(ts, vs) where !StaleNaN.isStale(y) { nt.append(x); nv.append(y) }
                        if nt.isEmpty { return nil }
                        held += nt.count
                        return nt.withUnsafeBufferPointer { t in nv.withUnsafeBufferPointer { v in RangeFunctions.apply(kind, t, v, ctx) } }
                    }
                }
                if let v = value { body(i, v) }
            }
        }
        try countSamples(held)
    }

    /// A call whose results can be streamed into an aggregation: a range function over a
    /// selector of one metric name (so dropping the name cannot make duplicates).
    func streamableRangeCall(_ e: Expr, _ t: Int64) throws -> (MatrixSelector, RangeFunctions.Kind, RangeFunctions.Context)? {
        guard case .call(let c) = e.unwrapped, let kind = RangeFunctions.Kind(rawValue: c.function.name),
              kind != .absentOverTime, kind != .quantileOverTime, kind != .predictLinear,
              case .matrixSelector(let ms) = c.args[0].unwrapped, ms.selector.hasMetricNameEquality || kind == .lastOverTime
        else { return nil }
        let ref = (resolve(ms.selector.at) ?? t) - ms.selector.offset
        return (ms, kind, RangeFunctions.Context(evalTime: t, rangeStart: ref - ms.range, rangeEnd: ref, range: ms.range, scalar: 0))
    }

    /// `absent`'s labels: the `=` matchers of a selector argument, except on `__name__`.
    func absentLabels(_ e: Expr) -> Labels {
        let matchers: [LabelMatcher]
        switch e.unwrapped {
        case .vectorSelector(let vs): matchers = vs.matchers
        case .matrixSelector(let ms): matchers = ms.selector.matchers
        default: return .empty
        }
        var b = LabelsBuilder()
        var has = Set<String>()
        for m in matchers where m.name != Labels.metricName {
            if m.kind == .equal, !has.contains(m.name) {
                b.set(m.name, m.value)
                has.insert(m.name)
            } else {
                b.delete(m.name)
            }
        }
        return b.labels
    }

    func labelReplace(_ c: Call, _ t: Int64) throws -> [VectorSample] {
        let dst = try evalString(c.args[1], t), repl = try evalString(c.args[2], t)
        let src = try evalString(c.args[3], t), re = try evalString(c.args[4], t)
        let regex: AnchoredRegex
        do { regex = try AnchoredRegex(re) } catch { throw EvalError("invalid regular expression in label_replace(): \(re)") }
        if !dst.isValidLabelName { throw EvalError("invalid destination label name in label_replace(): \(dst)") }
        let v = try evalVector(c.args[0], t)
        var out: [VectorSample] = []
        for s in v {
            var s2 = s
            s2.t = t
            if let (groups, names) = regex.captures(s.labels.get(src)) {
                let res = RegexTemplate.expand(repl, groups: groups, names: names)
                var b = LabelsBuilder(s.labels)
                b.set(dst, res)
                s2.labels = b.labels
            }
            out.append(s2)
        }
        try checkDuplicates(out)
        return out
    }

    func labelJoin(_ c: Call, _ t: Int64) throws -> [VectorSample] {
        let dst = try evalString(c.args[1], t), sep = try evalString(c.args[2], t)
        var srcs: [String] = []
        for a in c.args.dropFirst(3) {
            let s = try evalString(a, t)
            if !s.isValidLabelName { throw EvalError("invalid source label name in label_join(): \(s)") }
            srcs.append(s)
        }
        if !dst.isValidLabelName { throw EvalError("invalid destination label name in label_join(): \(dst)") }
        let v = try evalVector(c.args[0], t)
        var out: [VectorSample] = []
        for s in v {
            var b = LabelsBuilder(s.labels)
            b.set(dst, srcs.map { s.labels.get($0) }.joined(separator: sep))
            out.append(VectorSample(labels: b.labels, t: t, v: s.v))
        }
        try checkDuplicates(out)
        return out
    }
}

/// Go's `math.Max`: +Inf wins even against NaN; then NaN; +0 beats -0.
func goMax(_ x: Double, _ y: Double) -> Double {
    if x == .infinity || y == .infinity { return .infinity }
    if x.isNaN || y.isNaN { return .nan }
    if x == 0 && y == 0 { return x.sign == .minus ? y : x }
    return x > y ? x : y
}

/// Go's `math.Min`: -Inf wins even against NaN; then NaN; -0 beats +0.
func goMin(_ x: Double, _ y: Double) -> Double {
    if x == -.infinity || y == -.infinity { return -.infinity }
    if x.isNaN || y.isNaN { return .nan }
    if x == 0 && y == 0 { return x.sign == .minus ? x : y }
    return x < y ? x : y
}


import Foundation
import Model

/// Settings that change query results or limits.
public struct EngineOptions: Sendable {
    /// How far back an instant selector looks for a sample (`--query.lookback-delta`).
    public var lookbackDelta: Int64 = 5 * 60_000
    /// Step of `[range:]` subqueries: the global evaluation interval.
    public var defaultSubqueryStep: Int64 = 60_000
    /// Samples a query may hold at once (`--query.max-samples`).
    public var maxSamples = 50_000_000
    /// Wall-clock limit per query (`--query.timeout`).
    public var timeout: Duration = .seconds(120)

    public init() {}
}

/// Evaluates PromQL over any `Queryable`, with Prometheus 2.42 semantics.
public struct Engine: Sendable {
    public var options: EngineOptions

    public init(options: EngineOptions = EngineOptions()) {
        self.options = options
    }

    /// An instant query at `t` (ms). A range-vector result is returned as a matrix.
    public func instantQuery(_ expr: Expr, at t: Int64, on store: any Queryable) throws -> QueryValue {
        try instantQuery(expr, at: t, on: store, sharing: nil)
    }

    /// An instant query that reuses, and adds to, the subexpression results in `cache`
    /// (see `SubexpressionCache` for when that is exact).
    public func instantQuery(_ expr: Expr, at t: Int64, on store: any Queryable, sharing cache: SubexpressionCache?) throws -> QueryValue {
        let ev = try Evaluator(expr: expr, start: t, end: t, interval: 0, options: options, store: store, cache: cache)
        return try ev.evalTop(expr, t)
    }

    public func instantQuery(_ query: String, at t: Int64, on store: any Queryable) throws -> QueryValue {
        try instantQuery(try PromQLParser.parse(query), at: t, on: store)
    }

    /// A range query: the expression at `start`, `start+step`, ... ≤ `end`, series sorted by labels.
    /// Scalars become one series with no labels.
    public func rangeQuery(_ expr: Expr, start: Int64, end: Int64, step: Int64, on store: any Queryable) throws -> [Series] {
        guard expr.type == .vector || expr.type == .scalar else {
            throw EvalError("invalid expression type \"\(expr.type.rawValue)\" for range query, must be Scalar or instant Vector")
        }
        precondition(step > 0 && end >= start)
        let ev = try Evaluator(expr: expr, start: start, end: end, interval: step, options: options, store: store)
        var out: [Labels: Int] = [:]
        var series: [Series] = []
        var t = start
        while t <= end {
            let v = try ev.evalTop(expr, t)
            switch v {
            case .scalar(_, let x):
                if let i = out[.empty] { series[i].points.append(Sample(t: t, v: x)) } else {
                    out[.empty] = series.count
                    series.append(Series(labels: .empty, points: [Sample(t: t, v: x)]))
                }
            case .vector(let vec):
                for s in vec {
                    if let i = out[s.labels] { series[i].points.append(Sample(t: t, v: s.v)) } else {
                        out[s.labels] = series.count
                        series.append(Series(labels: s.labels, points: [Sample(t: t, v: s.v)]))
                    }
                }
                try ev.countSamples(vec.count)
            default:
                throw EvalError("invalid expression type for range query")
            }
            t += step
        }
        return series.sorted { $0.labels < $1.labels }
    }
}

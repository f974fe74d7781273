import Model
import PromQL

/// What rules need from a query engine: an instant vector at `t` (Prometheus' `QueryFunc`).
public protocol InstantQuerier {
    func query(_ expr: Expr, at t: Int64) throws -> [VectorSample]
    /// The same, reusing and adding to subexpression results in `cache` (one group evaluation's).
    func query(_ expr: Expr, at t: Int64, sharing cache: SubexpressionCache?) throws -> [VectorSample]
}

extension InstantQuerier {
    /// Queriers that cannot share results ignore the cache.
    public func query(_ expr: Expr, at t: Int64, sharing cache: SubexpressionCache?) throws -> [VectorSample] {
        try query(expr, at: t)
    }
}

/// The error for results rules cannot use.
public struct RuleResultError: Error, CustomStringConvertible, Sendable {
    public var description: String { "rule result is not a vector or scalar" }
}

/// `rules.EngineQueryFunc`: a scalar becomes one sample with no labels; matrices and strings are errors.
public struct EngineQuerier: InstantQuerier, Sendable {
    public var engine: Engine
    public var store: any Queryable

    public init(engine: Engine, store: any Queryable) {
        self.engine = engine
        self.store = store
    }

    public func query(_ expr: Expr, at t: Int64) throws -> [VectorSample] {
        try query(expr, at: t, sharing: nil)
    }

    public func query(_ expr: Expr, at t: Int64, sharing cache: SubexpressionCache?) throws -> [VectorSample] {
        switch try engine.instantQuery(expr, at: t, on: store, sharing: cache) {
        case .vector(let v): return v
        case .scalar(_, let v): return [VectorSample(labels: .empty, t: t, v: v)]
        default: throw RuleResultError()
        }
    }
}

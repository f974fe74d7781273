import Model
import PromQL

/// What rules need from a query engine: an instant vector at `t` (Prometheus' `QueryFunc`).
public protocol InstantQuerier {
    func query(_ expr: Expr, at t: Int64) throws -> [VectorSample]
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
        switch try engine.instantQuery(expr, at: t, on: store) {
        case .vector(let v): return v
        case .scalar(_, let v): return [VectorSample(labels: .empty, t: t, v: v)]
        default: throw RuleResultError()
        }
    }
}

import Model

/// The type of a PromQL expression's value.
public enum ValueType: String, Sendable, Hashable {
    case scalar
    case vector = "instant vector"
    case matrix = "range vector"
    case string
}

/// Byte offsets into the query text. Ignored by `==` so that ASTs compare by meaning.
public struct PositionRange: Hashable, Sendable {
    public var start: Int
    public var end: Int
    public init(_ start: Int, _ end: Int) { self.start = start; self.end = end }
    public static func == (a: PositionRange, b: PositionRange) -> Bool { true }
    public func hash(into hasher: inout Hasher) {}
}

/// `@ <timestamp>`, `@ start()` or `@ end()`.
public enum AtModifier: Hashable, Sendable {
    case timestamp(Int64)
    case start
    case end
}

public struct VectorSelector: Hashable, Sendable {
    public var name: String?
    /// All matchers, including the one on `__name__` the name implies.
    public var matchers: [LabelMatcher]
    /// Offset in ms as written (negative allowed).
    public var offset: Int64 = 0
    public var at: AtModifier?
    public var position: PositionRange
}

extension VectorSelector {
    /// Whether a `__name__="..."` matcher pins the metric name.
    public var hasMetricNameEquality: Bool {
        matchers.contains { $0.name == Labels.metricName && $0.kind == .equal }
    }
}

public struct MatrixSelector: Hashable, Sendable {
    public var selector: VectorSelector
    public var range: Int64
    public var position: PositionRange
}

public struct SubqueryExpr: Hashable, Sendable {
    public var expr: Expr
    public var range: Int64
    /// nil when written `[range:]`: the engine's default step applies.
    public var step: Int64?
    public var offset: Int64 = 0
    public var at: AtModifier?
    public var position: PositionRange
}

public enum BinaryOp: String, Sendable, Hashable, CaseIterable {
    case add = "+", sub = "-", mul = "*", div = "/", mod = "%", pow = "^"
    case eql = "==", neq = "!=", gtr = ">", lss = "<", gte = ">=", lte = "<="
    case and, or, unless, atan2

    public var isComparison: Bool {
        switch self { case .eql, .neq, .gtr, .lss, .gte, .lte: return true; default: return false }
    }
    public var isSetOperator: Bool {
        switch self { case .and, .or, .unless: return true; default: return false }
    }
    /// Higher binds tighter.
    public var precedence: Int {
        switch self {
        case .or: return 1
        case .and, .unless: return 2
        case .eql, .neq, .gtr, .lss, .gte, .lte: return 3
        case .add, .sub: return 4
        case .mul, .div, .mod, .atan2: return 5
        case .pow: return 6
        }
    }
    public var isRightAssociative: Bool { self == .pow }
}

public enum MatchCardinality: String, Sendable, Hashable {
    case oneToOne, manyToOne, oneToMany, manyToMany
}

/// How two vectors' samples pair up in a binary operation.
public struct VectorMatching: Hashable, Sendable {
    public var card: MatchCardinality = .oneToOne
    /// `on(...)` when true, else `ignoring(...)` (or no clause).
    public var on = false
    public var labels: [String] = []
    /// The labels listed in `group_left(...)` / `group_right(...)`.
    public var include: [String] = []
    public init() {}
}

public struct BinaryExpr: Hashable, Sendable {
    public var op: BinaryOp
    public var lhs: Expr
    public var rhs: Expr
    /// Present only when both sides are instant vectors.
    public var matching: VectorMatching?
    public var returnBool = false
}

public enum AggregateOp: String, Sendable, Hashable, CaseIterable {
    case sum, avg, min, max, count, group, stddev, stdvar, topk, bottomk, quantile
    case countValues = "count_values"

    public var takesParameter: Bool {
        switch self { case .topk, .bottomk, .quantile, .countValues: return true; default: return false }
    }
}

public struct AggregateExpr: Hashable, Sendable {
    public var op: AggregateOp
    public var expr: Expr
    public var param: Expr?
    public var grouping: [String]
    public var without: Bool
    public var position: PositionRange
}

public struct Call: Hashable, Sendable {
    public var function: FunctionSignature
    public var args: [Expr]
    public var position: PositionRange
}

/// A PromQL expression.
public indirect enum Expr: Hashable, Sendable {
    case number(Double, PositionRange)
    case string(String, PositionRange)
    case vectorSelector(VectorSelector)
    case matrixSelector(MatrixSelector)
    case subquery(SubqueryExpr)
    case paren(Expr, PositionRange)
    case unary(BinaryOp, Expr, PositionRange)
    case binary(BinaryExpr)
    case aggregate(AggregateExpr)
    case call(Call)

    public static func == (a: Expr, b: Expr) -> Bool {
        switch (a, b) {
        case let (.number(x, _), .number(y, _)): return x.bitPattern == y.bitPattern || x == y
        case let (.string(x, _), .string(y, _)): return x == y
        case let (.vectorSelector(x), .vectorSelector(y)): return x == y
        case let (.matrixSelector(x), .matrixSelector(y)): return x == y
        case let (.subquery(x), .subquery(y)): return x == y
        case let (.paren(x, _), .paren(y, _)): return x == y
        case let (.unary(o1, x, _), .unary(o2, y, _)): return o1 == o2 && x == y
        case let (.binary(x), .binary(y)): return x == y
        case let (.aggregate(x), .aggregate(y)): return x == y
        case let (.call(x), .call(y)): return x == y
        default: return false
        }
    }

    public func hash(into h: inout Hasher) {
        switch self {
        case .number(let v, _): h.combine(0); h.combine(v.isNaN ? 0 : v)
        case .string(let s, _): h.combine(1); h.combine(s)
        case .vectorSelector(let v): h.combine(2); h.combine(v)
        case .matrixSelector(let m): h.combine(3); h.combine(m)
        case .subquery(let s): h.combine(4); h.combine(s)
        case .paren(let e, _): h.combine(5); h.combine(e)
        case .unary(let o, let e, _): h.combine(6); h.combine(o); h.combine(e)
        case .binary(let b): h.combine(7); h.combine(b)
        case .aggregate(let a): h.combine(8); h.combine(a)
        case .call(let c): h.combine(9); h.combine(c)
        }
    }

    public var type: ValueType {
        switch self {
        case .number: return .scalar
        case .string: return .string
        case .vectorSelector: return .vector
        case .matrixSelector, .subquery: return .matrix
        case .paren(let e, _): return e.type
        case .unary(_, let e, _): return e.type
        case .binary(let b): return (b.lhs.type == .scalar && b.rhs.type == .scalar) ? .scalar : .vector
        case .aggregate: return .vector
        case .call(let c): return c.function.returnType
        }
    }

    public var position: PositionRange {
        switch self {
        case .number(_, let p), .string(_, let p), .paren(_, let p), .unary(_, _, let p): return p
        case .vectorSelector(let v): return v.position
        case .matrixSelector(let m): return m.position
        case .subquery(let s): return s.position
        case .binary(let b): return PositionRange(b.lhs.position.start, b.rhs.position.end)
        case .aggregate(let a): return a.position
        case .call(let c): return c.position
        }
    }

    /// The expression without enclosing parentheses.
    public var unwrapped: Expr {
        if case .paren(let e, _) = self { return e.unwrapped }
        return self
    }
}

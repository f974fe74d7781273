import Model

/// One element of an instant vector.
public struct VectorSample: Sendable, Equatable {
    public var labels: Labels
    /// The evaluation time, except for raw selector output, where it is the sample's own time
    /// (which `timestamp()` reads).
    public var t: Int64
    public var v: Double

    public init(labels: Labels, t: Int64, v: Double) {
        self.labels = labels
        self.t = t
        self.v = v
    }
}

/// One series of a range vector or range-query result.
public struct Series: Sendable, Equatable {
    public var labels: Labels
    public var points: [Sample]
    public init(labels: Labels, points: [Sample]) {
        self.labels = labels
        self.points = points
    }
}

/// A window of one series' samples as a range function sees them (stale markers removed).
struct RangeSeries {
    var labels: Labels
    var ts: ArraySlice<Int64>
    var vs: ArraySlice<Double>
}

/// The result of evaluating an expression.
public enum QueryValue: Sendable, Equatable {
    case scalar(t: Int64, v: Double)
    case vector([VectorSample])
    case matrix([Series])
    case string(t: Int64, v: String)

    public var type: ValueType {
        switch self {
        case .scalar: return .scalar
        case .vector: return .vector
        case .matrix: return .matrix
        case .string: return .string
        }
    }
}

/// An error while evaluating, with Prometheus' wording.
public struct EvalError: Error, Equatable, CustomStringConvertible, Sendable {
    public enum Kind: String, Sendable { case execution, timeout, tooManySamples, canceled }
    public var kind: Kind
    public var message: String
    public init(_ message: String, kind: Kind = .execution) {
        self.message = message
        self.kind = kind
    }
    public var description: String { message }

    public static let sameLabelset = EvalError("vector cannot contain metrics with the same labelset")
    public static let tooManySamples = EvalError("query processing would load too many samples into memory in query execution", kind: .tooManySamples)
    public static let timeout = EvalError("query timed out in query execution", kind: .timeout)
}

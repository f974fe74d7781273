import Model
import PromQL

/// Instant vectors for tests that compare two ways of evaluating the same query (with and
/// without what a rule group keeps between evaluations).
public enum InstantVector {
    public struct NotAVector: Error, CustomStringConvertible {
        public var query: String
        public var description: String { "\(query) does not return an instant vector" }
    }

    /// The vector `query` gives at `t` on `store`, with `cache` shared as a rule group shares it.
    public static func evaluate(_ query: String, at t: Int64, on store: any Queryable,
                                sharing cache: SubexpressionCache? = nil) throws -> [VectorSample] {
        guard case .vector(let v) = try Engine().instantQuery(try PromQLParser.parse(query), at: t, on: store, sharing: cache) else {
            throw NotAVector(query: query)
        }
        return v
    }

    /// The same series in the same order, with bit-identical values.
    public static func same(_ a: [VectorSample], _ b: [VectorSample]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.labels == $1.labels && $0.v.bitPattern == $1.v.bitPattern }
    }
}

import Model
import PromQL

/// A recording rule (`rules/recording.go`): the query result renamed to `record`, rule labels applied literally.
public struct RecordingRule: Sendable {
    public var name: String
    public var expr: Expr
    /// Applied verbatim; an empty value deletes the label.
    public var labels: [String: String]

    public init(name: String, expr: Expr, labels: [String: String]) {
        self.name = name
        self.expr = expr
        self.labels = labels
    }

    public struct DuplicateError: Error, CustomStringConvertible {
        public var description: String { "vector contains metrics with the same labelset after applying rule labels" }
    }

    public struct LimitError: Error, CustomStringConvertible {
        var limit: Int, count: Int
        public var description: String { "exceeded limit of \(limit) with \(count) series" }
    }

    /// The samples to write at `ts`.
    /// `cache`: subexpression results shared with the group's other rules at `ts`.
    public func evaluate(at ts: Int64, using querier: any InstantQuerier, limit: Int,
                         sharing cache: SubexpressionCache? = nil) throws -> [VectorSample] {
        var out: [VectorSample] = []
        var seen: Set<Labels> = []
        for s in try querier.query(expr, at: ts, sharing: cache) {
            var b = LabelsBuilder(s.labels)
            b.set(Labels.metricName, name)
            for (k, v) in labels { b.set(k, v) }
            let l = b.labels
            if !seen.insert(l).inserted { throw DuplicateError() }
            out.append(VectorSample(labels: l, t: ts, v: s.v))
        }
        if limit > 0, out.count > limit { throw LimitError(limit: limit, count: out.count) }
        return out
    }
}

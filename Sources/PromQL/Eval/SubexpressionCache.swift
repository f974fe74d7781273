import Model

/// Results of subexpressions (aggregations, function calls, subqueries) at one evaluation
/// time, shared by the queries that are given the same cache: one rule group's evaluation,
/// or one query (a subquery that appears twice is evaluated once).
///
/// An entry is exact only while the data it read is unchanged, so the owner of the cache
/// calls `invalidate(writing:)` after it appends samples (a rule's outputs), and drops the
/// cache when its evaluation ends. Data written concurrently by others after an entry was
/// made is not seen by later hits in the same evaluation. Queries with `@` modifiers are
/// not cached (their values depend on the query's own start and end).
/// Not thread-safe: one evaluation uses it at a time.
public final class SubexpressionCache {
    struct Key: Hashable {
        var text: String
        var t: Int64
    }

    enum Value {
        case value(QueryValue)
        case range([RangeSeries])
    }

    struct Entry {
        var value: Value
        /// The metric names the subexpression reads; nil when a selector can match any name.
        var reads: Set<String>?
    }

    var entries: [Key: Entry] = [:]

    /// A selector's matchers and the windows read.
    struct SelectionKey: Hashable {
        var matchers: [LabelMatcher]
        var windows: [Int64]
    }

    /// What selectors read, for the other queries of the evaluation.
    var selections: [SelectionKey: (series: [SeriesSamples], reads: Set<String>?)] = [:]
    /// Lookups answered from the cache, for tests and benchmarks.
    public private(set) var hits = 0
    public private(set) var misses = 0
    /// Selector reads answered from another query's read.
    public private(set) var selectionHits = 0

    /// Subquery steps kept across evaluations (a rule group's), or nil.
    public let steps: SubqueryStepMemo?
    /// Groupings kept across evaluations (a rule group's), or nil.
    public let plans: GroupPlanMemo?
    /// Selector reads kept across evaluations (a rule group's), or nil.
    public let windows: SelectorWindowMemo?

    public init(steps: SubqueryStepMemo? = nil, plans: GroupPlanMemo? = nil, windows: SelectorWindowMemo? = nil) {
        self.steps = steps
        self.plans = plans
        self.windows = windows
    }

    /// The number of cached results.
    public var count: Int { entries.count }

    /// Drops every result that may have read a series with one of these metric names.
    public func invalidate(writing names: Set<String>) {
        if names.isEmpty { return }
        // Kept: what read only other names (nil reads: any name).
        func unaffected(_ reads: Set<String>?) -> Bool { reads?.isDisjoint(with: names) ?? false }
        if !entries.isEmpty { entries = entries.filter { unaffected($0.value.reads) } }
        if !selections.isEmpty { selections = selections.filter { unaffected($0.value.reads) } }
    }

    /// Drops every result.
    public func removeAll() {
        entries.removeAll()
        selections.removeAll()
    }

    func selection(_ key: SelectionKey) -> [SeriesSamples]? {
        if let s = selections[key] {
            selectionHits += 1
            return s.series
        }
        return nil
    }

    func keep(_ key: SelectionKey, _ series: [SeriesSamples], reads: Set<String>?) {
        selections[key] = (series, reads)
    }

    func lookup(_ key: Key) -> Value? {
        if let e = entries[key] {
            hits += 1
            return e.value
        }
        misses += 1
        return nil
    }

    func store(_ key: Key, _ value: Value, reads: Set<String>?) {
        entries[key] = Entry(value: value, reads: reads)
    }

    /// The metric names `e`'s selectors can read, or nil if one of them has no `__name__=` matcher.
    static func metricNames(_ e: Expr) -> Set<String>? {
        var names = Set<String>()
        var any = false
        func visit(_ e: Expr) {
            switch e {
            case .number, .string: return
            case .vectorSelector(let vs): add(vs)
            case .matrixSelector(let ms): add(ms.selector)
            case .subquery(let sq): visit(sq.expr)
            case .paren(let x, _), .unary(_, let x, _): visit(x)
            case .binary(let b): visit(b.lhs); visit(b.rhs)
            case .aggregate(let a):
                visit(a.expr)
                if let p = a.param { visit(p) }
            case .call(let c): c.args.forEach(visit)
            }
        }
        func add(_ vs: VectorSelector) {
            // A series has one name, so one equality matcher on it decides.
            if let m = vs.matchers.first(where: { $0.name == Labels.metricName && $0.kind == .equal }) {
                names.insert(m.value)
            } else {
                any = true
            }
        }
        visit(e)
        return any ? nil : names
    }

    /// Whether `e` uses an `@` modifier anywhere.
    static func usesAt(_ e: Expr) -> Bool {
        switch e {
        case .number, .string: return false
        case .vectorSelector(let vs): return vs.at != nil
        case .matrixSelector(let ms): return ms.selector.at != nil
        case .subquery(let sq): return sq.at != nil || usesAt(sq.expr)
        case .paren(let x, _), .unary(_, let x, _): return usesAt(x)
        case .binary(let b): return usesAt(b.lhs) || usesAt(b.rhs)
        case .aggregate(let a): return usesAt(a.expr) || a.param.map(usesAt) == true
        case .call(let c): return c.args.contains(where: usesAt)
        }
    }
}

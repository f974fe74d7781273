import Model
import PromQL

/// Which labels can reach an expression's output series: `known` are labels seen on the way
/// (matchers, fixtures, `by`, `label_replace` targets); when `open`, any other label of the
/// input series passes through as well, except the `dropped` ones.
struct LabelFlow: Equatable {
    var known: Set<String> = []
    var open = false
    var dropped: Set<String> = []

    static let none = LabelFlow()

    func canCarry(_ l: String) -> Bool { known.contains(l) || (open && !dropped.contains(l)) }

    /// `by (L)`, `on (L)`: only L survives.
    func keeping(_ ls: [String]) -> LabelFlow {
        let l = Set(ls)
        var k = known.intersection(l)
        if open { k.formUnion(l.subtracting(dropped)) }
        return LabelFlow(known: k, open: false, dropped: [])
    }

    /// `without (L)`, `ignoring (L)`.
    func removing(_ ls: [String]) -> LabelFlow {
        LabelFlow(known: known.subtracting(ls), open: open, dropped: open ? dropped.union(ls) : [])
    }

    func adding(_ ls: [String]) -> LabelFlow {
        LabelFlow(known: known.union(ls), open: open, dropped: dropped.subtracting(ls))
    }

    /// `a or b`: series from either side.
    func union(_ o: LabelFlow) -> LabelFlow {
        var d: Set<String> = []
        if open && o.open { d = dropped.intersection(o.dropped) }
        else if open { d = dropped.subtracting(o.known) }
        else if o.open { d = o.dropped.subtracting(known) }
        return LabelFlow(known: known.union(o.known), open: open || o.open, dropped: d)
    }

    /// The output labels of `e` (engine semantics: aggregation grouping, one-to-one matching
    /// keeping only `on` labels or dropping `ignoring` ones, `group_left` extras, `label_replace`).
    static func of(_ e: Expr, fixtures: LintFixtures?) -> LabelFlow {
        switch e {
        case .number, .string: return .none
        case .vectorSelector(let vs): return selector(vs, fixtures)
        case .matrixSelector(let m): return selector(m.selector, fixtures)
        case .subquery(let s): return of(s.expr, fixtures: fixtures)
        case .paren(let x, _), .unary(_, let x, _): return of(x, fixtures: fixtures)
        case .aggregate(let a):
            let inner = of(a.expr, fixtures: fixtures)
            switch a.op {
            case .topk, .bottomk: return inner
            case .countValues:
                var extra: [String] = []
                if case .string(let s, _)? = a.param?.unwrapped { extra = [s] }
                return (a.without ? inner.removing(a.grouping) : inner.keeping(a.grouping)).adding(extra)
            default: return a.without ? inner.removing(a.grouping) : inner.keeping(a.grouping)
            }
        case .binary(let b):
            let l = of(b.lhs, fixtures: fixtures), r = of(b.rhs, fixtures: fixtures)
            if b.lhs.type == .scalar && b.rhs.type == .scalar { return .none }
            if b.lhs.type == .scalar { return r }
            if b.rhs.type == .scalar { return l }
            let m = b.matching ?? VectorMatching()
            switch b.op {
            case .and, .unless: return l
            case .or: return l.union(r)
            default: break
            }
            switch m.card {
            case .oneToOne, .manyToMany: return m.on ? l.keeping(m.labels) : l.removing(m.labels)
            case .manyToOne: return l.adding(m.include)
            case .oneToMany: return r.adding(m.include)
            }
        case .call(let c):
            let vecArgs = c.args.filter { $0.type == .vector || $0.type == .matrix }
            let first = vecArgs.first.map { of($0, fixtures: fixtures) } ?? .none
            func stringArg(_ i: Int) -> String? {
                guard i < c.args.count, case .string(let s, _) = c.args[i].unwrapped else { return nil }
                return s
            }
            switch c.function.name {
            case "label_replace", "label_join": return first.adding(stringArg(1).map { [$0] } ?? [])
            case "histogram_quantile": return first.removing(["le"])
            case "absent", "absent_over_time":
                var eq: [String] = []
                if let a = c.args.first { for vs in RuleLint.selectors(a) { eq += vs.matchers.filter { $0.kind == .equal && $0.name != Labels.metricName }.map(\.name) } }
                return LabelFlow(known: Set(eq), open: false, dropped: [])
            case "vector", "time", "scalar", "pi": return .none
            default: return first
            }
        }
    }

    static func selector(_ vs: VectorSelector, _ fixtures: LintFixtures?) -> LabelFlow {
        var known = Set(vs.matchers.filter { $0.name != Labels.metricName && !$0.matchesEmpty }.map(\.name))
        for l in fixtures?.matching(vs) ?? [] {
            for p in l.pairs where p.name != Labels.metricName { known.insert(p.name) }
        }
        return LabelFlow(known: known, open: true, dropped: [])
    }
}

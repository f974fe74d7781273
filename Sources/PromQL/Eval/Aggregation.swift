import Foundation
import Model

extension Evaluator {
    func evalAggregate(_ a: AggregateExpr, _ t: Int64) throws -> [VectorSample] {
        var param = 0.0
        var valueLabel = ""
        switch a.op {
        case .topk, .bottomk, .quantile: param = try evalScalar(a.param!, t)
        case .countValues:
            valueLabel = try evalString(a.param!, t)
            if !valueLabel.isValidLabelName { throw EvalError("invalid label name \(goQuote(valueLabel))") }
        default: break
        }
        switch a.op {
        case .sum, .avg, .count, .group, .min, .max, .stddev, .stdvar:
            let key = GroupingKey(names: a.grouping, without: a.without)
            if let (ms, kind, ctx) = try streamableRangeCall(a.expr, t) {
                // Series → group is fixed for the query's fetched data: worked out once, then
                // reused at every step of an enclosing subquery.
                let plan = try groupPlan(ms.selector, key, keepName: kind == .lastOverTime)
                var fold = GroupFold(op: a.op, groups: plan.labels.count)
                try streamWindows(ms, kind, ctx, t) { i, v in fold.add(plan.groupOf[i], v) }
                return fold.result(plan.labels, at: t)
            }
            var acc = GroupAccumulator(key: key)
            var fold = GroupFold(op: a.op, groups: 0)
            for s in try evalVector(a.expr, t) {
                let (g, isNew) = acc.group(s.labels)
                if isNew { fold.append() }
                fold.add(g, s.v)
            }
            return fold.result(acc.labels, at: t)
        default:
            break
        }
        var input = try evalVector(a.expr, t)
        if input.isEmpty { return [] }

        var grouping = Set(a.grouping)
        if a.op == .countValues {
            for i in input.indices {
                input[i].labels = input[i].labels.setting(valueLabel, GoFloat.formatF(input[i].v))
            }
            if !a.without { grouping.insert(valueLabel) }
        }

        var k = 0
        if a.op == .topk || a.op == .bottomk {
            guard param.isFinite, param > -9.223372036854775808e18, param < 9.223372036854775808e18 else {
                throw EvalError("Scalar value \(GoFloat.formatG(param)) overflows int64")
            }
            k = Int(param.rounded(.towardZero))
            if k < 1 { return [] }
        }

        // Groups in order of first appearance, found by a hash of the grouping labels' values
        // so that no label set is built per input sample.
        let key = GroupingKey(names: Array(grouping), without: a.without)
        var byHash: [UInt64: [Int]] = [:]
        var groupLabels: [Labels] = []
        var groupOf = [Int](repeating: 0, count: input.count)
        for (i, s) in input.enumerated() {
            let h = key.hash(s.labels)
            var found = -1
            if let cands = byHash[h] {
                for g in cands where key.sameGroup(s.labels, groupLabels[g]) { found = g; break }
            }
            if found < 0 {
                found = groupLabels.count
                groupLabels.append(key.groupLabels(s.labels))
                byHash[h, default: []].append(found)
            }
            groupOf[i] = found
        }
        let n = groupLabels.count
        var out: [VectorSample] = []
        out.reserveCapacity(n)
        func emit(_ values: [Double]) {
            for g in 0..<n { out.append(VectorSample(labels: groupLabels[g], t: t, v: values[g])) }
        }

        switch a.op {
        case .countValues:
            var acc = [Double](repeating: 0, count: n)
            for i in input.indices { acc[groupOf[i]] += 1 }
            emit(acc)
        case .quantile, .topk, .bottomk:
            var members = [[Int]](repeating: [], count: n)
            for i in input.indices { members[groupOf[i]].append(i) }
            for (g, idx) in members.enumerated() {
                if a.op == .quantile {
                    out.append(VectorSample(labels: groupLabels[g], t: t, v: Quantile.of(param, idx.map { input[$0].v })))
                    continue
                }
                // NaN is the worst candidate either way.
                let top = a.op == .topk
                func better(_ x: Double, _ y: Double) -> Bool {
                    if x.isNaN { return false }
                    if y.isNaN { return true }
                    return top ? x > y : x < y
                }
                let sorted = idx.sorted { better(input[$0].v, input[$1].v) }
                for i in sorted.prefix(k) { out.append(VectorSample(labels: input[i].labels, t: t, v: input[i].v)) }
            }
        default:
            preconditionFailure("\(a.op) is folded by GroupAccumulator")
        }
        return out
    }
}

/// Finds aggregation groups by a hash of the grouping labels' values; groups are numbered
/// in order of first appearance. Hash collisions chain through `nextSameHash`.
struct GroupAccumulator {
    let key: GroupingKey
    var byHash: [UInt64: Int] = [:]
    var nextSameHash: [Int] = []
    var labels: [Labels] = []

    init(key: GroupingKey) {
        self.key = key
    }

    mutating func group(_ l: Labels) -> (Int, Bool) {
        let h = key.hash(l)
        var first = -1
        if let g0 = byHash[h] {
            first = g0
            var g = g0
            while g >= 0 {
                if key.sameGroup(l, labels[g]) { return (g, false) }
                g = nextSameHash[g]
            }
        }
        let g = labels.count
        labels.append(key.groupLabels(l))
        nextSameHash.append(first)
        byHash[h] = g
        return (g, true)
    }
}

/// The series → group mapping of one selector's fetched series under one grouping.
final class GroupPlan: Sendable {
    let groupOf: [Int]
    let labels: [Labels]
    init(groupOf: [Int], labels: [Labels]) {
        self.groupOf = groupOf
        self.labels = labels
    }
}

struct GroupPlanKey: Hashable {
    var selector: VectorSelector
    var names: [String]
    var without: Bool
    var keepName: Bool
}

extension Evaluator {
    /// Groups of every fetched series of `vs` (as the range function hands its labels on).
    func groupPlan(_ vs: VectorSelector, _ key: GroupingKey, keepName: Bool) throws -> GroupPlan {
        var sel = vs
        sel.position = PositionRange(0, 0)
        let k = GroupPlanKey(selector: sel, names: key.names, without: key.without, keepName: keepName)
        if let p = groupPlans[k] { return p }
        let series = try data(for: vs)
        let memoKey = plans == nil ? "" : "group \(sel) \(key.without ? "without" : "by") \(key.names) \(keepName)"
        if let plans, let p: GroupPlan = plans.plan(memoKey, for: series.count, { series[$0].labels }) {
            groupPlans[k] = p
            return p
        }
        var acc = GroupAccumulator(key: key)
        var groupOf: [Int] = []
        groupOf.reserveCapacity(series.count)
        for s in series { groupOf.append(acc.group(keepName ? s.labels : s.labels.withoutMetricName()).0) }
        let p = GroupPlan(groupOf: groupOf, labels: acc.labels)
        groupPlans[k] = p
        plans?.keep(memoKey, inputs: series.map(\.labels), plan: p)
        return p
    }
}

/// Folds samples into numbered groups in one pass, for the aggregations that need no member
/// list. Results come out in the order the groups first received a sample.
struct GroupFold {
    let op: AggregateOp
    var a: [Double]   // sum, min/max, mean
    var b: [Double]   // count
    var c: [Double]   // M2 for stddev/stdvar
    var seen: [Bool]
    var order: [Int] = []

    init(op: AggregateOp, groups n: Int) {
        self.op = op
        a = Array(repeating: 0, count: n)
        b = a
        c = a
        seen = Array(repeating: false, count: n)
    }

    mutating func append() {
        a.append(0); b.append(0); c.append(0); seen.append(false)
    }

    @inline(__always)
    mutating func add(_ g: Int, _ v: Double) {
        let isNew = !seen[g]
        if isNew {
            seen[g] = true
            order.append(g)
        }
        b[g] += 1
        switch op {
        case .sum: a[g] += v
        case .min: if isNew || a[g].isNaN || a[g] > v { a[g] = v }
        case .max: if isNew || a[g].isNaN || a[g] < v { a[g] = v }
        case .avg:
            if isNew { a[g] = v; return }
            if a[g].isInfinite {
                if v.isInfinite && v.sign == a[g].sign { return }
                if !v.isInfinite && !v.isNaN { return }
            }
            a[g] += v / b[g] - a[g] / b[g]
        case .stddev, .stdvar:
            if isNew { a[g] = v; return }
            let delta = v - a[g]
            a[g] += delta / b[g]
            c[g] += delta * (v - a[g])
        default: break
        }
    }

    func result(_ labels: [Labels], at t: Int64) -> [VectorSample] {
        order.map { g in
            let v: Double
            switch op {
            case .count: v = b[g]
            case .group: v = 1
            case .stdvar: v = c[g] / b[g]
            case .stddev: v = (c[g] / b[g]).squareRoot()
            default: v = a[g]
            }
            return VectorSample(labels: labels[g], t: t, v: v)
        }
    }
}

/// Which labels form an aggregation group, hashed and compared without building label sets.
struct GroupingKey {
    let names: [String]
    let without: Bool

    @inline(__always)
    func relevant(_ name: String) -> Bool {
        if without { return name != Labels.metricName && !names.contains(name) }
        return names.contains(name)
    }

    func hash(_ l: Labels) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for p in l.pairs where relevant(p.name) {
            for b in p.name.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
            h = (h ^ 0xff) &* 0x0000_0100_0000_01b3
            for b in p.value.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
            h = (h ^ 0xff) &* 0x0000_0100_0000_01b3
        }
        return h
    }

    func sameGroup(_ l: Labels, _ group: Labels) -> Bool {
        var it = group.pairs.makeIterator()
        for p in l.pairs where relevant(p.name) {
            guard let q = it.next(), q == p else { return false }
        }
        return it.next() == nil
    }

    func groupLabels(_ l: Labels) -> Labels {
        Labels(sorted: l.pairs.filter { relevant($0.name) })
    }
}

enum Quantile {
    /// Prometheus' `quantile`: NaN values sort first, linear interpolation between ranks.
    static func of(_ q: Double, _ values: [Double]) -> Double {
        if values.isEmpty || q.isNaN { return .nan }
        if q < 0 { return -.infinity }
        if q > 1 { return .infinity }
        let s = values.sorted { a, b in a.isNaN ? !b.isNaN : (b.isNaN ? false : a < b) }
        let n = Double(s.count)
        let rank = q * (n - 1)
        let lo = max(0, Int(rank.rounded(.down)))
        let hi = min(s.count - 1, lo + 1)
        let w = rank - rank.rounded(.down)
        return s[lo] * (1 - w) + s[hi] * w
    }
}

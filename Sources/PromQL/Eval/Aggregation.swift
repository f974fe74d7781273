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
            var acc = GroupAccumulator(op: a.op, key: GroupingKey(names: a.grouping, without: a.without))
            if let (ms, kind, ctx) = try streamableRangeCall(a.expr, t) {
                try streamWindows(ms, kind, ctx, t) { acc.add($0, $1) }
            } else {
                for s in try evalVector(a.expr, t) { acc.add(s.labels, s.v) }
            }
            return acc.result(at: t)
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

/// Groups and folds samples in one pass, for the aggregations that need no member list.
/// Groups come out in order of first appearance.
struct GroupAccumulator {
    let op: AggregateOp
    let key: GroupingKey
    var byHash: [UInt64: [Int]] = [:]
    var labels: [Labels] = []
    var a: [Double] = []   // sum, min/max, mean
    var b: [Double] = []   // count
    var c: [Double] = []   // M2 for stddev/stdvar

    init(op: AggregateOp, key: GroupingKey) {
        self.op = op
        self.key = key
    }

    mutating func group(_ l: Labels) -> (Int, Bool) {
        let h = key.hash(l)
        if let cands = byHash[h] {
            for g in cands where key.sameGroup(l, labels[g]) { return (g, false) }
        }
        let g = labels.count
        labels.append(key.groupLabels(l))
        byHash[h, default: []].append(g)
        a.append(0); b.append(0); c.append(0)
        return (g, true)
    }

    mutating func add(_ l: Labels, _ v: Double) {
        let (g, isNew) = group(l)
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

    func result(at t: Int64) -> [VectorSample] {
        (0..<labels.count).map { g in
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

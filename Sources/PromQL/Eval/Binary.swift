import Foundation
import Model

extension Evaluator {
    func evalBinary(_ b: BinaryExpr, _ t: Int64) throws -> QueryValue {
        let l = try eval(b.lhs, t)
        // Set operators and vector matching need both sides.
        let r = try eval(b.rhs, t)
        switch (l, r) {
        case let (.scalar(_, x), .scalar(_, y)):
            var (v, keep) = BinaryArithmetic.apply(b.op, x, y)
            if b.op.isComparison { v = keep ? 1 : 0 }
            return .scalar(t: t, v: v)
        case let (.vector(vec), .scalar(_, y)):
            let out = vectorScalar(b, vec, y, swap: false, t)
            try checkDuplicates(out)
            return .vector(out)
        case let (.scalar(_, x), .vector(vec)):
            let out = vectorScalar(b, vec, x, swap: true, t)
            try checkDuplicates(out)
            return .vector(out)
        case let (.vector(lv), .vector(rv)):
            let m = b.matching ?? VectorMatching()
            let out: [VectorSample]
            switch b.op {
            case .and: out = vectorAnd(lv, rv, m)
            case .or: out = vectorOr(lv, rv, m)
            case .unless: out = vectorUnless(lv, rv, m)
            default: out = try vectorBinop(b, lv, rv, m, t)
            }
            try checkDuplicates(out)
            return .vector(out)
        default:
            throw EvalError("binary expression must contain only scalar and instant vector types")
        }
    }

    func vectorScalar(_ b: BinaryExpr, _ vec: [VectorSample], _ s: Double, swap: Bool, _ t: Int64) -> [VectorSample] {
        var out: [VectorSample] = []
        out.reserveCapacity(vec.count)
        let drop = BinaryArithmetic.dropsMetricName(b.op) || b.returnBool
        for e in vec {
            var (lv, rv) = (e.v, s)
            if swap { (lv, rv) = (rv, lv) }
            var (value, keep) = BinaryArithmetic.apply(b.op, lv, rv)
            if b.op.isComparison && swap { value = rv }
            if b.returnBool { value = keep ? 1 : 0; keep = true }
            if keep {
                out.append(VectorSample(labels: drop ? e.labels.withoutMetricName() : e.labels, t: t, v: value))
            }
        }
        return out
    }

    func vectorBinop(_ b: BinaryExpr, _ lhsIn: [VectorSample], _ rhsIn: [VectorSample],
                     _ m: VectorMatching, _ t: Int64) throws -> [VectorSample] {
        if lhsIn.isEmpty || rhsIn.isEmpty { return [] }
        let sig = Signature(m)
        var (lhs, rhs) = (lhsIn, rhsIn)
        if m.card == .oneToMany { swap(&lhs, &rhs) }
        var right: [Labels: VectorSample] = [:]
        for rs in rhs {
            let k = sig.key(rs.labels)
            if let dup = right[k] {
                let side = m.card == .oneToMany ? "left" : "right"
                throw EvalError("found duplicate series for the match group \(sig.matched(rs.labels)) on the \(side) hand-side of the operation: [\(rs.labels), \(dup.labels)];many-to-many matching not allowed: matching labels must be unique on one side")
            }
            right[k] = rs
        }
        var matched: [Labels: Set<Labels>] = [:]
        var out: [VectorSample] = []
        let drop = BinaryArithmetic.dropsMetricName(b.op)
        for ls in lhs {
            let k = sig.key(ls.labels)
            guard let rs = right[k] else { continue }
            var (vl, vr) = (ls.v, rs.v)
            if m.card == .oneToMany { (vl, vr) = (vr, vl) }
            var (value, keep) = BinaryArithmetic.apply(b.op, vl, vr)
            if b.returnBool { value = keep ? 1 : 0 } else if !keep { continue }
            var lb = LabelsBuilder(ls.labels)
            if drop || b.returnBool { lb.delete(Labels.metricName) }
            if m.card == .oneToOne {
                if m.on {
                    let keepSet = Set(m.labels)
                    for p in ls.labels.pairs where !keepSet.contains(p.name) { lb.delete(p.name) }
                } else {
                    for n in m.labels { lb.delete(n) }
                }
            }
            for n in m.include { lb.set(n, rs.labels.get(n)) }
            let metric = lb.labels
            if m.card == .oneToOne {
                if matched[k] != nil {
                    throw EvalError("multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)")
                }
                matched[k] = []
            } else {
                if matched[k, default: []].insert(metric).inserted == false {
                    throw EvalError("multiple matches for labels: grouping labels must ensure unique matches")
                }
            }
            out.append(VectorSample(labels: metric, t: t, v: value))
        }
        return out
    }

    func vectorAnd(_ lhs: [VectorSample], _ rhs: [VectorSample], _ m: VectorMatching) -> [VectorSample] {
        if lhs.isEmpty || rhs.isEmpty { return [] }
        let sig = Signature(m)
        let right = Set(rhs.map { sig.key($0.labels) })
        return lhs.filter { right.contains(sig.key($0.labels)) }
    }

    func vectorOr(_ lhs: [VectorSample], _ rhs: [VectorSample], _ m: VectorMatching) -> [VectorSample] {
        if lhs.isEmpty { return rhs }
        if rhs.isEmpty { return lhs }
        let sig = Signature(m)
        let left = Set(lhs.map { sig.key($0.labels) })
        return lhs + rhs.filter { !left.contains(sig.key($0.labels)) }
    }

    func vectorUnless(_ lhs: [VectorSample], _ rhs: [VectorSample], _ m: VectorMatching) -> [VectorSample] {
        if lhs.isEmpty || rhs.isEmpty { return lhs }
        let sig = Signature(m)
        let right = Set(rhs.map { sig.key($0.labels) })
        return lhs.filter { !right.contains(sig.key($0.labels)) }
    }
}

/// The label subset two samples must share to match (`on`/`ignoring`).
struct Signature {
    let on: Bool
    let names: Set<String>

    init(_ m: VectorMatching) {
        on = m.on
        names = Set(m.labels)
    }

    func key(_ l: Labels) -> Labels {
        if on { return l.keeping(names) }
        return Labels(sorted: l.pairs.filter { $0.name != Labels.metricName && !names.contains($0.name) })
    }

    /// The labels named in the error message (Prometheus' `MatchLabels`).
    func matched(_ l: Labels) -> Labels {
        if on { return l.keeping(names) }
        return Labels(sorted: l.pairs.filter { $0.name != Labels.metricName && !names.contains($0.name) })
    }
}

/// Element-wise operator semantics (Go's math package behaviour).
enum BinaryArithmetic {
    static func dropsMetricName(_ op: BinaryOp) -> Bool {
        switch op { case .add, .sub, .mul, .div, .mod, .pow: return true; default: return false }
    }

    /// The value and whether a comparison keeps the element.
    @inline(__always)
    static func apply(_ op: BinaryOp, _ l: Double, _ r: Double) -> (Double, Bool) {
        switch op {
        case .add: return (l + r, true)
        case .sub: return (l - r, true)
        case .mul: return (l * r, true)
        case .div: return (l / r, true)
        case .mod: return (goMod(l, r), true)
        case .pow: return (goPow(l, r), true)
        case .atan2: return (Foundation.atan2(l, r), true)
        case .eql: return (l, l == r)
        case .neq: return (l, l != r)
        case .gtr: return (l, l > r)
        case .lss: return (l, l < r)
        case .gte: return (l, l >= r)
        case .lte: return (l, l <= r)
        case .and, .or, .unless: return (l, true)
        }
    }

    static func goMod(_ x: Double, _ y: Double) -> Double { fmod(x, y) }
    static func goPow(_ x: Double, _ y: Double) -> Double { Foundation.pow(x, y) }
}

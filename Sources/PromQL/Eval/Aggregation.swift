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

        // Groups in order of first appearance.
        var index: [Labels: Int] = [:]
        var groupLabels: [Labels] = []
        var members: [[Int]] = []
        for (i, s) in input.enumerated() {
            let key: Labels
            if a.without {
                key = Labels(sorted: s.labels.pairs.filter { $0.name != Labels.metricName && !grouping.contains($0.name) })
            } else {
                key = s.labels.keeping(grouping)
            }
            if let g = index[key] { members[g].append(i) } else {
                index[key] = members.count
                groupLabels.append(key)
                members.append([i])
            }
        }

        var out: [VectorSample] = []
        for (g, idx) in members.enumerated() {
            let labels = groupLabels[g]
            func emit(_ v: Double) { out.append(VectorSample(labels: labels, t: t, v: v)) }
            switch a.op {
            case .sum:
                var s = 0.0
                for i in idx { s += input[i].v }
                emit(s)
            case .avg:
                var mean = input[idx[0]].v, n = 1.0
                for i in idx.dropFirst() {
                    n += 1
                    let v = input[i].v
                    if mean.isInfinite {
                        if v.isInfinite && (v.sign == mean.sign) { continue }
                        if !v.isInfinite && !v.isNaN { continue }
                    }
                    mean += v / n - mean / n
                }
                emit(mean)
            case .count: emit(Double(idx.count))
            case .group: emit(1)
            case .min:
                var m = input[idx[0]].v
                for i in idx.dropFirst() { let v = input[i].v; if m > v || m.isNaN { m = v } }
                emit(m)
            case .max:
                var m = input[idx[0]].v
                for i in idx.dropFirst() { let v = input[i].v; if m < v || m.isNaN { m = v } }
                emit(m)
            case .stddev, .stdvar:
                var mean = input[idx[0]].v, m2 = 0.0, n = 1.0
                for i in idx.dropFirst() {
                    let v = input[i].v
                    n += 1
                    let delta = v - mean
                    mean += delta / n
                    m2 += delta * (v - mean)
                }
                emit(a.op == .stdvar ? m2 / n : (m2 / n).squareRoot())
            case .quantile:
                emit(Quantile.of(param, idx.map { input[$0].v }))
            case .countValues:
                emit(Double(idx.count))
            case .topk, .bottomk:
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
        }
        return out
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

import Foundation
import Model

/// `histogram_quantile` over classic `le` buckets (Prometheus 2.42's `bucketQuantile`).
enum HistogramQuantile {
    static func evaluate(_ q: Double, _ input: [VectorSample], at t: Int64) -> [VectorSample] {
        evaluate(q, input, plan(input), at: t)
    }

    static func evaluate(_ q: Double, _ input: [VectorSample], _ plan: HistogramPlan, at t: Int64) -> [VectorSample] {
        var buckets = [[(Double, Double)]](repeating: [], count: plan.labels.count)
        for (i, s) in input.enumerated() where plan.groupOf[i] >= 0 {
            buckets[plan.groupOf[i]].append((plan.le[i], s.v))
        }
        return plan.labels.indices.map { VectorSample(labels: plan.labels[$0], t: t, v: bucketQuantile(q, buckets[$0])) }
    }

    /// The histograms of `input`: groups are the label sets without `le`, found by a hash of
    /// the other pairs so that no label set is built per bucket; collisions chain through
    /// `nextSameHash`. Groups come in order of first appearance.
    static func plan(_ input: [VectorSample]) -> HistogramPlan {
        var byHash: [UInt64: Int] = [:]
        var nextSameHash: [Int] = []
        var first: [Int] = []   // the input sample that opened each group
        var groupOf = [Int](repeating: -1, count: input.count)
        var les = [Double](repeating: 0, count: input.count)
        var lastLe = "", lastLeValue = 0.0
        for (i, s) in input.enumerated() {
            guard let leText = s.labels["le"] else { continue }
            // Buckets of one histogram repeat the same few spellings.
            let le: Double
            if leText == lastLe, !lastLe.isEmpty { le = lastLeValue } else {
                guard let v = parseGoFloat(leText) else { continue }
                le = v
                lastLe = leText
                lastLeValue = v
            }
            let h = hashWithoutLe(s.labels)
            var g = byHash[h] ?? -1
            let head = g
            while g >= 0, !sameWithoutLe(s.labels, input[first[g]].labels) { g = nextSameHash[g] }
            if g < 0 {
                g = first.count
                first.append(i)
                nextSameHash.append(head)
                byHash[h] = g
            }
            groupOf[i] = g
            les[i] = le
        }
        let labels = first.map { Labels(sorted: input[$0].labels.pairs.filter { $0.name != "le" }).withoutMetricName() }
        return HistogramPlan(groupOf: groupOf, le: les, labels: labels)
    }

    static func hashWithoutLe(_ l: Labels) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for p in l.pairs where p.name != "le" {
            for b in p.name.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
            h = (h ^ 0xff) &* 0x0000_0100_0000_01b3
            for b in p.value.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
            h = (h ^ 0xff) &* 0x0000_0100_0000_01b3
        }
        return h
    }

    static func sameWithoutLe(_ x: Labels, _ y: Labels) -> Bool {
        var a = x.pairs.makeIterator(), b = y.pairs.makeIterator()
        while true {
            var p = a.next()
            if p?.name == "le" { p = a.next() }
            var r = b.next()
            if r?.name == "le" { r = b.next() }
            if p == nil && r == nil { return true }
            guard let p, let r, p == r else { return false }
        }
    }

    static func bucketQuantile(_ q: Double, _ input: [(upper: Double, count: Double)]) -> Double {
        if q.isNaN { return .nan }
        if q < 0 { return -.infinity }
        if q > 1 { return .infinity }
        var buckets = input.sorted { $0.upper < $1.upper }
        guard let last = buckets.last, last.upper == .infinity else { return .nan }
        // Coalesce equal bounds by adding their counts.
        var merged: [(upper: Double, count: Double)] = []
        for b in buckets {
            if let l = merged.last, l.upper == b.upper { merged[merged.count - 1].count += b.count } else { merged.append(b) }
        }
        buckets = merged
        var maxSoFar = -Double.infinity
        for i in buckets.indices {
            if buckets[i].count > maxSoFar { maxSoFar = buckets[i].count } else { buckets[i].count = maxSoFar }
        }
        if buckets.count < 2 { return .nan }
        let total = buckets[buckets.count - 1].count
        if total == 0 { return .nan }
        let rank = q * total
        // First bucket (excluding +Inf) whose count reaches the rank.
        var lo = 0, hi = buckets.count - 1
        while lo < hi {
            let m = (lo + hi) / 2
            if buckets[m].count >= rank { hi = m } else { lo = m + 1 }
        }
        let b = lo
        if b == buckets.count - 1 { return buckets[buckets.count - 2].upper }
        if b == 0 && buckets[0].upper <= 0 { return buckets[0].upper }
        var start = 0.0, end = buckets[b].upper, count = buckets[b].count, r = rank
        if b > 0 {
            start = buckets[b - 1].upper
            count -= buckets[b - 1].count
            r -= buckets[b - 1].count
        }
        return start + (end - start) * (r / count)
    }
}

/// Go's `strconv.ParseFloat` for the spellings label values carry.
func parseGoFloat(_ s: String) -> Double? {
    // The common spellings (`0.5`, `+Inf`, `1e3`) first, without building lowercased copies.
    if let v = Double(s), !s.contains("_"), !s.hasPrefix("0x"), !s.hasPrefix("-0x"), !s.hasPrefix("+0x") {
        if !v.isNaN || s == "NaN" || s == "nan" { return v }
    }
    switch s.lowercased() {
    case "+inf", "inf", "+infinity", "infinity": return .infinity
    case "-inf", "-infinity": return -.infinity
    case "nan": return .nan
    default: break
    }
    if s.lowercased().hasPrefix("0x") || s.lowercased().hasPrefix("-0x") || s.lowercased().hasPrefix("+0x") {
        return Double(s)
    }
    guard !s.isEmpty, s.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE_".contains($0)) }) else { return nil }
    return Double(s.replacingOccurrences(of: "_", with: ""))
}

import Foundation
import Model

/// `histogram_quantile` over classic `le` buckets (Prometheus 2.42's `bucketQuantile`).
enum HistogramQuantile {
    static func evaluate(_ q: Double, _ input: [VectorSample], at t: Int64) -> [VectorSample] {
        var index: [Labels: Int] = [:]
        var groups: [(Labels, [(Double, Double)])] = []
        for s in input {
            guard let leText = s.labels["le"], let le = parseGoFloat(leText) else { continue }
            let key = Labels(sorted: s.labels.pairs.filter { $0.name != "le" })
            if let i = index[key] { groups[i].1.append((le, s.v)) } else {
                index[key] = groups.count
                groups.append((key, [(le, s.v)]))
            }
        }
        return groups.map { key, buckets in
            VectorSample(labels: key.withoutMetricName(), t: t, v: bucketQuantile(q, buckets))
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

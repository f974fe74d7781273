import Foundation
import Model
import PromQL

/// Number and time formatting of the Prometheus HTTP API (promql-semantics.md §16.1).
public enum APIFormat {
    /// A sample timestamp: whole seconds, then `.` and exactly three digits when the
    /// millisecond part is non-zero (`20`, `1000.500`, `-1.500`).
    public static func timestamp(_ ms: Int64) -> String {
        let neg = ms < 0
        let a = ms.magnitude
        let s = a / 1000, frac = a % 1000
        var out = neg ? "-" : ""
        out += String(s)
        if frac != 0 {
            let f = String(frac)
            out += "." + String(repeating: "0", count: 3 - f.count) + f
        }
        return out
    }

    /// A sample value of a vector or matrix: Go `'f'`, or `'e'` when |v| < 1e-6 or ≥ 1e21.
    public static func sampleValue(_ v: Double) -> String { GoFloat.formatJSON(v) }

    /// A scalar or string result's timestamp: `float64(ms)/1000` in Go's JSON float format.
    public static func floatSeconds(_ ms: Int64) -> String { goJSONFloat(Double(ms) / 1000) }

    /// Go's `encoding/json` float64: `'f'` unless |v| < 1e-6 or ≥ 1e21, where `'e'` with a
    /// one-digit negative exponent cleaned up (`1e-7`).
    public static func goJSONFloat(_ v: Double) -> String {
        let a = abs(v)
        if a != 0, a < 1e-6 || a >= 1e21 {
            var s = GoFloat.formatE(v)
            // e-07 → e-7 (Go's cleanup of two-digit negative exponents).
            if let r = s.range(of: "e-0") { s.replaceSubrange(r, with: "e-") }
            return s
        }
        return GoFloat.formatF(v)
    }

    /// `data` of a query result: `{"resultType":...,"result":...}`.
    ///
    /// - Parameter evalTime: an instant query's time; vector samples are reported at it.
    public static func result(_ value: QueryValue, evalTime: Int64?) -> String {
        var w = JSONWriter()
        w.raw("{\"resultType\":")
        switch value {
        case .scalar(let t, let v):
            w.raw("\"scalar\",\"result\":[\(floatSeconds(t)),")
            w.string(GoFloat.formatF(v))
            w.raw("]")
        case .string(let t, let s):
            w.raw("\"string\",\"result\":[\(floatSeconds(t)),")
            w.string(s)
            w.raw("]")
        case .vector(let samples):
            w.raw("\"vector\",\"result\":[")
            for (i, s) in samples.enumerated() {
                if i > 0 { w.raw(",") }
                w.raw("{\"metric\":")
                w.labels(s.labels)
                w.raw(",\"value\":[\(timestamp(evalTime ?? s.t)),\"\(sampleValue(s.v))\"]}")
            }
            w.raw("]")
        case .matrix(let series):
            w.raw("\"matrix\",\"result\":")
            matrix(series, into: &w)
        }
        w.raw("}")
        return w.text
    }

    static func matrix(_ series: [Series], into w: inout JSONWriter) {
        w.raw("[")
        for (i, s) in series.enumerated() {
            if i > 0 { w.raw(",") }
            w.raw("{\"metric\":")
            w.labels(s.labels)
            w.raw(",\"values\":[")
            for (j, p) in s.points.enumerated() {
                if j > 0 { w.raw(",") }
                w.raw("[\(timestamp(p.t)),\"\(sampleValue(p.v))\"]")
            }
            w.raw("]}")
        }
        w.raw("]")
    }

    /// Go's `time.Time` JSON form (RFC 3339 with nanoseconds, trailing zeros trimmed), in UTC.
    /// A nil time prints Go's zero time, `0001-01-01T00:00:00Z`.
    public static func rfc3339(_ ms: Int64?) -> String {
        guard let ms else { return "0001-01-01T00:00:00Z" }
        let secs = floorDiv(ms, 1000), frac = ms - secs * 1000
        let days = floorDiv(secs, 86_400), sod = secs - days * 86_400
        let (y, m, d) = civil(fromDays: days)
        func p2(_ x: Int64) -> String { x < 10 ? "0\(x)" : "\(x)" }
        var out = "\(y)-\(p2(m))-\(p2(d))T\(p2(sod / 3600)):\(p2(sod % 3600 / 60)):\(p2(sod % 60))"
        if frac != 0 {
            var f = String(frac)
            f = String(repeating: "0", count: 3 - f.count) + f
            while f.hasSuffix("0") { f.removeLast() }
            out += "." + f
        }
        return out + "Z"
    }

    /// Go's `time.Duration` seconds as a JSON float (`0.000123`).
    public static func seconds(_ d: Duration) -> String {
        let (s, atto) = d.components
        return goJSONFloat(Double(s) + Double(atto) / 1e18)
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// Days since 1970-01-01 → (year, month, day) (Howard Hinnant's algorithm).
    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// (year, month, day) → days since 1970-01-01.
    static func days(year y0: Int64, month m: Int64, day d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

import Foundation
import Model

/// Times, durations and numbers as the pages print them. All times are UTC.
enum UIFormat {
    /// `2026-11-29 03:31:05 UTC`.
    static func time(_ ms: Int64) -> String {
        let d = CivilDate(secondsSinceEpoch: ms >= 0 ? ms / 1000 : (ms - 999) / 1000)
        return "\(d.year)-\(p2(d.month))-\(p2(d.day)) \(p2(d.hour)):\(p2(d.minute)):\(p2(d.second)) UTC"
    }

    /// `HH:MM:SS` (or shorter) for graph axes.
    static func clock(_ ms: Int64, seconds: Bool, date: Bool) -> String {
        let d = CivilDate(secondsSinceEpoch: ms >= 0 ? ms / 1000 : (ms - 999) / 1000)
        var s = date ? "\(p2(d.month))-\(p2(d.day)) " : ""
        s += "\(p2(d.hour)):\(p2(d.minute))"
        if seconds { s += ":\(p2(d.second))" }
        return s
    }

    /// `12s ago`, `3m 4s ago`, `in 2h 5m`.
    static func relative(_ ms: Int64, now: Int64) -> String {
        let delta = now - ms
        let text = span(abs(delta))
        return delta >= 0 ? text + " ago" : "in " + text
    }

    /// A span of time with its two largest units: `850ms`, `12s`, `3m 4s`, `2h 5m`, `3d 4h`.
    static func span(_ ms: Int64) -> String {
        if ms < 1000 { return "\(ms)ms" }
        let s = ms / 1000
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m" + (s % 60 == 0 ? "" : " \(s % 60)s") }
        if s < 86_400 { return "\(s / 3600)h" + (s % 3600 / 60 == 0 ? "" : " \(s % 3600 / 60)m") }
        return "\(s / 86_400)d" + (s % 86_400 / 3600 == 0 ? "" : " \(s % 86_400 / 3600)h")
    }

    /// Seconds an evaluation or scrape took: `1.234ms`, `0.052s`.
    static func seconds(_ s: Double) -> String {
        if s < 1 { return String(format: "%.3fms", s * 1000) }
        return String(format: "%.3fs", s)
    }

    /// A sample value as Prometheus' API prints it (`0.5`, `1e-07`, `NaN`, `+Inf`).
    static func value(_ v: Double) -> String { GoFloat.formatJSON(v) }

    /// A short axis label: up to 4 significant digits.
    static func axis(_ v: Double) -> String {
        if v == 0 { return "0" }
        let a = abs(v)
        if a >= 1e15 || a < 1e-4 { return String(format: "%.2e", v) }
        let units: [(Double, String)] = [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")]
        for (m, u) in units where a >= m { return trim(String(format: "%.3f", v / m)) + u }
        return trim(String(format: "%.4g", v))
    }

    private static func trim(_ s: String) -> String {
        guard s.contains("."), !s.contains("e") else { return s }
        var t = s
        while t.hasSuffix("0") { t.removeLast() }
        if t.hasSuffix(".") { t.removeLast() }
        return t
    }

    /// `1 alert`, `3 alerts`.
    static func count(_ n: Int, _ noun: String) -> String { "\(n) " + (n == 1 ? noun : noun + "s") }

    /// `name{a="b", c="d"}`; `{}` for an empty set.
    static func series(_ l: Labels) -> String { l.isEmpty ? "{}" : l.seriesString }

    private static func p2(_ x: Int) -> String { x < 10 ? "0\(x)" : "\(x)" }
}

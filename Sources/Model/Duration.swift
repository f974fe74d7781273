/// Prometheus durations (`model.Duration`): `1y2w3d4h5m6s7ms`, in milliseconds.
public enum PromDuration {
    static let units: [(String, Int64)] = [
        ("y", 365 * 86_400_000), ("w", 7 * 86_400_000), ("d", 86_400_000),
        ("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1),
    ]

    /// Parses unit groups in the fixed order y w d h m s ms; a bare `0` is allowed.
    public static func parse(_ s: String) throws -> Int64 {
        if s == "0" { return 0 }
        guard !s.isEmpty else { throw DurationError(text: s) }
        let c = Array(s.utf8)
        var i = 0, total: Int64 = 0, nextUnit = 0
        while i < c.count {
            var n: Int64 = 0
            let start = i
            while i < c.count, c[i] >= 48, c[i] <= 57 {
                let (m, o1) = n.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int64(c[i] - 48))
                if o1 || o2 { throw DurationError(text: s) }
                n = a
                i += 1
            }
            guard i > start else { throw DurationError(text: s) }
            var unit = ""
            while i < c.count, !(c[i] >= 48 && c[i] <= 57) { unit.append(Character(UnicodeScalar(c[i]))); i += 1 }
            guard let u = units[nextUnit...].firstIndex(where: { $0.0 == unit }) else { throw DurationError(text: s) }
            nextUnit = u + 1
            let (m, o) = n.multipliedReportingOverflow(by: units[u].1)
            let (t, o2) = total.addingReportingOverflow(m)
            if o || o2 { throw DurationError(text: s) }
            total = t
        }
        return total
    }

    /// The canonical form Prometheus prints: `1h30m`, `0s`; weeks only when exact.
    public static func format(_ ms: Int64) -> String {
        if ms == 0 { return "0s" }
        var r = ms < 0 ? "-" : ""
        var left = ms.magnitude
        for (unit, mult) in units {
            let m = UInt64(mult)
            if unit == "w", left % m != 0 { continue }
            let v = left / m
            if v > 0 { r += "\(v)\(unit)"; left -= v * m }
        }
        return r
    }
}

public struct DurationError: Error, CustomStringConvertible, Sendable {
    public let text: String
    public var description: String { "not a valid duration string: \(goQuote(text))" }
}

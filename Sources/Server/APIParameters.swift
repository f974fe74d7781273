import Foundation
import Model

/// The HTTP API's time and duration parameters (`web/api/v1/api.go`: `parseTime`, `parseDuration`).
public enum APIParameters {
    /// Prometheus' `minTime`/`maxTime` (the bounds Go's time can print), in ms.
    public static let minTime: Int64 = -9_223_309_901_257_974
    public static let maxTime: Int64 = 9_223_309_901_257_974
    static let minTimeFormatted = "-292273086-05-16T16:47:06Z"
    static let maxTimeFormatted = "292277025-08-18T07:12:54.999999999Z"

    /// Float seconds (fraction rounded half away from zero to whole ms) or RFC 3339; ms.
    public static func parseTime(_ s: String) throws(APIError) -> Int64 {
        if let f = goParseFloat(s) {
            guard f.isFinite, abs(f) < 9.2e15 else {
                throw APIError(.badData, "cannot parse \(goQuote(s)) to a valid timestamp")
            }
            let whole = f.rounded(.towardZero)
            let ms = ((f - whole) * 1000).rounded(.toNearestOrAwayFromZero)
            return Int64(whole) * 1000 + Int64(ms)
        }
        if let t = parseRFC3339(s) { return t }
        if s == minTimeFormatted { return minTime }
        if s == maxTimeFormatted { return maxTime }
        throw APIError(.badData, "cannot parse \(goQuote(s)) to a valid timestamp")
    }

    /// Float seconds or a Prometheus duration, truncated to whole ms.
    public static func parseDuration(_ s: String) throws(APIError) -> Int64 {
        if let f = goParseFloat(s) {
            let ns = f * 1e9
            guard ns.isFinite, ns < 9.223372036854775e18, ns > -9.223372036854775e18 else {
                throw APIError(.badData, "cannot parse \(goQuote(s)) to a valid duration. It overflows int64")
            }
            return Int64(ns) / 1_000_000
        }
        if let d = try? PromDuration.parse(s) { return d }
        throw APIError(.badData, "cannot parse \(goQuote(s)) to a valid duration")
    }

    /// Go's `strconv.ParseFloat` for the forms people send: decimal, exponent, `Inf`, `NaN`.
    static func goParseFloat(_ s: String) -> Double? {
        guard !s.isEmpty, !s.contains("_") else { return nil }
        let lower = s.lowercased()
        switch lower {
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        case "nan": return .nan
        default: break
        }
        guard lower.allSatisfy({ "0123456789.eE+-".contains($0) }) else { return nil }
        return Double(s)
    }

    /// RFC 3339 with optional fraction: `2015-07-01T20:10:51.781Z`, `…+02:00`; ms (fraction truncated).
    static func parseRFC3339(_ s: String) -> Int64? {
        let b = Array(s.utf8)
        func num(_ i: Int, _ n: Int) -> Int64? {
            guard i + n <= b.count else { return nil }
            var v: Int64 = 0
            for k in i..<(i + n) {
                guard b[k] >= 48, b[k] <= 57 else { return nil }
                v = v * 10 + Int64(b[k] - 48)
            }
            return v
        }
        guard b.count >= 20, let y = num(0, 4), b[4] == UInt8(ascii: "-"), let mo = num(5, 2), b[7] == UInt8(ascii: "-"),
              let d = num(8, 2), b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"),
              let h = num(11, 2), b[13] == UInt8(ascii: ":"), let mi = num(14, 2), b[16] == UInt8(ascii: ":"),
              let sec = num(17, 2) else { return nil }
        guard (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, sec < 60 else { return nil }
        var i = 19
        var ms: Int64 = 0
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            var digits = 0
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                if digits < 3 { ms = ms * 10 + Int64(b[i] - 48) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            if digits < 3 { for _ in digits..<3 { ms *= 10 } }
        }
        guard i < b.count else { return nil }
        var offset: Int64 = 0
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            i += 1
        } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            guard let oh = num(i + 1, 2), i + 3 < b.count, b[i + 3] == UInt8(ascii: ":"), let om = num(i + 4, 2) else { return nil }
            offset = (oh * 3600 + om * 60) * (b[i] == UInt8(ascii: "-") ? -1 : 1)
            i += 6
        } else { return nil }
        guard i == b.count else { return nil }
        let days = APIFormat.days(year: y, month: mo, day: d)
        let secs = days * 86_400 + h * 3600 + mi * 60 + sec - offset
        return secs * 1000 + ms
    }
}

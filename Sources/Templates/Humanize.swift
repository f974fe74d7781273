import Foundation

/// Prometheus' `humanize*` template functions (`template/template.go`).
enum Humanize {
    static func si(_ v: Double) -> String {
        if v == 0 || v.isNaN || v.isInfinite { return GoFormat.g(v, precision: 4) }
        var x = v
        if abs(x) >= 1 {
            var prefix = ""
            for p in ["k", "M", "G", "T", "P", "E", "Z", "Y"] {
                if abs(x) < 1000 { break }
                prefix = p
                x /= 1000
            }
            return GoFormat.g(x, precision: 4) + prefix
        }
        var prefix = ""
        for p in ["m", "u", "n", "p", "f", "a", "z", "y"] {
            if abs(x) >= 1 { break }
            prefix = p
            x *= 1000
        }
        return GoFormat.g(x, precision: 4) + prefix
    }

    static func binary(_ v: Double) -> String {
        if abs(v) <= 1 || v.isNaN || v.isInfinite { return GoFormat.g(v, precision: 4) }
        var x = v
        var prefix = ""
        for p in ["ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"] {
            if abs(x) < 1024 { break }
            prefix = p
            x /= 1024
        }
        return GoFormat.g(x, precision: 4) + prefix
    }

    static func duration(_ v: Double) -> String {
        if v.isNaN || v.isInfinite { return GoFormat.g(v, precision: 4) }
        if v == 0 { return "0s" }
        var x = v
        var sign = ""
        if x < 0 { sign = "-"; x = -x }
        if x < 1 {
            var prefix = ""
            for p in ["m", "u", "n", "p", "f", "a", "z", "y"] {
                if x >= 1 { break }
                prefix = p
                x *= 1000
            }
            return sign + GoFormat.g(x, precision: 4) + prefix + "s"
        }
        // Go converts to int64 here; huge values overflow there, we clamp.
        let total = x < 9.2e18 ? Int64(x) : Int64.max
        let seconds = total % 60, minutes = (total / 60) % 60, hours = (total / 3600) % 24, days = total / 86400
        if days != 0 { return "\(sign)\(days)d \(hours)h \(minutes)m \(seconds)s" }
        if hours != 0 { return "\(sign)\(hours)h \(minutes)m \(seconds)s" }
        if minutes != 0 { return "\(sign)\(minutes)m \(seconds)s" }
        return sign + GoFormat.g(x, precision: 4) + "s"
    }

    /// Go's default time format in UTC with millisecond resolution.
    struct Overflow: Error {}
    static func timestamp(_ v: Double) throws -> String {
        let ms = (v * 1000).rounded(.towardZero)
        guard abs(ms) < 9.2e18 else { throw TemplateFunctions.CallError(message: "time overflow") }
        let msInt = Int64(ms)
        var secs = msInt / 1000
        var frac = msInt % 1000
        if frac < 0 { frac += 1000; secs -= 1 }
        let date = Date(timeIntervalSince1970: TimeInterval(secs))
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        let c = cal.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        var s = String(format: "%04d-%02d-%02d %02d:%02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
        if frac != 0 {
            var f = String(format: "%03d", frac)
            while f.hasSuffix("0") { f.removeLast() }
            s += "." + f
        }
        return s + " +0000 UTC"
    }

    /// Go's legacy `strings.Title`: upper-case the first letter after a non-letter.
    static func title(_ s: String) -> String {
        var out = ""
        var prevIsLetter = false
        for ch in s {
            let isLetter = ch.isLetter || ch.isNumber || ch == "_"
            out += (!prevIsLetter && isLetter) ? ch.uppercased() : String(ch)
            prevIsLetter = isLetter
        }
        return out
    }
}

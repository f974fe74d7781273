import Model
/// Go `time.Time` formatting: `String()`, `Format(layout)` and RFC 3339 with nanoseconds.
public enum GoTime {
    /// Seconds from 0001-01-01T00:00:00Z (Go's zero time) to the Unix epoch.
    static let zeroUnixSeconds: Int64 = -62_135_596_800

    struct Civil {
        var year: Int64, month: Int, day: Int, hour: Int, minute: Int, second: Int, nanosecond: Int, weekday: Int, yearDay: Int
    }

    /// Broken-down local time (the time's own offset applied).
    static func civil(_ t: TemplateTime) -> Civil {
        let ns = t.nanoseconds
        var secs: Int64, nano: Int64
        if let ns {
            secs = ns / 1_000_000_000
            nano = ns % 1_000_000_000
            if nano < 0 { nano += 1_000_000_000; secs -= 1 }
        } else {
            secs = zeroUnixSeconds
            nano = 0
        }
        secs += Int64(t.offset)
        let c = CivilDate(secondsSinceEpoch: secs)
        return Civil(year: c.year, month: c.month, day: c.day, hour: c.hour, minute: c.minute,
                     second: c.second, nanosecond: Int(nano), weekday: c.weekday, yearDay: c.yearDay)
    }

    static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v.magnitude)
        return (v < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - s.count)) + s
    }

    static func pad(_ v: Int, _ width: Int) -> String { pad(Int64(v), width) }

    static func zone(_ offset: Int, colon: Bool, seconds: Bool = false) -> String {
        let sign = offset < 0 ? "-" : "+"
        let a = abs(offset)
        var s = sign + pad(a / 3600, 2) + (colon ? ":" : "") + pad(a % 3600 / 60, 2)
        if seconds { s += (colon ? ":" : "") + pad(a % 60, 2) }
        return s
    }

    /// `time.Time.String()`: `2006-01-02 15:04:05.999999999 -0700 MST`.
    public static func string(_ t: TemplateTime) -> String {
        format(t, layout: "2006-01-02 15:04:05.999999999 -0700 MST")
    }

    /// `time.Time.Format(time.RFC3339Nano)`, the encoding of times in JSON bodies.
    public static func rfc3339Nano(_ t: TemplateTime) -> String {
        format(t, layout: "2006-01-02T15:04:05.999999999Z07:00")
    }

    static let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                         "October", "November", "December"]
    static let days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

    /// `time.Time.Format(layout)` for Go's reference-time tokens.
    public static func format(_ t: TemplateTime, layout: String) -> String {
        let c = civil(t)
        let l = Array(layout.utf8)
        var out: [UInt8] = []
        var i = 0
        func has(_ s: String) -> Bool {
            let p = Array(s.utf8)
            return i + p.count <= l.count && Array(l[i..<i + p.count]) == p
        }
        func fraction(_ digits: Int, trim: Bool) -> String {
            var s = pad(c.nanosecond, 9)
            s = String(s.prefix(digits))
            if trim {
                while s.hasSuffix("0") { s.removeLast() }
                return s.isEmpty ? "" : "." + s
            }
            return "." + s
        }
        while i < l.count {
            // Longest tokens first.
            let tokens: [(String, () -> String)] = [
                ("January", { months[c.month - 1] }), ("Jan", { String(months[c.month - 1].prefix(3)) }),
                ("Monday", { days[c.weekday] }), ("Mon", { String(days[c.weekday].prefix(3)) }),
                ("MST", { t.zoneName.isEmpty ? zone(t.offset, colon: false) : t.zoneName }),
                ("2006", { pad(c.year, 4) }), ("Z07:00:00", { t.offset == 0 ? "Z" : zone(t.offset, colon: true, seconds: true) }),
                ("Z07:00", { t.offset == 0 ? "Z" : zone(t.offset, colon: true) }), ("Z0700", { t.offset == 0 ? "Z" : zone(t.offset, colon: false) }),
                ("Z07", { t.offset == 0 ? "Z" : String(zone(t.offset, colon: false).prefix(3)) }),
                ("-07:00:00", { zone(t.offset, colon: true, seconds: true) }), ("-07:00", { zone(t.offset, colon: true) }),
                ("-0700", { zone(t.offset, colon: false) }), ("-07", { String(zone(t.offset, colon: false).prefix(3)) }),
                ("002", { pad(c.yearDay, 3) }), ("01", { pad(c.month, 2) }), ("02", { pad(c.day, 2) }), ("_2", { (c.day < 10 ? " " : "") + String(c.day) }),
                ("06", { pad(c.year % 100, 2) }), ("15", { pad(c.hour, 2) }), ("03", { pad(c.hour % 12 == 0 ? 12 : c.hour % 12, 2) }),
                ("04", { pad(c.minute, 2) }), ("05", { pad(c.second, 2) }), ("PM", { c.hour >= 12 ? "PM" : "AM" }), ("pm", { c.hour >= 12 ? "pm" : "am" }),
                ("1", { String(c.month) }), ("2", { String(c.day) }), ("3", { String(c.hour % 12 == 0 ? 12 : c.hour % 12) }),
                ("4", { String(c.minute) }), ("5", { String(c.second) }),
            ]
            // Fractional seconds: `.000` / `,000` (fixed) and `.999` (trimmed) after a separator.
            if (l[i] == UInt8(ascii: ".") || l[i] == UInt8(ascii: ",")), i + 1 < l.count,
               l[i + 1] == UInt8(ascii: "0") || l[i + 1] == UInt8(ascii: "9") {
                let digit = l[i + 1]
                var j = i + 1
                while j < l.count, l[j] == digit { j += 1 }
                if j >= l.count || !(l[j] >= UInt8(ascii: "0") && l[j] <= UInt8(ascii: "9")) {
                    var f = fraction(min(j - i - 1, 9), trim: digit == UInt8(ascii: "9"))
                    if l[i] == UInt8(ascii: ","), !f.isEmpty { f = "," + f.dropFirst() }
                    out += Array(f.utf8)
                    i = j
                    continue
                }
            }
            if let (tok, render) = tokens.first(where: { has($0.0) }) {
                out += Array(render().utf8)
                i += tok.utf8.count
                continue
            }
            out.append(l[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}

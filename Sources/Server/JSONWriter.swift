import Model

/// Builds JSON text the way Go's `encoding/json` writes it (Prometheus' API encoder):
/// no whitespace, `<`, `>` and `&` escaped as `\u003c`, `\u003e`, `\u0026`, U+2028/2029 escaped,
/// map keys in sorted order (callers pass them sorted).
public struct JSONWriter: Sendable {
    public private(set) var text = ""

    public init() {}

    /// Appends raw JSON.
    public mutating func raw(_ s: String) { text += s }

    public mutating func string(_ s: String) { text += JSONWriter.quote(s) }

    /// A key and its colon: `"key":`.
    public mutating func key(_ k: String) { text += JSONWriter.quote(k); text += ":" }

    /// `{"name":"value",...}` for a label set (already sorted by name).
    public mutating func labels(_ l: Labels) {
        text += "{"
        var first = true
        for p in l.pairs {
            if !first { text += "," }
            first = false
            key(p.name)
            string(p.value)
        }
        text += "}"
    }

    /// A string map with keys in byte order, as Go marshals maps.
    public mutating func stringMap(_ m: [String: String]) {
        text += "{"
        var first = true
        for k in m.keys.sorted(by: { $0.utf8Precedes($1) }) {
            if !first { text += "," }
            first = false
            key(k)
            string(m[k]!)
        }
        text += "}"
    }

    static let hex: [Character] = Array("0123456789abcdef")

    /// Go's JSON string encoding with HTML escaping.
    public static func quote(_ s: String) -> String { quote(s, escapeHTML: true) }

    /// Go's JSON string encoding, with HTML escaping unless `escapeHTML` is false (an encoder
    /// with `SetEscapeHTML(false)`, as go-openapi's JSON producer).
    public static func quote(_ s: String, escapeHTML: Bool) -> String {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<", ">", "&", "\u{2028}", "\u{2029}":
                if !escapeHTML && (u == "<" || u == ">" || u == "&") {
                    out.unicodeScalars.append(u)
                    continue
                }
                out += "\\u" + String(repeating: "0", count: 4 - String(u.value, radix: 16).count) + String(u.value, radix: 16)
            default:
                if u.value < 0x20 {
                    out += "\\u00" + String(hex[Int(u.value >> 4)]) + String(hex[Int(u.value & 0xF)])
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
        return out
    }
}

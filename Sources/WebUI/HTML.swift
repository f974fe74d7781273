import Foundation

/// An HTML document under construction. Every piece of user data goes through `text(_:)` or
/// `attr(_:)`, which escape it; `raw(_:)` is only for markup this target writes itself.
struct HTML {
    private(set) var output = ""

    init() { output.reserveCapacity(16 * 1024) }

    /// Markup written by the renderer itself (never user data).
    mutating func raw(_ s: String) { output += s }

    /// Text content, escaped.
    mutating func text(_ s: String) { output += HTML.escape(s) }

    /// `<tag attrs>text</tag>` with the text escaped; `attrs` is trusted markup.
    mutating func element(_ tag: String, _ attrs: String = "", _ content: String) {
        output += "<" + tag + (attrs.isEmpty ? "" : " " + attrs) + ">"
        output += HTML.escape(content)
        output += "</" + tag + ">"
    }

    /// `name="value"` with the value escaped, for building attribute lists.
    static func attr(_ name: String, _ value: String) -> String { name + "=\"" + escape(value) + "\"" }

    /// Escapes `&`, `<`, `>`, `"` and `'`: safe in text and in quoted attribute values.
    static func escape(_ s: String) -> String {
        // Fast path: most strings need nothing.
        guard s.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 16)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// A link target that is safe to put in `href`: http(s) URLs and relative paths pass,
    /// anything else (`javascript:`, `data:`) gives nil. Annotations are user data.
    static func safeURL(_ s: String) -> String? {
        let t = s.trimmingCharacters(in: .whitespaces)
        let lower = t.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") { return t }
        if t.hasPrefix("/") && !t.hasPrefix("//") { return t }
        return nil
    }
}

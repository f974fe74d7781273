/// Alertmanager 0.25's "classic" matcher parser (`pkg/labels/parse.go`), used by route
/// `matchers`, inhibit `source_matchers`/`target_matchers`, silences and amtool.
public enum MatcherParser {
    /// `{a="b", c=~"d|e"}` or `a=b,c!=d`: one leading `{` and one trailing `}` are stripped, then the
    /// text is split on commas outside double quotes; an empty last item is ignored.
    public static func parseMatchers(_ text: String) throws(MatcherError) -> [Matcher] {
        var s = Substring(text)
        if s.hasPrefix("{") { s = s.dropFirst() }
        if s.hasSuffix("}") { s = s.dropLast() }
        var tokens: [String] = []
        var token = ""
        var insideQuotes = false, escaped = false
        for r in s.unicodeScalars {
            switch r {
            case ",":
                if !insideQuotes {
                    tokens.append(token)
                    token = ""
                    continue
                }
            case "\"":
                if !escaped { insideQuotes.toggle() } else { escaped = false }
            case "\\":
                escaped.toggle()
            default:
                escaped = false
            }
            token.unicodeScalars.append(r)
        }
        let last = trimGoSpace(token)
        if !last.isEmpty { tokens.append(last) }
        var out: [Matcher] = []
        for t in tokens { out.append(try parseMatcher(t)) }
        return out
    }

    /// One matcher: `^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*((?s).*?)\s*$`, then the value's
    /// quotes and escapes (`\n`, `\"`, `\\`; other escapes stay literal).
    public static func parseMatcher(_ s: String) throws(MatcherError) -> Matcher {
        let c = Array(s.unicodeScalars)
        var i = 0
        func isSpace(_ u: Unicode.Scalar) -> Bool { u == " " || u == "\t" || u == "\n" || u == "\r" || u == "\u{0C}" }
        func isNameStart(_ u: Unicode.Scalar) -> Bool { (u >= "a" && u <= "z") || (u >= "A" && u <= "Z") || u == "_" || u == ":" }
        while i < c.count, isSpace(c[i]) { i += 1 }
        guard i < c.count, isNameStart(c[i]) else { throw .badFormat(s) }
        var name = ""
        while i < c.count, isNameStart(c[i]) || (c[i] >= "0" && c[i] <= "9") { name.unicodeScalars.append(c[i]); i += 1 }
        while i < c.count, isSpace(c[i]) { i += 1 }
        let kind: Matcher.Kind
        if i + 1 < c.count, c[i] == "=", c[i + 1] == "~" { kind = .regexMatch; i += 2 }
        else if i < c.count, c[i] == "=" { kind = .equal; i += 1 }
        else if i + 1 < c.count, c[i] == "!", c[i + 1] == "=" { kind = .notEqual; i += 2 }
        else if i + 1 < c.count, c[i] == "!", c[i + 1] == "~" { kind = .regexNoMatch; i += 2 }
        else { throw .badFormat(s) }
        while i < c.count, isSpace(c[i]) { i += 1 }
        var end = c.count
        while end > i, isSpace(c[end - 1]) { end -= 1 }
        var raw = String(String.UnicodeScalarView(c[i..<end]))
        let shown = raw
        var expectTrailingQuote = false
        if raw.hasPrefix("\"") {
            raw.removeFirst()
            expectTrailingQuote = true
        }
        let r = Array(raw.unicodeScalars)
        var value = ""
        var escaped = false
        for (j, u) in r.enumerated() {
            if escaped {
                escaped = false
                switch u {
                case "n": value += "\n"
                case "\"", "\\": value.unicodeScalars.append(u)
                default: value += "\\"; value.unicodeScalars.append(u)
                }
                continue
            }
            switch u {
            case "\\":
                if j < r.count - 1 { escaped = true; continue }
                value += "\\"
            case "\"":
                if !expectTrailingQuote || j < r.count - 1 { throw .unescapedQuote(shown) }
                expectTrailingQuote = false
            default:
                value.unicodeScalars.append(u)
            }
        }
        if expectTrailingQuote { throw .unescapedQuote(shown) }
        do {
            return try Matcher(kind, name, value)
        } catch let e as MatcherError {
            throw e
        } catch {
            throw .regex("\(error)")
        }
    }

    /// Go's `strings.TrimSpace` (ASCII and Unicode white space).
    static func trimGoSpace(_ s: String) -> String {
        let u = Array(s.unicodeScalars)
        var a = 0, b = u.count
        while a < b, u[a].properties.isWhitespace { a += 1 }
        while b > a, u[b - 1].properties.isWhitespace { b -= 1 }
        return String(String.UnicodeScalarView(u[a..<b]))
    }
}

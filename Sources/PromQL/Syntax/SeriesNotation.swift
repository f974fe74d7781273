import Model

/// The expanding notation of test series (`load` blocks, promtool's `input_series`):
/// `1 _ 3 _x2 stale 7`, `0+10x5`, `5-1x3`, `2x4`.
public enum SeriesNotation {
    /// One slot's content: a value, a gap (`nil`), or a staleness marker.
    public typealias Slot = Double?

    /// Expands `values` into slots; slot k sits at k × interval.
    public static func expand(_ values: String) throws(ParseError) -> [Slot] {
        var out: [Slot] = []
        let bytes = Array(values.utf8)
        var i = 0
        func fail(_ p: Int, _ m: String) -> ParseError {
            ParseError(position: PositionRange(p, p), message: m, query: values)
        }
        while i < bytes.count {
            if bytes[i] == 32 || bytes[i] == 9 || bytes[i] == 10 { i += 1; continue }
            let start = i
            while i < bytes.count, bytes[i] != 32, bytes[i] != 9, bytes[i] != 10 { i += 1 }
            let item = String(decoding: bytes[start..<i], as: UTF8.self)
            if item == "_" { out.append(nil); continue }
            if item == "stale" { out.append(StaleNaN.value); continue }
            if item.hasPrefix("_x") {
                guard let k = Int(item.dropFirst(2)), k >= 0 else { throw fail(start, "invalid repetition in series values: \(goQuoteRaw(item))") }
                out.append(contentsOf: Array(repeating: nil, count: k))
                continue
            }
            // A[+-B]xK or A
            guard let (base, rest) = scanNumber(Substring(item)) else {
                if let f = item.first, f.isLetter {
                    throw fail(start, "unexpected identifier \(goQuoteRaw(item)) in series values, expected number or \"stale\"")
                }
                throw fail(start, "invalid number in series values: \(goQuoteRaw(item))")
            }
            if rest.isEmpty { out.append(base); continue }
            var delta = 0.0
            var r = rest
            if r.first == "+" || r.first == "-" {
                let neg = r.first == "-"
                r = r.dropFirst()
                guard let (d, rr) = scanNumber(r, allowSign: false) else { throw fail(start, "invalid increment in series values: \(goQuoteRaw(item))") }
                delta = neg ? -d : d
                r = rr
            }
            guard r.first == "x", let k = Int(r.dropFirst()), k >= 0 else {
                throw fail(start, "unexpected \(goQuoteRaw(String(r))) in series values, expected repetition \"x<n>\"")
            }
            var v = base
            out.append(v)
            for _ in 0..<k { v += delta; out.append(v) }
        }
        return out
    }

    /// A leading number (decimal with exponent, or Inf/NaN with a sign) and the rest.
    static func scanNumber(_ s: Substring, allowSign: Bool = true) -> (Double, Substring)? {
        var i = s.startIndex
        var sign = ""
        if allowSign, i < s.endIndex, s[i] == "+" || s[i] == "-" { sign = String(s[i]); i = s.index(after: i) }
        let rest = s[i...]
        for word in ["inf", "nan"] where rest.lowercased().hasPrefix(word) {
            let after = rest.index(rest.startIndex, offsetBy: 3)
            let v: Double = word == "inf" ? .infinity : normalNaN
            return (sign == "-" ? -v : v, rest[after...])
        }
        let digitsStart = i
        while i < s.endIndex, s[i].isASCII, s[i].isNumber || s[i] == "." { i = s.index(after: i) }
        if i < s.endIndex, s[i] == "e" || s[i] == "E" {
            var j = s.index(after: i)
            if j < s.endIndex, s[j] == "+" || s[j] == "-" { j = s.index(after: j) }
            if j < s.endIndex, s[j].isASCII, s[j].isNumber {
                i = j
                while i < s.endIndex, s[i].isASCII, s[i].isNumber { i = s.index(after: i) }
            }
        }
        guard i > digitsStart, let v = Double(sign + s[digitsStart..<i]) else { return nil }
        return (v, s[i...])
    }

    /// Splits a series line `name{labels} values...` after the metric part (braces and quotes
    /// respected); nil when a brace is left open.
    public static func splitLine(_ s: String) -> (metric: String, values: String)? {
        let c = Array(s)
        var i = 0, depth = 0
        var quote: Character? = nil
        while i < c.count {
            let ch = c[i]
            if let q = quote {
                if ch == "\\" { i += 2; continue }
                if ch == q { quote = nil }
            } else if ch == "\"" || ch == "'" || ch == "`" {
                quote = ch
            } else if ch == "{" {
                depth += 1
            } else if ch == "}" {
                depth -= 1
                if depth == 0 { i += 1; break }
            } else if (ch == " " || ch == "\t") && depth == 0 {
                break
            }
            i += 1
        }
        guard depth == 0 else { return nil }
        func trim(_ x: ArraySlice<Character>) -> String {
            String(x).trimmingCharacters(in: [" ", "\t", "\r"])
        }
        return (trim(c[..<min(i, c.count)]), trim(c[min(i, c.count)...]))
    }

    /// Parses `name{l="v"}` as a series' label set (the left side of a series line).
    public static func parseLabels(_ text: String) throws(ParseError) -> Labels {
        let vs = try PromQLParser.parseSeriesSelector(text)
        var b = LabelsBuilder()
        for m in vs.matchers {
            guard m.kind == .equal else {
                throw ParseError(position: vs.position, message: "unexpected matcher \(m) in series description, expected \"=\"", query: text)
            }
            b.set(m.name, m.value)
        }
        return b.labels
    }
}

extension PromQLParser {
    /// A selector that may be empty (`{}`), as series descriptions allow.
    static func parseSeriesSelector(_ text: String) throws(ParseError) -> VectorSelector {
        var lexer = Lexer(text)
        let tokens = try lexer.run()
        var p = Parser(tokens: tokens, query: text)
        let t = p.current
        let vs: Expr
        switch t.kind {
        case .leftBrace:
            vs = try p.parseVectorSelectorAllowingEmpty(name: nil, start: t.pos, labelSet: true)
        case .identifier, .metricIdentifier, .aggregator, .keyword:
            _ = p.advance()
            vs = try p.parseVectorSelectorAllowingEmpty(name: t.text, start: t.pos, labelSet: true)
        case .op(let o) where [.and, .or, .unless, .atan2].contains(o):
            _ = p.advance()
            vs = try p.parseVectorSelectorAllowingEmpty(name: t.text, start: t.pos, labelSet: true)
        default:
            throw p.unexpected("series description", expected: "metric name or \"{\"")
        }
        if p.current.kind != .eof { throw p.unexpected("series description") }
        guard case .vectorSelector(let s) = vs else { throw p.unexpected("series description") }
        return s
    }
}

extension String {
    func trimmingCharacters(in set: Set<Character>) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}

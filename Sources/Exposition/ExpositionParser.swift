import Model

/// Parses the Prometheus text format and OpenMetrics text, rejecting the whole page on the
/// first malformed line (a scrape then fails, as Prometheus fails it).
public struct ExpositionParser {
    public let format: ExpositionFormat

    public init(format: ExpositionFormat) { self.format = format }

    public func parse(_ text: String) throws(ExpositionError) -> ParsedPage {
        var copy = text
        let result: Result<ParsedPage, ExpositionError> = copy.withUTF8 { buf in
            Result { () throws(ExpositionError) -> ParsedPage in try parseBuffer(buf) }
        }
        return try result.get()
    }

    private func parseBuffer(_ buf: UnsafeBufferPointer<UInt8>) throws(ExpositionError) -> ParsedPage {
        var page = ParsedPage()
        do {
            var sawEOF = false
            var lineNo = 0
            var start = 0
            while start < buf.count {
                var end = start
                while end < buf.count && buf[end] != 10 { end += 1 }
                lineNo += 1
                let line = UnsafeBufferPointer(rebasing: buf[start..<end])
                if sawEOF {
                    if !(line.isEmpty && end == buf.count) {
                        throw ExpositionError(line: lineNo, column: 1, message: "unexpected data after # EOF")
                    }
                } else if try parseLine(line, lineNo, &page) {
                    sawEOF = true
                }
                start = end + 1
            }
            if format == .openMetrics && !sawEOF {
                throw ExpositionError(line: lineNo, column: 1, message: "expected \"# EOF\" at the end of the page")
            }
        }
        return page
    }

    /// Returns true for `# EOF`.
    private func parseLine(_ l: UnsafeBufferPointer<UInt8>, _ n: Int, _ page: inout ParsedPage) throws(ExpositionError) -> Bool {
        var c = Cursor(buf: l, line: n)
        if format == .prometheusText { c.skipSpaces() }
        if c.atEnd {
            if format == .openMetrics { throw c.fail("unexpected empty line") }
            return false
        }
        if c.peek == UInt8(ascii: "#") { return try parseComment(&c, &page) }
        try parseSample(&c, &page)
        return false
    }

    private func parseComment(_ c: inout Cursor, _ page: inout ParsedPage) throws(ExpositionError) -> Bool {
        if format == .openMetrics && c.rest == "# EOF" { return true }
        c.advance()  // #
        guard c.peek == UInt8(ascii: " ") else {
            if format == .openMetrics { throw c.fail("expected a space after \"#\"") }
            return false
        }
        c.advance()
        if format == .prometheusText { c.skipSpaces() }
        let word = c.word()
        guard word == "HELP" || word == "TYPE" || word == "UNIT" else {
            if format == .openMetrics { throw c.fail("unknown comment \(goQuote(word)), expected HELP, TYPE, UNIT or EOF") }
            return false
        }
        if word == "UNIT" && format == .prometheusText { return false }
        guard c.peek == UInt8(ascii: " ") else { throw c.fail("expected a metric name after \(word)") }
        c.advance()
        if format == .prometheusText { c.skipSpaces() }
        let name = c.metricName()
        guard !name.isEmpty else { throw c.fail("invalid metric name in \(word) line") }
        var rest = ""
        if c.peek == UInt8(ascii: " ") {
            c.advance()
            rest = c.rest
        } else if !c.atEnd {
            throw c.fail("expected a space after the metric name")
        }
        switch word {
        case "HELP":
            page.metadata[name, default: MetricMetadata()].help = unescapeHelp(rest)
        case "TYPE":
            let t = rest.trimmingSpaces
            let allowed: Set<String> = format == .openMetrics
                ? ["counter", "gauge", "histogram", "gaugehistogram", "stateset", "info", "summary", "unknown"]
                : ["counter", "gauge", "histogram", "summary", "untyped"]
            guard allowed.contains(t) else { throw c.fail("invalid metric type \(goQuote(t))") }
            page.metadata[name, default: MetricMetadata()].type = t == "untyped" ? "unknown" : t
        default:
            page.metadata[name, default: MetricMetadata()].unit = rest
        }
        return false
    }

    private func parseSample(_ c: inout Cursor, _ page: inout ParsedPage) throws(ExpositionError) {
        let name = c.metricName()
        guard !name.isEmpty else { throw c.fail("expected a metric name, got \(c.describeNext)") }
        var labels = [Label(name: Labels.metricName, value: name)]
        if c.peek == UInt8(ascii: "{") {
            c.advance()
            try parseLabels(&c, &labels)
        }
        guard c.peek == UInt8(ascii: " ") || (format == .prometheusText && c.peek == UInt8(ascii: "\t")) else {
            throw c.fail("expected a space before the value, got \(c.describeNext)")
        }
        c.advance()
        if format == .prometheusText { c.skipSpaces() }
        let vText = c.token()
        guard let value = parseValue(vText) else { throw c.fail("invalid value \(goQuote(vText)), expected a number") }
        var ts: Int64? = nil
        if c.peek == UInt8(ascii: " ") || c.peek == UInt8(ascii: "\t") {
            c.advance()
            if format == .prometheusText { c.skipSpaces() }
            if !c.atEnd && c.peek != UInt8(ascii: "#") {
                let tText = c.token()
                if format == .prometheusText {
                    guard let t = Int64(tText) else { throw c.fail("invalid timestamp \(goQuote(tText)), expected integer milliseconds") }
                    ts = t
                } else {
                    guard let t = Double(tText), t.isFinite else {
                        throw c.fail("invalid timestamp \(goQuote(tText)), expected seconds")
                    }
                    ts = Int64((t * 1000).rounded(.toNearestOrAwayFromZero))
                }
                if c.peek == UInt8(ascii: " ") { c.advance() }
            }
            if format == .openMetrics && !c.atEnd {
                // An exemplar: parsed for validity, then dropped.
                guard c.rest.hasPrefix("# {") else { throw c.fail("unexpected \(c.describeNext) after the sample") }
            } else if format == .prometheusText {
                c.skipSpaces()
                if !c.atEnd { throw c.fail("unexpected \(c.describeNext) after the sample") }
            }
        } else if !c.atEnd {
            throw c.fail("unexpected \(c.describeNext) after the value")
        }
        labels.sort()
        for i in 1..<labels.count where labels[i].name == labels[i - 1].name {
            throw c.fail("duplicate label name \(goQuote(labels[i].name))")
        }
        page.samples.append(ParsedSample(labels: labels.filter { !$0.value.isEmpty }, value: value, timestamp: ts, line: c.line))
    }

    private func parseLabels(_ c: inout Cursor, _ labels: inout [Label]) throws(ExpositionError) {
        while true {
            if format == .prometheusText { c.skipSpaces() }
            if c.peek == UInt8(ascii: "}") { c.advance(); return }
            let name = c.labelName()
            guard !name.isEmpty else { throw c.fail("expected a label name or \"}\", got \(c.describeNext)") }
            if format == .prometheusText { c.skipSpaces() }
            guard c.peek == UInt8(ascii: "=") else { throw c.fail("expected \"=\" after label name \(goQuote(name)), got \(c.describeNext)") }
            c.advance()
            if format == .prometheusText { c.skipSpaces() }
            guard c.peek == UInt8(ascii: "\"") else { throw c.fail("expected a quoted label value, got \(c.describeNext)") }
            c.advance()
            let value = try c.quoted()
            labels.append(Label(name: name, value: value))
            if format == .prometheusText { c.skipSpaces() }
            if c.peek == UInt8(ascii: ",") { c.advance(); continue }
            if c.peek == UInt8(ascii: "}") { c.advance(); return }
            throw c.fail("expected \",\" or \"}\" after a label value, got \(c.describeNext)")
        }
    }

    private func parseValue(_ s: String) -> Double? {
        switch s {
        case "NaN": return normalNaN
        case "+Inf", "Inf": return .infinity
        case "-Inf": return -.infinity
        default:
            guard !s.isEmpty, s.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 46 || $0 == 43 || $0 == 45 || $0 == 101 || $0 == 69 }) else {
                return nil
            }
            return Double(s)
        }
    }

    private func unescapeHelp(_ s: String) -> String {
        var out = ""
        var it = s.makeIterator()
        while let ch = it.next() {
            if ch == "\\", let n = it.next() {
                switch n {
                case "n": out.append("\n")
                case "\\": out.append("\\")
                case "\"" where format == .openMetrics: out.append("\"")
                default: out.append("\\"); out.append(n)
                }
            } else {
                out.append(ch)
            }
        }
        return out
    }
}

/// Reads one line byte by byte, tracking the column for error messages.
struct Cursor {
    let buf: UnsafeBufferPointer<UInt8>
    let line: Int
    var pos = 0

    var atEnd: Bool { pos >= buf.count }
    var peek: UInt8? { pos < buf.count ? buf[pos] : nil }
    mutating func advance() { pos += 1 }
    var rest: String { String(decoding: buf[pos...], as: UTF8.self) }

    var describeNext: String {
        guard let p = peek else { return "end of line" }
        if p == 32 { return "\" \"" }
        return goQuote(String(decoding: buf[pos..<min(pos + 1, buf.count)], as: UTF8.self))
    }

    func fail(_ m: String) -> ExpositionError { ExpositionError(line: line, column: pos + 1, message: m) }

    mutating func skipSpaces() { while let p = peek, p == 32 || p == 9 { _ = p; pos += 1 } }

    mutating func word() -> String {
        let s = pos
        while let p = peek, p != 32 { _ = p; pos += 1 }
        return String(decoding: buf[s..<pos], as: UTF8.self)
    }

    mutating func token() -> String {
        let s = pos
        while let p = peek, p != 32, p != 9 { _ = p; pos += 1 }
        return String(decoding: buf[s..<pos], as: UTF8.self)
    }

    static func isNameStart(_ c: UInt8, colon: Bool) -> Bool {
        (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c == 95 || (colon && c == 58)
    }

    mutating func metricName() -> String { name(colon: true) }
    mutating func labelName() -> String { name(colon: false) }

    private mutating func name(colon: Bool) -> String {
        let s = pos
        guard let f = peek, Cursor.isNameStart(f, colon: colon) else { return "" }
        pos += 1
        while let p = peek, Cursor.isNameStart(p, colon: colon) || (p >= 48 && p <= 57) { _ = p; pos += 1 }
        return String(decoding: buf[s..<pos], as: UTF8.self)
    }

    /// A label value after its opening quote: `\\`, `\"` and `\n` escapes.
    mutating func quoted() throws(ExpositionError) -> String {
        var bytes: [UInt8] = []
        while true {
            guard let p = peek else { throw fail("unterminated label value: expected a closing \"\\\"\"") }
            pos += 1
            if p == UInt8(ascii: "\"") { break }
            if p == UInt8(ascii: "\\") {
                guard let e = peek else { throw fail("unterminated escape in label value") }
                pos += 1
                switch e {
                case UInt8(ascii: "n"): bytes.append(10)
                case UInt8(ascii: "\\"): bytes.append(92)
                case UInt8(ascii: "\""): bytes.append(34)
                default: bytes.append(92); bytes.append(e)
                }
                continue
            }
            bytes.append(p)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}

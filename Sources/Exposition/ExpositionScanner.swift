#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import Model

/// Walks a page line by line for `ExpositionParser` and for scrape loops that cache series.
///
/// `nextSeries()` validates comment lines and returns the raw text of the next sample's series
/// (`name{labels}`), found by a quick scan that does not check label syntax (or `nextLine()`,
/// then `seriesText(is:)` to compare with a series text expected there). The caller then
/// either parses the whole line (`parseSample()`, what `ExpositionParser.parse` does for every
/// line) or, when that exact series text parsed before, only the value and timestamp
/// (`parseValue()`). Both run the same code from the end of the series on, so a page is accepted,
/// rejected and reported (line, column, message) the same way either way.
public struct ExpositionScanner {
    public let format: ExpositionFormat
    let buf: UnsafeBufferPointer<UInt8>
    /// Start of the next line.
    var start = 0
    var lineNo = 0
    var sawEOF = false
    var done = false
    /// The current sample line, its cursor at the metric name, and where the quick scan ended the series.
    var cursor: Cursor
    var seriesStart = 0
    var seriesEnd = 0
    /// HELP/TYPE/UNIT by family name.
    public var metadata: [String: MetricMetadata] = [:]
    /// Whether the last `parseSample()` ended the series where the quick scan did: only then may
    /// the series text stand for its labels.
    public private(set) var seriesTextMatched = false

    /// `buffer` must stay valid while the scanner is used.
    public init(format: ExpositionFormat, buffer: UnsafeBufferPointer<UInt8>) {
        self.format = format
        self.buf = buffer
        self.cursor = Cursor(buf: UnsafeBufferPointer(start: nil, count: 0), line: 0)
    }

    /// The 1-based line of the current sample.
    public var line: Int { lineNo }

    /// Moves to the next sample line and returns its series text, or nil at the end of the page.
    public mutating func nextSeries() throws(ExpositionError) -> UnsafeBufferPointer<UInt8>? {
        guard try nextLine() else { return nil }
        return seriesText()
    }

    /// Moves to the next sample line (false at the end of the page), checking the lines before it.
    public mutating func nextLine() throws(ExpositionError) -> Bool {
        guard !done else { return false }
        let base = buf.baseAddress
        while start < buf.count {
            let rest = buf.count - start
            var end = buf.count
            if let p = memchr(base! + start, 10, rest) {
                end = UnsafeRawPointer(base!).distance(to: UnsafeRawPointer(p))
            }
            lineNo += 1
            let line = UnsafeBufferPointer(rebasing: buf[start..<end])
            start = end + 1
            if sawEOF {
                if !(line.isEmpty && end == buf.count) {
                    throw ExpositionError(line: lineNo, column: 1, message: "unexpected data after # EOF")
                }
                continue
            }
            var c = Cursor(buf: line, line: lineNo)
            if format == .prometheusText { c.skipSpaces() }
            if c.atEnd {
                if format == .openMetrics { throw c.fail("unexpected empty line") }
                continue
            }
            if c.peek == UInt8(ascii: "#") {
                if try parseComment(&c) { sawEOF = true }
                continue
            }
            cursor = c
            seriesStart = c.pos
            seriesEnd = -1
            return true
        }
        done = true
        if format == .openMetrics && !sawEOF {
            throw ExpositionError(line: lineNo, column: 1, message: "expected \"# EOF\" at the end of the page")
        }
        return false
    }

    /// The current line's series text (`name{labels}`), found by a quick scan that checks nothing.
    public mutating func seriesText() -> UnsafeBufferPointer<UInt8> {
        if seriesEnd < 0 { seriesEnd = Self.scanSeries(cursor.buf, from: seriesStart) }
        return UnsafeBufferPointer(rebasing: cursor.buf[seriesStart..<seriesEnd])
    }

    /// Whether the current line's series text is `key`, a series text taken from an earlier line:
    /// a byte comparison instead of the scan. A key ending in `}` ends where the scan would end
    /// on these bytes; a bare name only if no name character or `{` follows.
    public mutating func seriesText(is key: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = key.count
        let line = cursor.buf
        guard n > 0, line.count - seriesStart >= n,
              memcmp(line.baseAddress! + seriesStart, key.baseAddress!, n) == 0 else { return false }
        if key[n - 1] != UInt8(ascii: "}") && seriesStart + n < line.count {
            let b = line[seriesStart + n]
            if Cursor.isNameStart(b, colon: true) || (b >= 48 && b <= 57) || b == UInt8(ascii: "{") { return false }
        }
        seriesEnd = seriesStart + n
        return true
    }

    /// The whole current sample line: name, labels (sorted, empty values dropped), value, timestamp.
    public mutating func parseSample() throws(ExpositionError) -> ParsedSample {
        if seriesEnd < 0 { seriesEnd = Self.scanSeries(cursor.buf, from: seriesStart) }
        var c = cursor
        c.pos = seriesStart
        let name = c.metricName()
        guard !name.isEmpty else { throw c.fail("expected a metric name, got \(c.describeNext)") }
        var labels = [Label(name: Labels.metricName, value: name)]
        if c.peek == UInt8(ascii: "{") {
            c.advance()
            try parseLabels(&c, &labels)
        }
        seriesTextMatched = c.pos == seriesEnd
        let (value, ts) = try parseRest(&c)
        labels.sort()
        for i in 1..<labels.count where labels[i].name == labels[i - 1].name {
            throw c.fail("duplicate label name \(goQuote(labels[i].name))")
        }
        if labels.contains(where: { $0.value.isEmpty }) { labels.removeAll { $0.value.isEmpty } }
        return ParsedSample(labels: labels, value: value, timestamp: ts, line: c.line)
    }

    /// Value and timestamp of the current line, for a series text that `parseSample()` accepted
    /// before with `seriesTextMatched` (the same bytes parse to the same labels and end).
    public mutating func parseValue() throws(ExpositionError) -> (value: Double, timestamp: Int64?) {
        precondition(seriesEnd >= 0, "parseValue needs the series text found first")
        var c = cursor
        c.pos = seriesEnd
        return try parseRest(&c)
    }

    /// Where the series text ends: after the metric name, and after the `}` closing the labels
    /// (quotes and escapes respected). Checks nothing; the end of the line when unclosed.
    static func scanSeries(_ l: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        var i = from
        let n = l.count
        while i < n {
            let b = l[i]
            if Cursor.isNameStart(b, colon: true) || (b >= 48 && b <= 57) { i += 1 } else { break }
        }
        guard i < n, l[i] == UInt8(ascii: "{") else { return i }
        i += 1
        var quoted = false
        while i < n {
            let b = l[i]
            if quoted {
                if b == UInt8(ascii: "\\") { i += 2; continue }
                if b == UInt8(ascii: "\"") { quoted = false }
            } else if b == UInt8(ascii: "\"") {
                quoted = true
            } else if b == UInt8(ascii: "}") {
                return i + 1
            }
            i += 1
        }
        return n
    }

    /// Returns true for `# EOF`.
    private mutating func parseComment(_ c: inout Cursor) throws(ExpositionError) -> Bool {
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
            metadata[name, default: MetricMetadata()].help = unescapeHelp(rest)
        case "TYPE":
            let t = rest.trimmingSpaces
            let allowed: Set<String> = format == .openMetrics
                ? ["counter", "gauge", "histogram", "gaugehistogram", "stateset", "info", "summary", "unknown"]
                : ["counter", "gauge", "histogram", "summary", "untyped"]
            guard allowed.contains(t) else { throw c.fail("invalid metric type \(goQuote(t))") }
            metadata[name, default: MetricMetadata()].type = t == "untyped" ? "unknown" : t
        default:
            metadata[name, default: MetricMetadata()].unit = rest
        }
        return false
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

    /// Everything after the series: the space, value, optional timestamp, exemplar or trailing blanks.
    private func parseRest(_ c: inout Cursor) throws(ExpositionError) -> (Double, Int64?) {
        guard c.peek == UInt8(ascii: " ") || (format == .prometheusText && c.peek == UInt8(ascii: "\t")) else {
            throw c.fail("expected a space before the value, got \(c.describeNext)")
        }
        c.advance()
        if format == .prometheusText { c.skipSpaces() }
        let vText = c.tokenRange()
        guard let value = parseValue(c.buf, vText) else {
            throw c.fail("invalid value \(goQuote(c.string(vText))), expected a number")
        }
        var ts: Int64? = nil
        if c.peek == UInt8(ascii: " ") || c.peek == UInt8(ascii: "\t") {
            c.advance()
            if format == .prometheusText { c.skipSpaces() }
            if !c.atEnd && c.peek != UInt8(ascii: "#") {
                let tText = c.tokenRange()
                if format == .prometheusText {
                    guard let t = parseMilliseconds(c.buf, tText) else {
                        throw c.fail("invalid timestamp \(goQuote(c.string(tText))), expected integer milliseconds")
                    }
                    ts = t
                } else {
                    guard let t = Double(c.string(tText)), t.isFinite else {
                        throw c.fail("invalid timestamp \(goQuote(c.string(tText))), expected seconds")
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
        return (value, ts)
    }

    /// `NaN`, `+Inf`/`Inf`, `-Inf`, or a decimal number (`[0-9.+-eE]` only, then Swift's `Double`).
    /// Plain integers of up to 15 digits and decimals of up to 15 significant digits are converted
    /// here: both operands are exact doubles, so one division rounds exactly as `Double(String)` does.
    func parseValue(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Double? {
        let n = r.count
        if n > 0 && n <= 16 {
            var mantissa: UInt64 = 0
            var digits = 0
            var fraction = -1
            var simple = true
            for i in r {
                let ch = b[i]
                if ch >= 48 && ch <= 57 {
                    mantissa = mantissa &* 10 &+ UInt64(ch - 48)
                    digits += 1
                    if fraction >= 0 { fraction += 1 }
                } else if ch == 46 && fraction < 0 {
                    fraction = 0
                } else {
                    simple = false
                    break
                }
            }
            if simple && digits > 0 && digits <= 15 {
                let m = Double(mantissa)
                return fraction > 0 ? m / ExpositionScanner.powersOf10[fraction] : m
            }
        }
        let s = String(decoding: UnsafeBufferPointer(rebasing: b[r]), as: UTF8.self)
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

    /// Exact powers of ten up to 1e16 (every one is a double exactly).
    static let powersOf10: [Double] = (0...16).map { k in (0..<k).reduce(1.0) { a, _ in a * 10 } }

    /// A text-format timestamp: `Int64(String)` semantics, with plain digit strings done here.
    func parseMilliseconds(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Int64? {
        if r.count > 0 && r.count <= 18 {
            var v: Int64 = 0
            for i in r {
                let ch = b[i]
                guard ch >= 48 && ch <= 57 else { return Int64(String(decoding: UnsafeBufferPointer(rebasing: b[r]), as: UTF8.self)) }
                v = v * 10 + Int64(ch - 48)
            }
            return v
        }
        return Int64(String(decoding: UnsafeBufferPointer(rebasing: b[r]), as: UTF8.self))
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

extension ExpositionScanner {
    /// Runs `body` on the bytes `String(decoding: bytes, as: UTF8.self)` would hold: the page
    /// itself when it is ASCII (checked a word at a time), else the repaired copy, so that
    /// columns and values match what `ExpositionParser.parse` sees.
    public static func withPageBytes<R>(_ bytes: [UInt8], _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        let ascii = bytes.withUnsafeBytes { raw -> Bool in
            var i = 0
            var acc: UInt64 = 0
            while i + 8 <= raw.count {
                acc |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                i += 8
            }
            while i < raw.count { acc |= UInt64(raw[i]); i += 1 }
            return acc & 0x8080_8080_8080_8080 == 0
        }
        if ascii { return bytes.withUnsafeBufferPointer(body) }
        var s = String(decoding: bytes, as: UTF8.self)
        return s.withUTF8(body)
    }
}

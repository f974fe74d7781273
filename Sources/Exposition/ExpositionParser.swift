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
        var scanner = ExpositionScanner(format: format, buffer: buf)
        while try scanner.nextSeries() != nil {
            page.samples.append(try scanner.parseSample())
        }
        page.metadata = scanner.metadata
        return page
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

    /// Up to the next space or tab.
    mutating func tokenRange() -> Range<Int> {
        let s = pos
        while let p = peek, p != 32, p != 9 { _ = p; pos += 1 }
        return s..<pos
    }

    func string(_ r: Range<Int>) -> String { String(decoding: buf[r], as: UTF8.self) }

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
        // Most values have no escapes: one String straight from the line.
        var end = pos
        while end < buf.count, buf[end] != UInt8(ascii: "\""), buf[end] != UInt8(ascii: "\\") { end += 1 }
        if end < buf.count, buf[end] == UInt8(ascii: "\"") {
            let s = String(decoding: buf[pos..<end], as: UTF8.self)
            pos = end + 1
            return s
        }
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

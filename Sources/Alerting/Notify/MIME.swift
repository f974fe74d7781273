/// The MIME encodings Alertmanager's email notifier uses, as Go writes them.
enum MIME {
    static let upperhex = Array("0123456789ABCDEF".utf8)

    /// `mime/quotedprintable.Writer` (non-binary): 76-byte lines with `=` soft breaks, line
    /// ends as CRLF, trailing spaces and tabs before a line end encoded.
    static func quotedPrintable(_ input: [UInt8]) -> [UInt8] {
        let lineMax = 76
        var out: [UInt8] = []
        var line: [UInt8] = []
        var cr = false
        func flush() { out += line; line.removeAll(keepingCapacity: true) }
        func insertCRLF() { line += [13, 10]; flush() }
        func softBreak() { line.append(UInt8(ascii: "=")); insertCRLF() }
        func encode(_ b: UInt8) {
            if lineMax - 1 - line.count < 3 { softBreak() }
            line += [UInt8(ascii: "="), upperhex[Int(b >> 4)], upperhex[Int(b & 0x0f)]]
        }
        func checkLastByte() {
            if let last = line.last, last == 32 || last == 9 {
                line.removeLast()
                encode(last)
            }
        }
        for b in input {
            let literal = (b >= 33 && b <= 126 && b != UInt8(ascii: "=")) || b == 32 || b == 9 || b == 10 || b == 13
            if !literal { encode(b); continue }
            if b == 10 || b == 13 {
                if cr && b == 10 { cr = false; continue }
                if b == 13 { cr = true }
                checkLastByte()
                insertCRLF()
                continue
            }
            if line.count == lineMax - 1 { softBreak() }
            line.append(b)
            cr = false
        }
        checkLastByte()
        flush()
        return out
    }

    /// `mime.QEncoding.Encode("utf-8", s)`: unchanged when all bytes are printable ASCII
    /// (or tab), else RFC 2047 encoded-words of at most 75 bytes, not splitting a character.
    static func qEncode(_ s: String) -> String {
        let bytes = Array(s.utf8)
        if !bytes.contains(where: { ($0 < 32 || $0 > 126) && $0 != 9 }) { return s }
        let prefix = "=?utf-8?q?", suffix = "?="
        let maxContent = 75 - prefix.count - suffix.count
        var words: [String] = []
        var current = ""
        for ch in s.unicodeScalars {
            var enc = ""
            for b in String(ch).utf8 {
                if b == 32 { enc += "_" }
                else if b >= 33 && b <= 126 && b != UInt8(ascii: "=") && b != UInt8(ascii: "?") && b != UInt8(ascii: "_") {
                    enc.unicodeScalars.append(UnicodeScalar(b))
                } else {
                    enc += "=" + String(decoding: [upperhex[Int(b >> 4)], upperhex[Int(b & 0x0f)]], as: UTF8.self)
                }
            }
            if current.utf8.count + enc.utf8.count > maxContent {
                words.append(prefix + current + suffix)
                current = ""
            }
            current += enc
        }
        words.append(prefix + current + suffix)
        return words.joined(separator: " ")
    }
}

/// Go-style string literal unquoting for PromQL: "..." and '...' with escapes, `...` raw.
enum StringLiteral {
    static func unquote(_ s: String) -> String? {
        let u = Array(s.unicodeScalars)
        guard u.count >= 2, let q = u.first, u.last == q else { return nil }
        let body = u[1..<(u.count - 1)]
        if q == "`" { return body.contains("`") ? nil : String(String.UnicodeScalarView(body)) }
        guard q == "\"" || q == "'" else { return nil }
        var out = String.UnicodeScalarView()
        var bytes: [UInt8] = []   // pending \x / octal bytes, decoded as UTF-8 together
        func flush() {
            if !bytes.isEmpty { out.append(contentsOf: String(decoding: bytes, as: UTF8.self).unicodeScalars); bytes = [] }
        }
        var i = body.startIndex
        func hex(_ n: Int) -> UInt32? {
            guard body.distance(from: i, to: body.endIndex) >= n else { return nil }
            var v: UInt32 = 0
            for _ in 0..<n {
                guard let d = UInt32(String(body[i]), radix: 16) else { return nil }
                v = v * 16 + d
                i = body.index(after: i)
            }
            return v
        }
        while i < body.endIndex {
            let c = body[i]
            if c == q { return nil }
            if c == "\n" { return nil }
            if c != "\\" { flush(); out.append(c); i = body.index(after: i); continue }
            i = body.index(after: i)
            guard i < body.endIndex else { return nil }
            let e = body[i]
            i = body.index(after: i)
            switch e {
            case "a": flush(); out.append("\u{07}")
            case "b": flush(); out.append("\u{08}")
            case "f": flush(); out.append("\u{0C}")
            case "n": flush(); out.append("\n")
            case "r": flush(); out.append("\r")
            case "t": flush(); out.append("\t")
            case "v": flush(); out.append("\u{0B}")
            case "\\": flush(); out.append("\\")
            case "\"", "'":
                guard e == q else { return nil }
                flush(); out.append(e)
            case "x":
                guard let v = hex(2) else { return nil }
                bytes.append(UInt8(v))
            case "u", "U":
                guard let v = hex(e == "u" ? 4 : 8), let sc = Unicode.Scalar(v) else { return nil }
                flush(); out.append(sc)
            case "0"..."7":
                var v = e.value - 48
                for _ in 0..<2 {
                    guard i < body.endIndex, body[i].value >= 48, body[i].value <= 55 else { return nil }
                    v = v * 8 + body[i].value - 48
                    i = body.index(after: i)
                }
                guard v <= 255 else { return nil }
                bytes.append(UInt8(v))
            default: return nil
            }
        }
        flush()
        return String(out)
    }
}

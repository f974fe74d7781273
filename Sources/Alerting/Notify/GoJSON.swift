/// A JSON value written as Go's `encoding/json` writes it: object keys in the given order
/// (struct field order), maps with sorted keys, HTML-safe escaping (`<` `>` `&` as
/// `\u003c` …), and a trailing newline from `json.Encoder`.
indirect enum GoJSON: Sendable, Equatable {
    case string(String)
    case int(Int)
    case bool(Bool)
    case null
    case array([GoJSON])
    /// Keys in emission order.
    case object([(String, GoJSON)])

    static func == (a: GoJSON, b: GoJSON) -> Bool { a.encoded() == b.encoded() }

    /// A Go `map[string]string`: keys sorted bytewise.
    static func map(_ m: [String: String]) -> GoJSON {
        .object(m.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }.map { ($0, .string(m[$0]!)) })
    }

    /// The encoder's output: the value and `\n`.
    func encoded() -> [UInt8] {
        var out: [UInt8] = []
        write(to: &out)
        out.append(10)
        return out
    }

    func write(to out: inout [UInt8]) {
        switch self {
        case .string(let s): Self.writeString(s, to: &out)
        case .int(let n): out += Array(String(n).utf8)
        case .bool(let b): out += Array((b ? "true" : "false").utf8)
        case .null: out += Array("null".utf8)
        case .array(let a):
            out.append(UInt8(ascii: "["))
            for (i, v) in a.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                v.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            out.append(UInt8(ascii: "{"))
            for (i, (k, v)) in o.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(k, to: &out)
                out.append(UInt8(ascii: ":"))
                v.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static let hex = Array("0123456789abcdef".utf8)

    static func writeString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for u in s.unicodeScalars {
            switch u.value {
            case 0x22: out += [0x5c, 0x22]
            case 0x5c: out += [0x5c, 0x5c]
            case 0x0a: out += [0x5c, UInt8(ascii: "n")]
            case 0x0d: out += [0x5c, UInt8(ascii: "r")]
            case 0x09: out += [0x5c, UInt8(ascii: "t")]
            case 0..<0x20, 0x3c, 0x3e, 0x26, 0x2028, 0x2029:
                let v = u.value
                out += Array("\\u".utf8)
                out += [hex[Int(v >> 12 & 0xf)], hex[Int(v >> 8 & 0xf)], hex[Int(v >> 4 & 0xf)], hex[Int(v & 0xf)]]
            default:
                out += Array(String(u).utf8)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

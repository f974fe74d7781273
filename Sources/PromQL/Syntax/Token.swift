/// A lexical token of PromQL. Positions are byte offsets into the query.
public struct Token: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case eof
        case identifier, metricIdentifier, number, string, duration
        case leftParen, rightParen, leftBrace, rightBrace, leftBracket, rightBracket
        case comma, assign, colon, at
        case op(BinaryOp)
        case eqlRegex, neqRegex
        case aggregator(AggregateOp)
        case keyword(Keyword)
    }

    public enum Keyword: String, Sendable {
        case bool, by, without, on, ignoring
        case groupLeft = "group_left", groupRight = "group_right"
        case offset, start, end
    }

    public var kind: Kind
    public var text: String
    public var pos: Int
    public var end: Int

    /// How Prometheus names a token in "unexpected ..." messages.
    public var description: String {
        switch kind {
        case .eof: return "end of input"
        case .identifier: return "identifier \(goQuoteRaw(text))"
        case .metricIdentifier: return "metric identifier \(goQuoteRaw(text))"
        case .number: return "number \(goQuoteRaw(text))"
        case .string: return "string \(goQuoteRaw(text))"
        case .duration: return "duration \(goQuoteRaw(text))"
        case .op(let o) where o == .and || o == .or || o == .unless || o == .atan2: return "<op:\(text)>"
        case .op: return "<op:\(text)>"
        case .eqlRegex, .neqRegex, .assign: return "<op:\(text)>"
        case .aggregator: return "<aggr:\(text)>"
        case .keyword: return "<\(text)>"
        default: return goQuoteRaw(text)
        }
    }
}

/// `%q` of a raw token text.
func goQuoteRaw(_ s: String) -> String {
    var out = "\""
    for c in s.unicodeScalars {
        switch c {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        default: out.unicodeScalars.append(c)
        }
    }
    return out + "\""
}

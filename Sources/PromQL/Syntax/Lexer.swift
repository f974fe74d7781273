import Model

/// Splits a PromQL query into tokens, as Prometheus' `promql/parser/lex.go` does.
struct Lexer {
    let input: [UInt8]
    var pos = 0
    var tokens: [Token] = []
    var parenDepth = 0
    var braceOpen = false
    var bracketOpen = false
    var gotColon = false

    init(_ s: String) { input = Array(s.utf8) }

    static let keywords: [String: Token.Kind] = {
        var k: [String: Token.Kind] = [
            "and": .op(.and), "or": .op(.or), "unless": .op(.unless), "atan2": .op(.atan2),
        ]
        for a in AggregateOp.allCases { k[a.rawValue] = .aggregator(a) }
        for w in [Token.Keyword.bool, .by, .without, .on, .ignoring, .groupLeft, .groupRight, .offset, .start, .end] {
            k[w.rawValue] = .keyword(w)
        }
        return k
    }()

    func peek(_ o: Int = 0) -> UInt8? { pos + o < input.count ? input[pos + o] : nil }

    func text(_ a: Int, _ b: Int) -> String { String(decoding: input[a..<b], as: UTF8.self) }

    mutating func emit(_ k: Token.Kind, _ start: Int) {
        tokens.append(Token(kind: k, text: text(start, pos), pos: start, end: pos))
    }

    static func isAlpha(_ c: UInt8) -> Bool { c == 95 || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) }
    static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    static func isAlnum(_ c: UInt8) -> Bool { isAlpha(c) || isDigit(c) }

    mutating func run() throws(ParseError) -> [Token] {
        while true {
            guard let c = peek() else {
                if parenDepth > 0 { throw err(pos, "unclosed left parenthesis") }
                if braceOpen { throw err(pos, "unexpected end of input inside braces") }
                if bracketOpen { throw err(pos, "unclosed left bracket") }
                tokens.append(Token(kind: .eof, text: "", pos: pos, end: pos))
                return tokens
            }
            if braceOpen { try lexInsideBraces(c); continue }
            let start = pos
            switch c {
            case 32, 9, 10, 13: pos += 1
            case UInt8(ascii: "#"):
                while let d = peek(), d != 10 { _ = d; pos += 1 }
            case UInt8(ascii: ","): pos += 1; emit(.comma, start)
            case UInt8(ascii: "*"): pos += 1; emit(.op(.mul), start)
            case UInt8(ascii: "/"): pos += 1; emit(.op(.div), start)
            case UInt8(ascii: "%"): pos += 1; emit(.op(.mod), start)
            case UInt8(ascii: "+"): pos += 1; emit(.op(.add), start)
            case UInt8(ascii: "-"): pos += 1; emit(.op(.sub), start)
            case UInt8(ascii: "^"): pos += 1; emit(.op(.pow), start)
            case UInt8(ascii: "@"): pos += 1; emit(.at, start)
            case UInt8(ascii: "="):
                pos += 1
                if peek() == UInt8(ascii: "=") { pos += 1; emit(.op(.eql), start) }
                else if peek() == UInt8(ascii: "~") { throw err(start, "unexpected character after '=': '~'") }
                else { emit(.assign, start) }
            case UInt8(ascii: "!"):
                pos += 1
                if peek() == UInt8(ascii: "=") { pos += 1; emit(.op(.neq), start) }
                else { throw err(start, "unexpected character after '!': \(charDesc(peek()))") }
            case UInt8(ascii: "<"):
                pos += 1
                if peek() == UInt8(ascii: "=") { pos += 1; emit(.op(.lte), start) } else { emit(.op(.lss), start) }
            case UInt8(ascii: ">"):
                pos += 1
                if peek() == UInt8(ascii: "=") { pos += 1; emit(.op(.gte), start) } else { emit(.op(.gtr), start) }
            case UInt8(ascii: "("):
                pos += 1; parenDepth += 1; emit(.leftParen, start)
            case UInt8(ascii: ")"):
                pos += 1
                parenDepth -= 1
                if parenDepth < 0 { throw err(start, "unexpected right parenthesis ')'") }
                emit(.rightParen, start)
            case UInt8(ascii: "{"):
                pos += 1; braceOpen = true; emit(.leftBrace, start)
            case UInt8(ascii: "}"):
                throw err(start, "unexpected right bracket '}'")
            case UInt8(ascii: "["):
                if bracketOpen { throw err(start, "unexpected left bracket '['") }
                pos += 1; bracketOpen = true; gotColon = false; emit(.leftBracket, start)
            case UInt8(ascii: "]"):
                if !bracketOpen { throw err(start, "unexpected right bracket ']'") }
                pos += 1; bracketOpen = false; emit(.rightBracket, start)
            case UInt8(ascii: ":"):
                if bracketOpen {
                    if gotColon { throw err(start, "unexpected colon ':'") }
                    pos += 1; gotColon = true; emit(.colon, start)
                } else { try lexIdentifier(start) }
            case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "`"):
                try lexString(c)
            default:
                if Lexer.isDigit(c) || c == UInt8(ascii: ".") { try lexNumberOrDuration() }
                else if Lexer.isAlpha(c) { try lexIdentifier(start) }
                else { throw err(start, "unexpected character: \(charDesc(c))") }
            }
        }
    }

    func charDesc(_ c: UInt8?) -> String {
        guard let c else { return "EOF" }
        return "'\(Character(UnicodeScalar(c)))'"
    }

    func err(_ p: Int, _ msg: String) -> ParseError {
        ParseError(position: PositionRange(p, p), message: msg, query: String(decoding: input, as: UTF8.self))
    }

    mutating func lexInsideBraces(_ c: UInt8) throws(ParseError) {
        let start = pos
        switch c {
        case 32, 9, 10, 13: pos += 1
        case UInt8(ascii: ","): pos += 1; emit(.comma, start)
        case UInt8(ascii: "}"): pos += 1; braceOpen = false; emit(.rightBrace, start)
        case UInt8(ascii: "="):
            pos += 1
            if peek() == UInt8(ascii: "~") { pos += 1; emit(.eqlRegex, start) }
            else if peek() == UInt8(ascii: "=") { pos += 1; emit(.op(.eql), start) }
            else { emit(.assign, start) }
        case UInt8(ascii: "!"):
            pos += 1
            if peek() == UInt8(ascii: "~") { pos += 1; emit(.neqRegex, start) }
            else if peek() == UInt8(ascii: "=") { pos += 1; emit(.op(.neq), start) }
            else { throw err(start, "unexpected character after '!' inside braces: \(charDesc(peek()))") }
        case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "`"):
            try lexString(c)
        case UInt8(ascii: "{"):
            throw err(start, "unexpected left brace '{' inside braces")
        default:
            if Lexer.isAlpha(c) {
                while let d = peek(), Lexer.isAlnum(d) { _ = d; pos += 1 }
                emit(.identifier, start)
            } else {
                throw err(start, "unexpected character inside braces: \(charDesc(c))")
            }
        }
    }

    mutating func lexIdentifier(_ start: Int) throws(ParseError) {
        while let d = peek(), Lexer.isAlnum(d) || d == UInt8(ascii: ":") { _ = d; pos += 1 }
        let word = text(start, pos)
        let lower = word.lowercased()
        if lower == "inf" || lower == "nan" { emit(.number, start); return }
        if let k = Lexer.keywords[lower] { emit(k, start) }
        else if word.contains(":") { emit(.metricIdentifier, start) }
        else { emit(.identifier, start) }
    }

    mutating func lexString(_ quote: UInt8) throws(ParseError) {
        let start = pos
        pos += 1
        while true {
            guard let c = peek() else { throw err(start, "unterminated quoted string") }
            if c == UInt8(ascii: "\\"), quote != UInt8(ascii: "`") {
                pos += 2
                continue
            }
            if c == 10, quote != UInt8(ascii: "`") { throw err(start, "unterminated quoted string") }
            pos += 1
            if c == quote { break }
        }
        emit(.string, start)
    }

    mutating func scanNumber() -> Bool {
        var digits: (UInt8) -> Bool = Lexer.isDigit
        if peek() == UInt8(ascii: "0"), let x = peek(1), x == UInt8(ascii: "x") || x == UInt8(ascii: "X") {
            pos += 2
            digits = { Lexer.isDigit($0) || ($0 >= 97 && $0 <= 102) || ($0 >= 65 && $0 <= 70) }
        }
        while let c = peek(), digits(c) { _ = c; pos += 1 }
        if peek() == UInt8(ascii: ".") {
            pos += 1
            while let c = peek(), digits(c) { _ = c; pos += 1 }
        }
        if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            pos += 1
            if let s = peek(), s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { pos += 1 }
            while let c = peek(), Lexer.isDigit(c) { _ = c; pos += 1 }
        }
        if let c = peek(), Lexer.isAlnum(c) { return false }
        return true
    }

    mutating func lexNumberOrDuration() throws(ParseError) {
        let start = pos
        if scanNumber() {
            if bracketOpen { throw err(start, "missing unit character in duration") }
            emit(.number, start)
            return
        }
        // A duration: digit runs each followed by a unit.
        pos = start
        let units = ["ms", "y", "w", "d", "h", "m", "s"]
        var ok = false
        while let c = peek(), Lexer.isDigit(c) {
            while let d = peek(), Lexer.isDigit(d) { _ = d; pos += 1 }
            var matched = false
            for u in units {
                let ub = Array(u.utf8)
                if pos + ub.count <= input.count, Array(input[pos..<(pos + ub.count)]) == ub {
                    // "m" must not swallow the "m" of "ms".
                    pos += ub.count
                    matched = true
                    break
                }
            }
            if !matched { ok = false; break }
            ok = true
        }
        if ok, let c = peek(), Lexer.isAlnum(c) { ok = false }
        if !ok {
            while let c = peek(), Lexer.isAlnum(c) || c == UInt8(ascii: ".") { _ = c; pos += 1 }
            throw err(start, "bad number or duration syntax: \(goQuoteRaw(text(start, pos)))")
        }
        emit(.duration, start)
    }
}

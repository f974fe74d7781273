import Model

/// Parses PromQL into an `Expr`, with Prometheus' precedence, type checks and messages.
public enum PromQLParser {
    public static func parse(_ query: String) throws(ParseError) -> Expr {
        var lexer = Lexer(query)
        let tokens = try lexer.run()
        var p = Parser(tokens: tokens, query: query)
        if tokens.count == 1 { throw p.error(at: tokens[0], "no expression found in input") }
        let e = try p.parseExpr()
        if p.current.kind != .eof { throw p.unexpected(nil) }
        try TypeChecker(query: query).check(e)
        return e
    }

    /// Parses a series selector such as `up{job="a"}` (no offset, range or operators).
    public static func parseSelector(_ query: String) throws(ParseError) -> VectorSelector {
        let e = try parse(query)
        guard case .vectorSelector(let vs) = e else {
            throw ParseError(position: e.position, message: "expected vector selector, got \(e.type.rawValue)", query: query)
        }
        return vs
    }

    /// Parses a Go-syntax number as PromQL does: integer (auto base) first, then float.
    public static func parseNumber(_ s: String) -> Double? {
        let lower = s.lowercased()
        if lower == "inf" || lower == "+inf" { return .infinity }
        if lower == "-inf" { return -.infinity }
        if lower == "nan" || lower == "+nan" || lower == "-nan" { return normalNaN }
        var body = Substring(s)
        var neg = false
        if body.first == "-" || body.first == "+" { neg = body.first == "-"; body = body.dropFirst() }
        if body.hasPrefix("0x") || body.hasPrefix("0X") {
            guard let v = Int64(body.dropFirst(2), radix: 16) else { return nil }
            return neg ? -Double(v) : Double(v)
        }
        if body.count > 1, body.first == "0", body.allSatisfy({ $0 >= "0" && $0 <= "7" }) {
            if let v = Int64(body, radix: 8) { return neg ? -Double(v) : Double(v) }
        }
        if body.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int64(body) { return neg ? -Double(v) : Double(v) }
        guard body.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "e" || $0 == "E" || $0 == "+" || $0 == "-") }),
              let v = Double(body) else { return nil }
        return neg ? -v : v
    }
}

struct Parser {
    let tokens: [Token]
    let query: String
    var i = 0

    init(tokens: [Token], query: String) {
        self.tokens = tokens
        self.query = query
    }

    var current: Token { tokens[i] }
    func peek(_ o: Int = 1) -> Token { tokens[min(i + o, tokens.count - 1)] }
    mutating func advance() -> Token { let t = tokens[i]; if i < tokens.count - 1 { i += 1 }; return t }

    func error(at t: Token, _ msg: String) -> ParseError {
        ParseError(position: PositionRange(t.pos, t.end), message: msg, query: query)
    }

    func error(_ r: PositionRange, _ msg: String) -> ParseError {
        ParseError(position: r, message: msg, query: query)
    }

    func unexpected(_ context: String?, expected: String? = nil) -> ParseError {
        var m = "unexpected \(current.description)"
        if let context { m += " in \(context)" }
        if let expected { m += ", expected \(expected)" }
        return error(at: current, m)
    }

    mutating func expect(_ k: Token.Kind, _ context: String, _ expected: String) throws(ParseError) -> Token {
        guard current.kind == k else { throw unexpected(context, expected: expected) }
        return advance()
    }

    // MARK: Binary expressions

    mutating func parseExpr(minPrecedence: Int = 0) throws(ParseError) -> Expr {
        var lhs = try parseUnary()
        while case .op(let op) = current.kind, op != .pow, op.precedence >= minPrecedence {
            _ = advance()
            let opToken = tokens[i - 1]
            let (returnBool, matching) = try parseBinaryModifiers(op)
            let rhs = try parseExpr(minPrecedence: op.precedence + 1)
            lhs = try makeBinary(op, lhs, rhs, returnBool, matching, opToken: opToken)
        }
        return lhs
    }

    /// Unary +/- binds like `*`, so `-2^2` is `-(2^2)` and `-a*b` is `(-a)*b`.
    mutating func parseUnary() throws(ParseError) -> Expr {
        if case .op(let op) = current.kind, op == .add || op == .sub {
            let t = advance()
            let operand = try parseUnary()
            if case .number(let v, let p) = operand {
                return .number(op == .sub ? -v : v, PositionRange(t.pos, p.end))
            }
            return .unary(op, operand, PositionRange(t.pos, operand.position.end))
        }
        return try parsePower()
    }

    mutating func parsePower() throws(ParseError) -> Expr {
        let base = try parsePostfix()
        if case .op(.pow) = current.kind {
            let opToken = advance()
            let (returnBool, matching) = try parseBinaryModifiers(.pow)
            let rhs = try parseUnary()
            return try makeBinary(.pow, base, rhs, returnBool, matching, opToken: opToken)
        }
        return base
    }

    mutating func parseBinaryModifiers(_ op: BinaryOp) throws(ParseError) -> (Bool, VectorMatching?) {
        var returnBool = false
        if current.kind == .keyword(.bool) {
            let t = advance()
            if !op.isComparison { throw error(at: tokens[i - 2], "bool modifier can only be used on comparison operators") }
            returnBool = true
        }
        var m: VectorMatching? = nil
        if current.kind == .keyword(.on) || current.kind == .keyword(.ignoring) {
            var vm = VectorMatching()
            vm.on = advance().kind == .keyword(.on)
            vm.labels = try parseLabelList("grouping opts")
            m = vm
        }
        if current.kind == .keyword(.groupLeft) || current.kind == .keyword(.groupRight) {
            var vm = m ?? VectorMatching()
            let t = advance()
            vm.card = t.kind == .keyword(.groupLeft) ? .manyToOne : .oneToMany
            if current.kind == .leftParen { vm.include = try parseLabelList("grouping opts") }
            m = vm
        }
        return (returnBool, m)
    }

    mutating func makeBinary(_ op: BinaryOp, _ lhs: Expr, _ rhs: Expr, _ returnBool: Bool,
                             _ explicit: VectorMatching?, opToken: Token) throws(ParseError) -> Expr {
        var b = BinaryExpr(op: op, lhs: lhs, rhs: rhs, matching: nil, returnBool: returnBool)
        let lt = lhs.type, rt = rhs.type
        let range = PositionRange(lhs.position.start, rhs.position.end)
        for t in [lt, rt] where t != .scalar && t != .vector {
            throw error(range, "binary expression must contain only scalar and instant vector types")
        }
        if (lt != .vector || rt != .vector), let m = explicit, !m.labels.isEmpty || m.on {
            throw error(range, "vector matching only allowed between instant vectors")
        }
        if op.isComparison, lt == .scalar, rt == .scalar, !returnBool {
            throw error(at: opToken, "comparisons between scalars must use BOOL modifier")
        }
        if op.isSetOperator {
            if lt == .scalar || rt == .scalar {
                throw error(range, "set operator \"\(op.rawValue)\" not allowed in binary scalar expression")
            }
            if let m = explicit, m.card == .manyToOne || m.card == .oneToMany {
                throw error(range, "no grouping allowed for \"\(op.rawValue)\" operation")
            }
        }
        if lt == .vector, rt == .vector {
            var m = explicit ?? VectorMatching()
            if op.isSetOperator { m.card = .manyToMany }
            if m.on {
                for l in m.include where m.labels.contains(l) {
                    throw error(range, "label \"\(l)\" must not occur in ON and GROUP clause at once")
                }
            }
            b.matching = m
        } else if let m = explicit, m.card != .oneToOne {
            throw error(range, "vector matching only allowed between instant vectors")
        }
        return .binary(b)
    }

    // MARK: Postfix: ranges, subqueries, offset, @

    mutating func parsePostfix() throws(ParseError) -> Expr {
        var e = try parsePrimary()
        while true {
            switch current.kind {
            case .leftBracket:
                e = try parseRangeOrSubquery(e)
            case .keyword(.offset):
                e = try parseOffset(e)
            case .at:
                e = try parseAt(e)
            default:
                return e
            }
        }
    }

    mutating func parseDuration(_ context: String) throws(ParseError) -> Int64 {
        guard current.kind == .duration || current.kind == .number else {
            throw unexpected(context, expected: "duration")
        }
        let t = advance()
        guard let d = try? PromDuration.parse(t.text) else {
            throw error(at: t, "unexpected number \(goQuoteRaw(t.text)) in \(context), expected duration")
        }
        if d == 0 { throw error(at: t, "duration must be greater than 0") }
        return d
    }

    mutating func parseRangeOrSubquery(_ e: Expr) throws(ParseError) -> Expr {
        let open = advance()
        let range = try parseDuration(current.kind == .rightBracket ? "range" : "matrix selector")
        if current.kind == .colon {
            _ = advance()
            var step: Int64? = nil
            if current.kind != .rightBracket { step = try parseDuration("subquery selector") }
            let close = try expect(.rightBracket, "subquery selector", "\"]\"")
            if e.type != .vector {
                throw error(PositionRange(e.position.start, close.end),
                            "subquery is only allowed on instant vector, got \(e.type.rawValue) instead")
            }
            return .subquery(SubqueryExpr(expr: e, range: range, step: step,
                                          position: PositionRange(e.position.start, close.end)))
        }
        let close = try expect(.rightBracket, "matrix selector", "\"]\" or \":\"")
        guard case .vectorSelector(let vs) = e else {
            throw error(PositionRange(open.pos, close.end), "ranges only allowed for vector selectors")
        }
        if vs.offset != 0 { throw error(PositionRange(open.pos, close.end), "no offset modifiers allowed before range") }
        if vs.at != nil { throw error(PositionRange(open.pos, close.end), "no @ modifiers allowed before range") }
        return .matrixSelector(MatrixSelector(selector: vs, range: range,
                                              position: PositionRange(vs.position.start, close.end)))
    }

    mutating func parseOffset(_ e: Expr) throws(ParseError) -> Expr {
        let t = advance()
        var neg = false
        if current.kind == .op(.sub) { _ = advance(); neg = true }
        else if current.kind == .op(.add) { _ = advance() }
        let d = try parseDuration("offset")
        let off = neg ? -d : d
        let end = tokens[i - 1].end
        func dup() -> ParseError { error(PositionRange(e.position.start, end), "offset may not be set multiple times") }
        switch e {
        case .vectorSelector(var vs):
            if vs.offset != 0 { throw dup() }
            vs.offset = off; vs.position.end = end
            return .vectorSelector(vs)
        case .matrixSelector(var ms):
            if ms.selector.offset != 0 { throw dup() }
            ms.selector.offset = off; ms.position.end = end
            return .matrixSelector(ms)
        case .subquery(var sq):
            if sq.offset != 0 { throw dup() }
            sq.offset = off; sq.position.end = end
            return .subquery(sq)
        default:
            throw error(PositionRange(e.position.start, end),
                        "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery")
        }
    }

    mutating func parseAt(_ e: Expr) throws(ParseError) -> Expr {
        let t = advance()
        let at: AtModifier
        if current.kind == .keyword(.start) || current.kind == .keyword(.end) {
            let k = advance()
            _ = try expect(.leftParen, "@", "\"(\"")
            _ = try expect(.rightParen, "@", "\")\"")
            at = k.kind == .keyword(.start) ? .start : .end
        } else {
            var sign = 1.0
            if current.kind == .op(.sub) { _ = advance(); sign = -1 }
            else if current.kind == .op(.add) { _ = advance() }
            guard current.kind == .number else { throw unexpected("@", expected: "timestamp") }
            let n = advance()
            guard let v = PromQLParser.parseNumber(n.text) else { throw error(at: n, "invalid number \(goQuoteRaw(n.text))") }
            let secs = sign * v
            if !secs.isFinite || abs(secs * 1000) > 9.2e18 {
                throw error(PositionRange(t.pos, n.end), "timestamp out of bounds for @ modifier: \(GoFloat.formatG(secs))")
            }
            at = .timestamp(Int64((secs * 1000).rounded(.toNearestOrAwayFromZero)))
        }
        let end = tokens[i - 1].end
        func dup() -> ParseError { error(PositionRange(e.position.start, end), "@ <timestamp> may not be set multiple times") }
        switch e {
        case .vectorSelector(var vs):
            if vs.at != nil { throw dup() }
            vs.at = at; vs.position.end = end
            return .vectorSelector(vs)
        case .matrixSelector(var ms):
            if ms.selector.at != nil { throw dup() }
            ms.selector.at = at; ms.position.end = end
            return .matrixSelector(ms)
        case .subquery(var sq):
            if sq.at != nil { throw dup() }
            sq.at = at; sq.position.end = end
            return .subquery(sq)
        default:
            throw error(PositionRange(e.position.start, end),
                        "@ modifier must be preceded by an instant vector selector or range vector selector or a subquery")
        }
    }

    // MARK: Primary expressions

    mutating func parsePrimary() throws(ParseError) -> Expr {
        let t = current
        switch t.kind {
        case .number:
            _ = advance()
            guard let v = PromQLParser.parseNumber(t.text) else { throw error(at: t, "error parsing number: \(t.text)") }
            return .number(v, PositionRange(t.pos, t.end))
        case .string:
            _ = advance()
            guard let s = StringLiteral.unquote(t.text) else { throw error(at: t, "invalid syntax in string \(t.text)") }
            return .string(s, PositionRange(t.pos, t.end))
        case .leftParen:
            _ = advance()
            let e = try parseExpr()
            let close = try expect(.rightParen, "paren expression", "\")\"")
            return .paren(e, PositionRange(t.pos, close.end))
        case .leftBrace:
            return try parseVectorSelector(name: nil, start: t.pos)
        case .identifier, .metricIdentifier:
            _ = advance()
            if current.kind == .leftParen, t.kind == .identifier {
                guard let f = Functions.all[t.text] else {
                    throw error(at: t, "unknown function with name \(goQuoteRaw(t.text))")
                }
                return try parseCall(f, t)
            }
            return try parseVectorSelector(name: t.text, start: t.pos)
        case .aggregator(let op):
            if peek().kind == .leftBrace {
                _ = advance()
                return try parseVectorSelector(name: t.text, start: t.pos)
            }
            return try parseAggregate(op, t)
        case .eof:
            throw unexpected(nil)
        default:
            throw unexpected(nil)
        }
    }

    mutating func parseCall(_ f: FunctionSignature, _ nameToken: Token) throws(ParseError) -> Expr {
        _ = advance()  // (
        var args: [Expr] = []
        if current.kind != .rightParen {
            while true {
                args.append(try parseExpr())
                if current.kind == .comma { _ = advance(); continue }
                break
            }
        }
        let close = try expect(.rightParen, "argument list", "\",\" or \")\"")
        return .call(Call(function: f, args: args, position: PositionRange(nameToken.pos, close.end)))
    }

    mutating func parseLabelList(_ context: String) throws(ParseError) -> [String] {
        _ = try expect(.leftParen, context, "\"(\"")
        var labels: [String] = []
        while current.kind != .rightParen {
            guard isLabelToken(current) else { throw unexpected(context, expected: "label") }
            let l = advance()
            guard l.text.isValidLabelName else { throw error(at: l, "invalid label name \(goQuoteRaw(l.text))") }
            labels.append(l.text)
            if current.kind == .comma { _ = advance(); continue }
            guard current.kind == .rightParen else { throw unexpected(context, expected: "\",\" or \")\"") }
        }
        _ = advance()
        return labels
    }

    func isLabelToken(_ t: Token) -> Bool {
        switch t.kind {
        case .identifier, .aggregator, .keyword: return true
        case .op(let o): return o == .and || o == .or || o == .unless || o == .atan2
        case .number: return t.text.first?.isLetter ?? false  // inf, nan
        default: return false
        }
    }

    mutating func parseAggregate(_ op: AggregateOp, _ t: Token) throws(ParseError) -> Expr {
        _ = advance()
        var grouping: [String] = [], without = false, hasGrouping = false
        func isGroupingKeyword(_ k: Token.Kind) -> Bool { k == .keyword(.by) || k == .keyword(.without) }
        if isGroupingKeyword(current.kind) {
            without = advance().kind == .keyword(.without)
            grouping = try parseLabelList("grouping opts")
            hasGrouping = true
        }
        guard current.kind == .leftParen else { throw unexpected("aggregation", expected: "\"(\"") }
        _ = advance()
        var args: [Expr] = []
        if current.kind != .rightParen {
            while true {
                args.append(try parseExpr())
                if current.kind == .comma { _ = advance(); continue }
                break
            }
        }
        var close = try expect(.rightParen, "aggregation", "\",\" or \")\"")
        if isGroupingKeyword(current.kind) {
            if hasGrouping { throw unexpected(nil) }
            without = advance().kind == .keyword(.without)
            grouping = try parseLabelList("grouping opts")
            hasGrouping = true
            close = tokens[i - 1]
        }
        let range = PositionRange(t.pos, close.end)
        let want = op.takesParameter ? 2 : 1
        if args.count != want {
            throw error(range, "wrong number of arguments for aggregate expression provided, expected \(want), got \(args.count)")
        }
        return .aggregate(AggregateExpr(op: op, expr: args[want - 1], param: want == 2 ? args[0] : nil,
                                        grouping: grouping, without: without, position: range))
    }

    mutating func parseVectorSelector(name: String?, start: Int) throws(ParseError) -> Expr {
        try parseVectorSelectorAllowingEmpty(name: name, start: start, allowEmpty: false)
    }

    /// `labelSet` parses a series description (`ParseMetric` upstream): only `=`, and errors
    /// say "in label set".
    mutating func parseVectorSelectorAllowingEmpty(name: String?, start: Int, allowEmpty: Bool = true,
                                                   labelSet: Bool = false) throws(ParseError) -> Expr {
        let ctx = labelSet ? "label set" : "label matching"
        var matchers: [LabelMatcher] = []
        var end = tokens[max(i - 1, 0)].end
        if current.kind == .leftBrace {
            _ = advance()
            while current.kind != .rightBrace {
                guard isLabelToken(current) || current.kind == .string else {
                    throw unexpected(ctx, expected: "identifier or \"}\"")
                }
                let l = advance()
                let kind: LabelMatcher.Kind
                switch current.kind {
                case .assign: kind = .equal
                case .op(.neq): kind = .notEqual
                case .eqlRegex: kind = .regexMatch
                case .neqRegex: kind = .regexNoMatch
                default: throw unexpected(ctx, expected: labelSet ? "\"=\"" : "label matching operator")
                }
                if labelSet && kind != .equal { throw unexpected(ctx, expected: "\"=\"") }
                _ = advance()
                guard current.kind == .string else { throw unexpected(ctx, expected: "string") }
                let v = advance()
                guard let value = StringLiteral.unquote(v.text) else { throw error(at: v, "invalid syntax in string \(v.text)") }
                do {
                    matchers.append(try LabelMatcher(kind, l.text, value))
                } catch {
                    throw self.error(at: v, "\(error)")
                }
                if current.kind == .comma { _ = advance(); continue }
                guard current.kind == .rightBrace else { throw unexpected(ctx, expected: "\",\" or \"}\"") }
            }
            end = advance().end
        }
        if let name {
            for m in matchers where m.name == Labels.metricName {
                throw error(PositionRange(start, end), "metric name must not be set twice: \(goQuoteRaw(name)) or \(goQuoteRaw(m.value))")
            }
            matchers.insert(try! LabelMatcher(.equal, Labels.metricName, name), at: 0)
        }
        if !allowEmpty, matchers.allSatisfy({ $0.matchesEmpty }) {
            throw error(PositionRange(start, end), "vector selector must contain at least one non-empty matcher")
        }
        return .vectorSelector(VectorSelector(name: name, matchers: matchers, position: PositionRange(start, end)))
    }
}

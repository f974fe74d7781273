/// A template that failed to parse, with Go's wording: `template: <name>:1: unclosed action`.
public struct TemplateError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(description: String) { self.description = description }
}

/// Parses Go `text/template` syntax: text, `{{ }}` actions with `-` trim markers,
/// comments, pipelines, variables, `if`/`else if`/`range`/`with`/`end`.
struct TemplateParser {
    let name: String
    let text: [UInt8]
    let functions: Set<String>
    var pos = 0
    /// Templates declared with `{{define}}` or `{{block}}`, by name.
    var defines: [String: [TemplateNode]] = [:]
    /// Whether `define`/`template`/`block` are allowed (Alertmanager templates); Prometheus'
    /// alert templates reject them as before.
    var allowsDefinitions = false

    init(name: String, text: String, functions: Set<String>) {
        self.name = name
        self.text = Array(text.utf8)
        self.functions = functions
    }

    /// 1-based line of a byte offset.
    func line(at p: Int) -> Int { 1 + text[..<min(p, text.count)].filter { $0 == 10 }.count }

    func error(_ msg: String, at p: Int) -> TemplateError {
        TemplateError(description: "template: \(name):\(line(at: p)): \(msg)")
    }

    // MARK: top level

    enum Terminator { case end, elseBranch(TemplatePipeline?), eof }

    mutating func parse() throws -> [TemplateNode] {
        let (nodes, term) = try parseList()
        switch term {
        case .eof: return nodes
        case .end: throw error("unexpected {{end}}", at: pos)
        case .elseBranch: throw error("unexpected {{else}}", at: pos)
        }
    }

    /// Nodes until `{{end}}`, `{{else}}` or the end of input.
    mutating func parseList() throws -> ([TemplateNode], Terminator) {
        var nodes: [TemplateNode] = []
        var pendingText: [UInt8] = []
        func flush() {
            if !pendingText.isEmpty { nodes.append(.text(String(decoding: pendingText, as: UTF8.self))) }
            pendingText = []
        }
        while pos < text.count {
            if text[pos] == UInt8(ascii: "{"), pos + 1 < text.count, text[pos + 1] == UInt8(ascii: "{") {
                let actionStart = pos
                pos += 2
                // `{{- ` trims the preceding text's trailing space.
                if pos + 1 < text.count, text[pos] == UInt8(ascii: "-"), isSpace(text[pos + 1]) {
                    while let l = pendingText.last, isSpace(l) { pendingText.removeLast() }
                    pos += 1
                }
                flush()
                skipSpaces()
                // Comment.
                if pos + 1 < text.count, text[pos] == UInt8(ascii: "/"), text[pos + 1] == UInt8(ascii: "*") {
                    guard let close = find("*/", from: pos + 2) else { throw error("unclosed comment", at: actionStart) }
                    pos = close + 2
                    skipSpaces()
                    try closeAction(actionStart)
                    continue
                }
                let keywordStart = pos
                let word = peekWord()
                switch word {
                case "if", "range", "with":
                    pos += word.utf8.count
                    let pipe = try parsePipeline(actionStart, allowDeclarations: true)
                    let (body, term) = try parseList()
                    var elseNodes: [TemplateNode] = []
                    switch term {
                    case .eof: throw error("unexpected EOF", at: pos)
                    case .end: break
                    case .elseBranch(let chained):
                        if let chained {
                            // `{{else if x}}` nests an if that shares our {{end}}.
                            let (inner, t2) = try parseList()
                            var innerElse: [TemplateNode] = []
                            var t = t2
                            var nested: [(TemplatePipeline, [TemplateNode])] = [(chained, inner)]
                            while case .elseBranch(let c) = t {
                                let (n, tt) = try parseList()
                                if let c { nested.append((c, n)); t = tt } else { innerElse = n; t = tt; break }
                            }
                            guard case .end = t else { throw error("expected end; found EOF", at: pos) }
                            var built = innerElse
                            for (p, n) in nested.reversed() { built = [.ifNode(p, n, built)] }
                            elseNodes = built
                        } else {
                            let (e, t2) = try parseList()
                            guard case .end = t2 else { throw error("expected end; found \(t2)", at: pos) }
                            elseNodes = e
                        }
                    }
                    switch word {
                    case "if": nodes.append(.ifNode(pipe, body, elseNodes))
                    case "range": nodes.append(.rangeNode(pipe, body, elseNodes))
                    default: nodes.append(.withNode(pipe, body, elseNodes))
                    }
                case "end":
                    pos += 3
                    skipSpaces()
                    try closeAction(actionStart)
                    return (nodes, .end)
                case "else":
                    pos += 4
                    skipSpaces()
                    if peekWord() == "if" {
                        pos += 2
                        let pipe = try parsePipeline(actionStart, allowDeclarations: true)
                        return (nodes, .elseBranch(pipe))
                    }
                    try closeAction(actionStart)
                    return (nodes, .elseBranch(nil))
                case "define" where allowsDefinitions, "block" where allowsDefinitions:
                    pos += word.utf8.count
                    skipSpaces()
                    guard pos < text.count, text[pos] == UInt8(ascii: "\"") || text[pos] == UInt8(ascii: "`") else {
                        throw error("unexpected \(describeToken()) in \(word) clause", at: pos)
                    }
                    let nameArg = try parseOperand(actionStart)
                    guard case .string(let tname) = nameArg else { throw error("bad name in \(word)", at: pos) }
                    var pipe: TemplatePipeline? = nil
                    if word == "block" { pipe = try parsePipeline(actionStart, allowDeclarations: false) } else { try closeAction(actionStart) }
                    let (body, term) = try parseList()
                    guard case .end = term else { throw error("unexpected EOF in \(word)", at: pos) }
                    defines[tname] = body
                    if word == "block" { nodes.append(.template(tname, pipe, position: keywordStart)) }
                case "template" where allowsDefinitions:
                    pos += word.utf8.count
                    skipSpaces()
                    guard pos < text.count, text[pos] == UInt8(ascii: "\"") || text[pos] == UInt8(ascii: "`") else {
                        throw error("unexpected \(describeToken()) in template clause", at: pos)
                    }
                    guard case .string(let tname) = try parseOperand(actionStart) else { throw error("bad name in template", at: pos) }
                    skipSpaces()
                    if atClose() {
                        try closeAction(actionStart)
                        nodes.append(.template(tname, nil, position: keywordStart))
                    } else {
                        nodes.append(.template(tname, try parsePipeline(actionStart, allowDeclarations: false), position: keywordStart))
                    }
                case "define", "template", "block", "break", "continue":
                    throw error("unsupported action {{\(word)}} at offset \(keywordStart)", at: keywordStart)
                default:
                    let pipe = try parsePipeline(actionStart, allowDeclarations: true)
                    nodes.append(.action(pipe))
                }
            } else {
                pendingText.append(text[pos])
                pos += 1
            }
        }
        flush()
        return (nodes, .eof)
    }

    // MARK: actions

    func isSpace(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 10 || c == 13 }

    mutating func skipSpaces() { while pos < text.count, isSpace(text[pos]) { pos += 1 } }

    func find(_ s: String, from: Int) -> Int? {
        let p = Array(s.utf8)
        var i = from
        while i + p.count <= text.count {
            if Array(text[i..<i + p.count]) == p { return i }
            i += 1
        }
        return nil
    }

    func peekWord() -> String {
        var i = pos
        while i < text.count, isIdentChar(text[i]) { i += 1 }
        return String(decoding: text[pos..<i], as: UTF8.self)
    }

    func isIdentChar(_ c: UInt8) -> Bool {
        (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c == 95
    }

    /// At `}}` or ` -}}`; consumes it (and, for `-}}`, the following space).
    mutating func closeAction(_ start: Int) throws {
        skipSpaces()
        if pos + 2 < text.count, text[pos] == UInt8(ascii: "-"), text[pos + 1] == UInt8(ascii: "}"), text[pos + 2] == UInt8(ascii: "}") {
            pos += 3
            while pos < text.count, isSpace(text[pos]) { pos += 1 }
            return
        }
        if pos + 1 < text.count, text[pos] == UInt8(ascii: "}"), text[pos + 1] == UInt8(ascii: "}") {
            pos += 2
            return
        }
        if pos >= text.count { throw error("unclosed action", at: start) }
        throw error("unexpected \(describeToken()) in command", at: pos)
    }

    func describeToken() -> String {
        let c = text[pos]
        return "\"\(String(decoding: [c], as: UTF8.self))\""
    }

    func atClose() -> Bool {
        if pos + 1 < text.count, text[pos] == UInt8(ascii: "}"), text[pos + 1] == UInt8(ascii: "}") { return true }
        if pos + 2 < text.count, text[pos] == UInt8(ascii: "-"), text[pos + 1] == UInt8(ascii: "}"), text[pos + 2] == UInt8(ascii: "}") { return true }
        return false
    }

    /// A pipeline up to and including the closing `}}`.
    mutating func parsePipeline(_ start: Int, allowDeclarations: Bool) throws -> TemplatePipeline {
        var pipe = TemplatePipeline()
        skipSpaces()
        // Declarations: `$x :=` or `$i, $v :=`.
        let save = pos
        if allowDeclarations, pos < text.count, text[pos] == UInt8(ascii: "$") {
            var names: [String] = []
            var ok = false
            while pos < text.count, text[pos] == UInt8(ascii: "$") {
                pos += 1
                let w = peekWord()
                pos += w.utf8.count
                names.append("$" + w)
                skipSpaces()
                if pos < text.count, text[pos] == UInt8(ascii: ",") { pos += 1; skipSpaces(); continue }
                if pos + 1 < text.count, text[pos] == UInt8(ascii: ":"), text[pos + 1] == UInt8(ascii: "=") { pos += 2; ok = true }
                else if pos < text.count, text[pos] == UInt8(ascii: "="), !(pos + 1 < text.count && text[pos + 1] == UInt8(ascii: "=")) { pos += 1; ok = true; pipe.isAssign = true }
                break
            }
            if ok { pipe.declarations = names } else { pos = save; pipe.isAssign = false }
        }
        while true {
            skipSpaces()
            if pos >= text.count { throw error("unclosed action", at: start) }
            if atClose() {
                if pipe.commands.isEmpty { throw error("missing value for command", at: pos) }
                try closeAction(start)
                return pipe
            }
            let cmd = try parseCommand(start, inParens: false)
            pipe.commands.append(cmd)
            skipSpaces()
            if pos < text.count, text[pos] == UInt8(ascii: "|") { pos += 1; continue }
        }
    }

    mutating func parseCommand(_ start: Int, inParens: Bool) throws -> TemplateCommand {
        skipSpaces()
        let cmdStart = pos
        var args: [TemplateArg] = []
        while true {
            skipSpaces()
            if pos >= text.count { throw error("unclosed action", at: start) }
            if atClose() || text[pos] == UInt8(ascii: "|") || (inParens && text[pos] == UInt8(ascii: ")")) { break }
            args.append(try parseOperand(start))
        }
        if args.isEmpty { throw error("missing value for command", at: pos) }
        var end = pos
        while end > cmdStart, isSpace(text[end - 1]) { end -= 1 }
        return TemplateCommand(args: args, position: cmdStart, source: String(decoding: text[cmdStart..<end], as: UTF8.self))
    }

    mutating func parseFieldChain() -> [String] {
        var chain: [String] = []
        while pos < text.count, text[pos] == UInt8(ascii: "."), pos + 1 < text.count, isIdentChar(text[pos + 1]) {
            pos += 1
            let w = peekWord()
            pos += w.utf8.count
            chain.append(w)
        }
        return chain
    }

    mutating func parseOperand(_ start: Int) throws -> TemplateArg {
        let c = text[pos]
        switch c {
        case UInt8(ascii: "."):
            if pos + 1 < text.count, isIdentChar(text[pos + 1]) { return .field(parseFieldChain()) }
            pos += 1
            return .field([])
        case UInt8(ascii: "$"):
            pos += 1
            let w = peekWord()
            pos += w.utf8.count
            return .variable("$" + w, parseFieldChain())
        case UInt8(ascii: "\""):
            return .string(try parseQuoted(start))
        case UInt8(ascii: "`"):
            guard let close = text[(pos + 1)...].firstIndex(of: UInt8(ascii: "`")) else { throw error("unterminated raw quoted string", at: pos) }
            let s = String(decoding: text[(pos + 1)..<close], as: UTF8.self)
            pos = close + 1
            return .string(s)
        case UInt8(ascii: "("):
            pos += 1
            var pipe = TemplatePipeline()
            while true {
                skipSpaces()
                if pos >= text.count { throw error("unclosed left paren", at: pos) }
                if text[pos] == UInt8(ascii: ")") { pos += 1; break }
                pipe.commands.append(try parseCommand(start, inParens: true))
                skipSpaces()
                if pos < text.count, text[pos] == UInt8(ascii: "|") { pos += 1 }
            }
            return .pipeline(pipe, parseFieldChain())
        default:
            if (c >= 48 && c <= 57) || c == UInt8(ascii: "-") || c == UInt8(ascii: "+") {
                var i = pos + 1
                while i < text.count, isIdentChar(text[i]) || text[i] == UInt8(ascii: ".") ||
                    ((text[i] == UInt8(ascii: "-") || text[i] == UInt8(ascii: "+")) && (text[i - 1] == UInt8(ascii: "e") || text[i - 1] == UInt8(ascii: "E"))) { i += 1 }
                let s = String(decoding: text[pos..<i], as: UTF8.self)
                let isInt = Int(s) != nil
                guard let v = Double(s) ?? Int(s).map(Double.init) else { throw error("bad number syntax: \"\(s)\"", at: pos) }
                pos = i
                return .number(v, isInteger: isInt)
            }
            if isIdentChar(c) {
                let w = peekWord()
                let wStart = pos
                pos += w.utf8.count
                switch w {
                case "true": return .bool(true)
                case "false": return .bool(false)
                case "nil": return .null
                default:
                    guard functions.contains(w) else { throw error("function \"\(w)\" not defined", at: wStart) }
                    return .identifier(w)
                }
            }
            throw error("unexpected \"\(String(decoding: [c], as: UTF8.self))\" in command", at: pos)
        }
    }

    mutating func parseQuoted(_ start: Int) throws -> String {
        var out: [UInt8] = []
        var i = pos + 1
        while i < text.count, text[i] != UInt8(ascii: "\"") {
            if text[i] == 10 { throw error("unterminated quoted string", at: pos) }
            if text[i] == UInt8(ascii: "\\"), i + 1 < text.count {
                i += 1
                switch text[i] {
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "r"): out.append(13)
                default: out.append(text[i])
                }
            } else {
                out.append(text[i])
            }
            i += 1
        }
        if i >= text.count { throw error("unterminated quoted string", at: pos) }
        pos = i + 1
        return String(decoding: out, as: UTF8.self)
    }
}

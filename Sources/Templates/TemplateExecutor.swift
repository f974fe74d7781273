/// Runs a parsed template: Go `text/template` semantics with `missingkey=zero`.
struct TemplateExecutor {
    let name: String
    /// The full template text, for error positions.
    let text: [UInt8]
    let functions: TemplateFunctions
    var variables: [(String, TemplateValue)] = []
    var out = ""
    /// The templates `{{template "name"}}` can call.
    var templates: [String: [TemplateNode]] = [:]
    /// HTML output: values are escaped as Go's `html/template` does in text and attribute
    /// context (`&<>"'+` and NUL), `safeHtml` values are not, and `<!-- -->` comments in the
    /// template text are dropped. Go's contextual URL normalisation is not reproduced.
    var escapesHTML = false
    var depth = 0

    struct ExecError: Error { var message: String }

    init(name: String, text: String, functions: TemplateFunctions, root: TemplateValue) {
        self.name = name
        self.text = Array(text.utf8)
        self.functions = functions
        variables = [("$", root)]
    }

    /// Go's `ErrorContext`: `name:line:col` with a 0-based byte column.
    func location(_ pos: Int) -> String {
        let before = text[..<min(pos, text.count)]
        let line = 1 + before.filter { $0 == 10 }.count
        let col: Int
        if let nl = before.lastIndex(of: 10) { col = pos - (nl + 1) } else { col = pos }
        return "\(name):\(line):\(col)"
    }

    func fail(_ cmd: TemplateCommand, _ msg: String) -> ExecError {
        ExecError(message: "template: \(location(cmd.position)): executing \"\(name)\" at <\(cmd.source)>: \(msg)")
    }

    mutating func run(_ nodes: [TemplateNode], dot: TemplateValue) throws {
        for n in nodes {
            switch n {
            case .text(let s): out += escapesHTML ? Self.strippingComments(s) : s
            case .action(let p):
                let v = try eval(p, dot: dot)
                if p.declarations.isEmpty {
                    if escapesHTML, case .html(let h) = v { out += h } else { out += escapesHTML ? Self.escapeHTML(v.printed) : v.printed }
                }
            case .template(let tname, let p, let pos):
                guard let body = templates[tname] else {
                    throw ExecError(message: "template: \(location(pos)): executing \"\(name)\" at <{{template \"\(tname)\"}}>: template \"\(tname)\" not defined")
                }
                let mark = variables.count
                let newDot = try p.map { try eval($0, dot: dot) } ?? .null
                variables.removeSubrange(mark...)
                guard depth < 1000 else { throw ExecError(message: "template: \(location(pos)): exceeded maximum template depth (1000)") }
                let saved = variables
                variables = [("$", newDot)]
                depth += 1
                defer { variables = saved; depth -= 1 }
                try run(body, dot: newDot)
            case .ifNode(let p, let body, let els):
                let mark = variables.count
                let v = try eval(p, dot: dot)
                try run(v.isTrue ? body : els, dot: dot)
                variables.removeSubrange(mark...)
            case .withNode(let p, let body, let els):
                let mark = variables.count
                let v = try eval(p, dot: dot)
                if v.isTrue { try run(body, dot: v) } else { try run(els, dot: dot) }
                variables.removeSubrange(mark...)
            case .rangeNode(let p, let body, let els):
                let mark = variables.count
                var decl = p
                let names = decl.declarations
                decl.declarations = []
                let v = try eval(decl, dot: dot)
                var items: [(TemplateValue, TemplateValue)] = []
                switch v {
                case .map(let m):
                    for k in m.keys.sorted(by: { $0.utf8Precedes($1) }) { items.append((.string(k), .string(m[k]!))) }
                case .samples(let s):
                    for (i, x) in s.enumerated() { items.append((.int(i), .sample(x))) }
                case .int(let n):
                    for i in 0..<max(n, 0) { items.append((.int(i), .int(i))) }
                case .list(let l), .alerts(let l):
                    for (i, x) in l.enumerated() { items.append((.int(i), x)) }
                case .pairs(let ps):
                    for (i, x) in ps.enumerated() { items.append((.int(i), Self.pairRecord(x))) }
                case .kv(let m):
                    for k in m.keys.sorted(by: { $0.utf8Precedes($1) }) { items.append((.string(k), .string(m[k]!))) }
                case .null: break
                default:
                    throw ExecError(message: "template: \(location(p.commands.first?.position ?? 0)): range can't iterate over \(v.printed)")
                }
                if items.isEmpty { try run(els, dot: dot) }
                for (k, x) in items {
                    let inner = variables.count
                    if names.count == 1 { variables.append((names[0], x)) }
                    if names.count == 2 { variables.append((names[0], k)); variables.append((names[1], x)) }
                    try run(body, dot: x)
                    variables.removeSubrange(inner...)
                }
                variables.removeSubrange(mark...)
            }
        }
    }

    mutating func eval(_ p: TemplatePipeline, dot: TemplateValue) throws -> TemplateValue {
        var value: TemplateValue? = nil
        for cmd in p.commands {
            value = try evalCommand(cmd, dot: dot, final: value)
        }
        let v = value ?? .null
        if p.isAssign {
            for name in p.declarations {
                if let i = variables.lastIndex(where: { $0.0 == name }) { variables[i].1 = v }
            }
        } else {
            for name in p.declarations { variables.append((name, v)) }
        }
        return v
    }

    mutating func evalCommand(_ cmd: TemplateCommand, dot: TemplateValue, final: TemplateValue?) throws -> TemplateValue {
        let first = cmd.args[0]
        if case .identifier(let fn) = first {
            var args: [TemplateValue] = []
            // `and`/`or` short-circuit in Go ≥ 1.18.
            if fn == "and" || fn == "or" {
                var last: TemplateValue = .null
                for a in cmd.args.dropFirst() {
                    last = try evalArg(a, cmd, dot: dot)
                    if (fn == "and") != last.isTrue { return last }
                }
                if let f = final { return f }
                return last
            }
            for a in cmd.args.dropFirst() { args.append(try evalArg(a, cmd, dot: dot)) }
            if let f = final { args.append(f) }
            do {
                return try functions.call(fn, args)
            } catch let e as TemplateFunctions.CallError {
                throw fail(cmd, "error calling \(fn): \(e.message)")
            }
        }
        if cmd.args.count > 1 || final != nil {
            // `.CommonLabels.Remove .GroupLabels.Names`: the chain ends in a method with arguments.
            var receiver: TemplateValue?
            var method = ""
            switch first {
            case .field(let chain) where !chain.isEmpty:
                receiver = try access(dot, Array(chain.dropLast()), cmd)
                method = chain.last!
            case .variable(let vname, let chain) where !chain.isEmpty:
                guard let v = variables.last(where: { $0.0 == vname })?.1 else {
                    throw ExecError(message: "template: \(location(cmd.position)): undefined variable: \(vname)")
                }
                receiver = try access(v, Array(chain.dropLast()), cmd)
                method = chain.last!
            default: break
            }
            if let receiver {
                var args: [TemplateValue] = []
                for a in cmd.args.dropFirst() { args.append(try evalArg(a, cmd, dot: dot)) }
                if let f = final { args.append(f) }
                if let r = try callMethod(receiver, method, args, cmd) { return r }
            }
            throw fail(cmd, "can't give argument to non-function \(cmd.source)")
        }
        return try evalArg(first, cmd, dot: dot)
    }

    mutating func evalArg(_ a: TemplateArg, _ cmd: TemplateCommand, dot: TemplateValue) throws -> TemplateValue {
        switch a {
        case .field(let chain): return try access(dot, chain, cmd)
        case .variable(let name, let chain):
            guard let v = variables.last(where: { $0.0 == name })?.1 else {
                throw ExecError(message: "template: \(location(cmd.position)): undefined variable: \(name)")
            }
            return try access(v, chain, cmd)
        case .identifier(let fn):
            do { return try functions.call(fn, []) } catch let e as TemplateFunctions.CallError {
                throw fail(cmd, "error calling \(fn): \(e.message)")
            }
        case .string(let s): return .string(s)
        case .number(let v, let isInt): return isInt ? .int(Int(v)) : .float(v)
        case .bool(let b): return .bool(b)
        case .null: return .null
        case .pipeline(let p, let chain):
            let mark = variables.count
            let v = try eval(p, dot: dot)
            variables.removeSubrange(mark...)
            return try access(v, chain, cmd)
        }
    }

    func access(_ base: TemplateValue, _ chain: [String], _ cmd: TemplateCommand) throws -> TemplateValue {
        var v = base
        for f in chain {
            switch v {
            case .map(let m): v = .string(m[f] ?? "")
            case .kv, .pairs, .alerts:
                if let r = try callMethod(v, f, [], cmd) { v = r; continue }
                guard case .kv(let m) = v else { throw fail(cmd, "can't evaluate field \(f) in type \(v.goType)") }
                v = .string(m[f] ?? "")
            case .record(let r):
                guard let x = r[f] else { throw fail(cmd, "can't evaluate field \(f) in type \(v.goType)") }
                v = x
            case .sample(let s):
                switch f {
                case "Labels": v = .map(s.labels)
                case "Value": v = .float(s.value)
                default: throw fail(cmd, "can't evaluate field \(f) in type *template.sample")
                }
            case .null:
                throw fail(cmd, "nil pointer evaluating interface {}.\(f)")
            default:
                throw fail(cmd, "can't evaluate field \(f) in type \(v.goType)")
            }
        }
        return v
    }

    /// Alertmanager's methods on `KV`, `Pairs` and `Alerts`; `nil` when `receiver` has no
    /// method `name`.
    func callMethod(_ receiver: TemplateValue, _ name: String, _ args: [TemplateValue], _ cmd: TemplateCommand) throws -> TemplateValue? {
        func noArgs() throws {
            if !args.isEmpty { throw fail(cmd, "wrong number of args for \(name): want 0 got \(args.count)") }
        }
        switch (receiver, name) {
        case (.kv(let m), "SortedPairs"): try noArgs(); return .pairs(Self.sortedPairs(m))
        case (.kv(let m), "Names"): try noArgs(); return .list(Self.sortedPairs(m).map { .string($0.name) })
        case (.kv(let m), "Values"): try noArgs(); return .list(Self.sortedPairs(m).map { .string($0.value) })
        case (.kv(let m), "Remove"):
            guard args.count == 1 else { throw fail(cmd, "wrong number of args for Remove: want 1 got \(args.count)") }
            guard case .list(let names) = args[0] else {
                throw fail(cmd, "wrong type for value; expected []string; got \(args[0].goType)")
            }
            var out = m
            for n in names { out[n.printed] = nil }
            return .kv(out)
        case (.pairs(let ps), "Names"): try noArgs(); return .list(ps.map { .string($0.name) })
        case (.pairs(let ps), "Values"): try noArgs(); return .list(ps.map { .string($0.value) })
        case (.alerts(let l), "Firing"), (.alerts(let l), "Resolved"):
            try noArgs()
            let want = name == "Firing" ? "firing" : "resolved"
            return .list(l.filter { if case .record(let r) = $0, case .string(want)? = r["Status"] { return true }; return false })
        default: return nil
        }
    }

    /// `KV.SortedPairs`: by name, but `alertname` first.
    static func sortedPairs(_ m: [String: String]) -> [TemplatePair] {
        var keys = m.keys.filter { $0 != "alertname" }.sorted { $0.utf8Precedes($1) }
        if m["alertname"] != nil { keys.insert("alertname", at: 0) }
        return keys.map { TemplatePair(name: $0, value: m[$0]!) }
    }

    static func pairRecord(_ p: TemplatePair) -> TemplateValue { .record(["Name": .string(p.name), "Value": .string(p.value)]) }

    /// Go's `html/template` escaping of a value in text or attribute context.
    static func escapeHTML(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&#34;"
            case "'": out += "&#39;"
            case "+": out += "&#43;"
            case "\u{0}": out += "\u{FFFD}"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// Template text without `<!-- … -->` comments, as `html/template` emits it.
    static func strippingComments(_ s: String) -> String {
        guard s.contains("<!--") else { return s }
        var out = ""
        var rest = Substring(s)
        while let open = rest.range(of: "<!--") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "-->") else { return out }
            rest = rest[close.upperBound...]
        }
        return out + rest
    }
}

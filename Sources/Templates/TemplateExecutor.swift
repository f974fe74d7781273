/// Runs a parsed template: Go `text/template` semantics with `missingkey=zero`.
struct TemplateExecutor {
    let name: String
    /// The full template text, for error positions.
    let text: [UInt8]
    let functions: TemplateFunctions
    var variables: [(String, TemplateValue)] = []
    var out = ""

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
            case .text(let s): out += s
            case .action(let p):
                let v = try eval(p, dot: dot)
                if p.declarations.isEmpty { out += v.printed }
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
}

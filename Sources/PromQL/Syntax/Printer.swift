import Model

/// Prints an AST back to canonical PromQL (Prometheus' `String()` methods).
extension Expr: CustomStringConvertible {
    public var description: String {
        switch self {
        // Prometheus prints "+Inf", which reparses as a unary plus when it is the base of `^`
        // ("+Inf ^ 2" is "+(Inf ^ 2)"); "Inf" keeps parse(print(e)) == e.
        case .number(let v, _): return v == .infinity ? "Inf" : GoFloat.formatG(v)
        case .string(let s, _): return goQuote(s)
        case .vectorSelector(let vs): return vs.description
        case .matrixSelector(let ms):
            var vs = ms.selector
            let off = vs.offset, at = vs.at
            vs.offset = 0; vs.at = nil
            return vs.description + "[\(PromDuration.format(ms.range))]" + modifiers(at: at, offset: off)
        case .subquery(let sq):
            let step = sq.step.map(PromDuration.format) ?? ""
            return "\(sq.expr)[\(PromDuration.format(sq.range)):\(step)]" + modifiers(at: sq.at, offset: sq.offset)
        case .paren(let e, _): return "(\(e))"
        case .unary(let op, let e, _): return "\(op.rawValue)\(e)"
        case .binary(let b):
            var s = "\(b.lhs) \(b.op.rawValue)"
            if b.returnBool { s += " bool" }
            if let m = b.matching {
                if !m.labels.isEmpty || m.on {
                    s += " \(m.on ? "on" : "ignoring")(\(m.labels.joined(separator: ", ")))"
                }
                if m.card == .manyToOne || m.card == .oneToMany {
                    s += " \(m.card == .manyToOne ? "group_left" : "group_right")(\(m.include.joined(separator: ", ")))"
                }
            }
            return s + " \(b.rhs)"
        case .aggregate(let a):
            var s = a.op.rawValue
            if a.without || !a.grouping.isEmpty {
                s += " \(a.without ? "without" : "by") (\(a.grouping.joined(separator: ", "))) "
            }
            s += "("
            if let p = a.param { s += "\(p), " }
            return s + "\(a.expr))"
        case .call(let c):
            return "\(c.function.name)(\(c.args.map(\.description).joined(separator: ", ")))"
        }
    }
}

func modifiers(at: AtModifier?, offset: Int64) -> String {
    var s = ""
    if let at {
        switch at {
        case .start: s += " @ start()"
        case .end: s += " @ end()"
        case .timestamp(let t): s += " @ " + formatAtSeconds(t)
        }
    }
    if offset > 0 { s += " offset \(PromDuration.format(offset))" }
    if offset < 0 { s += " offset -\(PromDuration.format(-offset))" }
    return s
}

/// Seconds with millisecond precision, as Prometheus prints `@` (`%.3f`).
func formatAtSeconds(_ ms: Int64) -> String {
    let sign = ms < 0 ? "-" : ""
    let a = ms.magnitude
    let frac = a % 1000
    let f = frac < 10 ? "00\(frac)" : frac < 100 ? "0\(frac)" : "\(frac)"
    return "\(sign)\(a / 1000).\(f)"
}

extension VectorSelector: CustomStringConvertible {
    public var description: String {
        let rest = matchers.filter { !($0.name == Labels.metricName && $0.kind == .equal && $0.value == name) }
        var s = name ?? ""
        if !rest.isEmpty || name == nil {
            s += "{" + rest.map(\.description).joined(separator: ", ") + "}"
        }
        return s + modifiers(at: at, offset: offset)
    }
}

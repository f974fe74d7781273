/// The checks Prometheus' `checkAST` makes after parsing: argument counts and types.
struct TypeChecker {
    let query: String

    func fail(_ r: PositionRange, _ m: String) -> ParseError { ParseError(position: r, message: m, query: query) }

    func expect(_ e: Expr, _ t: ValueType, _ context: String) throws(ParseError) {
        if e.type != t { throw fail(e.position, "expected type \(t.rawValue) in \(context), got \(e.type.rawValue)") }
    }

    func check(_ e: Expr) throws(ParseError) {
        switch e {
        case .number, .string, .vectorSelector, .matrixSelector: return
        case .paren(let x, _): try check(x)
        case .subquery(let s): try check(s.expr)
        case .unary(_, let x, let p):
            try check(x)
            if x.type != .scalar && x.type != .vector {
                throw fail(p, "unary expression only allowed on expressions of type scalar or instant vector, got \"\(x.type.rawValue)\"")
            }
        case .binary(let b):
            try check(b.lhs)
            try check(b.rhs)
        case .aggregate(let a):
            try check(a.expr)
            if let p = a.param { try check(p) }
            try expect(a.expr, .vector, "aggregation expression")
            switch a.op {
            case .topk, .bottomk, .quantile: try expect(a.param!, .scalar, "aggregation parameter")
            case .countValues: try expect(a.param!, .string, "aggregation parameter")
            default: break
            }
        case .call(let c):
            for a in c.args { try check(a) }
            let f = c.function
            let n = f.argTypes.count
            if f.variadic == 0 {
                if n != c.args.count {
                    throw fail(c.position, "expected \(n) argument(s) in call to \(goQuoteRaw(f.name)), got \(c.args.count)")
                }
            } else {
                let na = n - 1
                if na > c.args.count {
                    throw fail(c.position, "expected at least \(na) argument(s) in call to \(goQuoteRaw(f.name)), got \(c.args.count)")
                } else if f.variadic > 0, na + f.variadic < c.args.count {
                    throw fail(c.position, "expected at most \(na + f.variadic) argument(s) in call to \(goQuoteRaw(f.name)), got \(c.args.count)")
                }
            }
            for (i, a) in c.args.enumerated() {
                let idx = i >= n ? n - 1 : i
                if i >= n && f.variadic == 0 { break }
                try expect(a, f.argTypes[idx], "call to function \(goQuoteRaw(f.name))")
            }
        }
    }
}

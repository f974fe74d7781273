import Model
import PromQL

/// Runs a `TestScript` against the engine on an in-memory store, as Prometheus' test harness
/// does: the instant check, the range-query check and the `@`-rewrite check.
public struct ScriptRunner {
    public enum Outcome: Equatable, Sendable {
        case passed
        case failed(String)
        case skipped(String)
    }

    public struct CaseResult: Sendable {
        public var line: Int
        public var expr: String
        public var outcome: Outcome
    }

    public var engine: Engine
    /// Expressions matching any of these substrings are skipped, with the given reason.
    public var skips: [(substring: String, reason: String)]

    public init(engine: Engine = Engine(), skips: [(substring: String, reason: String)] = []) {
        self.engine = engine
        self.skips = skips
    }

    public func run(_ script: TestScript) -> [CaseResult] {
        (try? run(script, on: MemoryStore())) ?? []
    }

    /// Runs on any store; loads are handed over per series in time order.
    public func run(_ script: TestScript, on store: any ScriptStorage) throws -> [CaseResult] {
        var results: [CaseResult] = []
        for cmd in script.commands {
            switch cmd {
            case .clear: try store.clear()
            case .load(let load):
                var batch: [(Labels, [(Int64, Double)])] = []
                for s in load.series {
                    var points: [(Int64, Double)] = []
                    for (k, slot) in s.slots.enumerated() {
                        if let v = slot { points.append((Int64(k) * load.interval, v)) }
                    }
                    batch.append((s.labels, points))
                }
                try store.load(batch)
            case .eval(let ev):
                if let skip = skips.first(where: { ev.exprText.contains($0.substring) }) {
                    results.append(CaseResult(line: ev.line, expr: ev.exprText, outcome: .skipped(skip.reason)))
                    continue
                }
                results.append(CaseResult(line: ev.line, expr: ev.exprText, outcome: check(ev, store)))
            }
        }
        return results
    }

    func check(_ ev: TestScript.Eval, _ store: any Queryable) -> Outcome {
        let expr: Expr
        do { expr = try PromQLParser.parse(ev.exprText) } catch { return .failed("parse: \(error)") }
        if let f = checkAt(expr, ev, ev.time, store, label: "instant") { return .failed(f) }
        // The @-rewrite check: pin every top-level selector and subquery at T, evaluate at other times.
        if !AtRewrite.usesUnsafeFunctionOutsideSubquery(expr) {
            let pinned = AtRewrite.pin(expr, at: ev.time)
            let t = ev.time
            let times: [Int64] = t == 0 ? [-1000, 0, 1000] : [-10 * t, 0, t / 5, t, 10 * t]
            for at in times {
                if let f = checkAt(pinned, ev, at, store, label: "@ rewrite \(pinned) at \(at)") { return .failed(f) }
            }
        }
        return .passed
    }

    /// Instant and range checks of `expr` evaluated at `t` against the expectations.
    func checkAt(_ expr: Expr, _ ev: TestScript.Eval, _ t: Int64, _ store: any Queryable, label: String) -> String? {
        let result: QueryValue
        do {
            result = try engine.instantQuery(expr, at: t, on: store)
        } catch {
            return ev.kind == .fail ? nil : "\(label): unexpected error: \(error)"
        }
        if ev.kind == .fail { return "\(label): expected error, got \(result)" }
        if let f = compare(result, ev, ordered: ev.kind == .ordered) { return "\(label): \(f)" }
        guard expr.type == .vector || expr.type == .scalar else { return nil }
        // Range check: T-1m..T+1m step 1m, the point at T.
        let series: [Series]
        do {
            series = try engine.rangeQuery(expr, start: t - 60_000, end: t + 60_000, step: 60_000, on: store)
        } catch {
            return "\(label) range query: unexpected error: \(error)"
        }
        if ev.kind == .ordered { return nil }
        var vec: [VectorSample] = []
        for s in series {
            if let p = s.points.first(where: { $0.t == t }) { vec.append(VectorSample(labels: s.labels, t: t, v: p.v)) }
        }
        let asValue: QueryValue
        if expr.type == .scalar { asValue = .scalar(t: t, v: vec.first?.v ?? .nan) } else { asValue = .vector(vec) }
        if let f = compare(asValue, ev, ordered: false) { return "\(label) range query: \(f)" }
        return nil
    }

    func compare(_ got: QueryValue, _ ev: TestScript.Eval, ordered: Bool) -> String? {
        switch (ev.expected, got) {
        case let (.scalar(want), .scalar(_, v)):
            return almostEqual(want, v) ? nil : "expected scalar \(want), got \(v)"
        case (.scalar, _):
            return "expected scalar, got \(got.type.rawValue)"
        case let (.vector(want), .vector(vec)):
            if want.count != vec.count {
                return "expected \(want.count) samples, got \(vec.count): \(vec.map { "\($0.labels) \($0.v)" })"
            }
            for (i, s) in vec.enumerated() {
                guard let j = want.firstIndex(where: { $0.labels == s.labels }) else {
                    return "unexpected sample \(s.labels) \(s.v)"
                }
                if ordered && j != i { return "sample \(s.labels) at position \(i + 1), expected \(j + 1)" }
                if !almostEqual(want[j].value, s.v) { return "\(s.labels): expected \(want[j].value), got \(s.v)" }
            }
            return nil
        case (.vector, _):
            return "expected instant vector, got \(got.type.rawValue)"
        }
    }
}

/// A store the script runner can fill and empty.
public protocol ScriptStorage: Queryable {
    func clear() throws
    /// Adds each series' samples, given oldest first.
    func load(_ series: [(Labels, [(Int64, Double)])]) throws
}

extension MemoryStore: ScriptStorage {
    public func load(_ series: [(Labels, [(Int64, Double)])]) throws {
        for (l, points) in series { for (t, v) in points { add(l, t, v) } }
    }
}

/// The harness' float comparison (epsilon 1e-6, relative).
public func almostEqual(_ a: Double, _ b: Double) -> Bool {
    if a.isNaN && b.isNaN { return true }
    if a == b { return true }
    let minNormal = 2.2250738585072014e-308
    let diff = abs(a - b)
    if a == 0 || b == 0 || diff < minNormal { return diff < 1e-6 * minNormal }
    return diff / (abs(a) + abs(b)) < 1e-6
}

/// The upstream harness' `@` rewrite of an expression.
public enum AtRewrite {
    public static func usesUnsafeFunctionOutsideSubquery(_ e: Expr) -> Bool {
        switch e {
        case .number, .string, .vectorSelector, .matrixSelector, .subquery: return false
        case .paren(let x, _), .unary(_, let x, _): return usesUnsafeFunctionOutsideSubquery(x)
        case .binary(let b): return usesUnsafeFunctionOutsideSubquery(b.lhs) || usesUnsafeFunctionOutsideSubquery(b.rhs)
        case .aggregate(let a):
            return usesUnsafeFunctionOutsideSubquery(a.expr) || (a.param.map(usesUnsafeFunctionOutsideSubquery) ?? false)
        case .call(let c):
            return c.function.isAtModifierUnsafe || c.args.contains(where: usesUnsafeFunctionOutsideSubquery)
        }
    }

    public static func pin(_ e: Expr, at t: Int64) -> Expr {
        switch e {
        case .number, .string: return e
        case .vectorSelector(var vs):
            if vs.at == nil { vs.at = .timestamp(t) }
            return .vectorSelector(vs)
        case .matrixSelector(var ms):
            if ms.selector.at == nil { ms.selector.at = .timestamp(t) }
            return .matrixSelector(ms)
        case .subquery(var sq):
            if sq.at == nil { sq.at = .timestamp(t) }
            return .subquery(sq)
        case .paren(let x, let p): return .paren(pin(x, at: t), p)
        case .unary(let o, let x, let p): return .unary(o, pin(x, at: t), p)
        case .binary(var b):
            b.lhs = pin(b.lhs, at: t)
            b.rhs = pin(b.rhs, at: t)
            return .binary(b)
        case .aggregate(var a):
            a.expr = pin(a.expr, at: t)
            a.param = a.param.map { pin($0, at: t) }
            return .aggregate(a)
        case .call(var c):
            c.args = c.args.map { pin($0, at: t) }
            return .call(c)
        }
    }
}

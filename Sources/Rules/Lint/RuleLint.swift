import Model
import PromQL

/// One lint finding: `<file>: group "<g>", rule "<r>": <why>`.
public struct LintWarning: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, CaseIterable {
        /// `histogram_quantile(...) > T` above the highest finite bucket.
        case histogramCeiling
        /// A raw counter compared with a threshold.
        case rawCounter
        /// `$labels.x` where `x` cannot survive the expression.
        case lostLabel
        /// A selector's metric, label or value absent from the fixtures.
        case unknownSeries
        /// A label likely to carry PII or unbounded values in an alert's output.
        case piiLabel
        /// A critical alert without `for`.
        case criticalWithoutFor
        /// A critical alert without a `runbook_url` annotation.
        case criticalWithoutRunbook
        /// A comparison with `avg_over_time` of itself without a still-filling-baseline guard.
        case unguardedBaseline
    }

    public var file: String
    public var group: String
    public var rule: String
    public var kind: Kind
    public var message: String

    public var description: String { "\(file): group \(goQuote(group)), rule \(goQuote(rule)): \(message)" }
}

/// klaxon's rule lint: what makes a rule silently useless. A pure function of the parsed rules
/// and the (optional) fixtures; the fixture-dependent checks (bucket ceiling, unknown series)
/// only run when fixtures are given.
public enum RuleLint {
    /// Label names that usually carry personal data or one value per user / request.
    public static let piiLabels: Set<String> = [
        "user_id", "userid", "user", "username", "user_name", "email", "email_address", "mail",
        "phone", "phone_number", "ip", "ip_address", "client_ip", "remote_addr", "remote_ip",
        "session_id", "request_id", "trace_id", "span_id", "customer_id", "account_id", "api_key", "token",
    ]

    public static func lint(file: String, rules: RuleFile, fixtures: LintFixtures?,
                            recordedMetrics: Set<String> = []) -> [LintWarning] {
        var out: [LintWarning] = []
        let recorded = recordedMetrics.union(rules.groups.flatMap { $0.rules.map(\.record) }.filter { !$0.isEmpty })
        for g in rules.groups {
            for r in g.rules {
                for (kind, msg) in lint(rule: r, fixtures: fixtures, recordedMetrics: recorded) {
                    out.append(LintWarning(file: file, group: g.name, rule: r.name, kind: kind, message: msg))
                }
            }
        }
        return out
    }

    /// The findings for one (valid) rule, in a fixed order, without duplicates.
    public static func lint(rule r: RuleDefinition, fixtures: LintFixtures?,
                            recordedMetrics: Set<String> = []) -> [(LintWarning.Kind, String)] {
        guard let expr = try? PromQLParser.parse(r.expr) else { return [] }
        var out: [(LintWarning.Kind, String)] = []
        func add(_ k: LintWarning.Kind, _ m: String) {
            if !out.contains(where: { $0.0 == k && $0.1 == m }) { out.append((k, m)) }
        }
        let isAlert = !r.alert.isEmpty
        let fx = (fixtures?.isEmpty ?? true) ? nil : fixtures

        // Comparisons: histogram ceiling, raw counters.
        walk(expr) { e in
            guard case .binary(let b) = e, b.op.isComparison else { return }
            if let fx { for m in histogramCeiling(b, fx) { add(.histogramCeiling, m) } }
            for m in rawCounter(b, fx) { add(.rawCounter, m) }
        }
        if let m = unguardedBaseline(expr) { add(.unguardedBaseline, m) }

        // Templates and output labels (alerts only: recording rules' labels are not templates).
        if isAlert {
            let flow = LabelFlow.of(expr, fixtures: fx)
            let templates = r.labels.sorted { $0.key < $1.key }.map { ("label", $0.key, $0.value) }
                + r.annotations.sorted { $0.key < $1.key }.map { ("annotation", $0.key, $0.value) }
            for (what, key, text) in templates {
                for ref in labelReferences(text) where !flow.canCarry(ref) {
                    let why = flow.open ? "the expression drops it"
                        : flow.known.isEmpty ? "the expression's output has no labels" : "the expression's output keeps only \(describe(flow.known))"
                    add(.lostLabel, "\(what) \(goQuote(key)) uses $labels.\(ref), which cannot survive the expression: \(why), so it always prints \"\"")
                }
            }
            var pii: [String] = []
            for l in flow.known.sorted() where piiLabels.contains(l.lowercased()) && flow.canCarry(l) { pii.append(l) }
            for l in pii {
                add(.piiLabel, "label \(goQuote(l)) reaches the alert's labels: it likely carries PII or unbounded values (one alert and one notification per value); aggregate it away")
            }
            for k in r.labels.keys.sorted() where piiLabels.contains(k.lowercased()) {
                add(.piiLabel, "label \(goQuote(k)) is set on the alert: it likely carries PII or unbounded values")
            }
            for (what, key, text) in templates {
                for ref in labelReferences(text) where piiLabels.contains(ref.lowercased()) && !pii.contains(ref) {
                    add(.piiLabel, "\(what) \(goQuote(key)) prints $labels.\(ref): it likely carries PII or unbounded values, which end up in notifications")
                }
            }
            if r.labels["severity"]?.lowercased() == "critical" {
                if r.holdDuration == 0 {
                    add(.criticalWithoutFor, "critical alert without 'for': a single evaluation's blip pages someone; add e.g. for: 5m")
                }
                if (r.annotations["runbook_url"] ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                    add(.criticalWithoutRunbook, "critical alert without a runbook_url annotation: whoever is paged has no procedure to follow")
                }
            }
        }

        // Selectors the fixtures never saw.
        if let fx {
            for vs in selectors(expr) {
                guard let name = metricName(vs), !recordedMetrics.contains(name),
                      name != "ALERTS", name != "ALERTS_FOR_STATE" else { continue }
                let ss = fx.series(named: name)
                if ss.isEmpty {
                    add(.unknownSeries, "metric \(name) never appears in the fixtures")
                    continue
                }
                for m in vs.matchers where m.name != Labels.metricName && !m.matchesEmpty {
                    if !ss.contains(where: { $0[m.name] != nil }) {
                        add(.unknownSeries, "label \(goQuote(m.name)) of \(name) never appears in the fixtures")
                    } else if !ss.contains(where: { m.matches($0) }) {
                        add(.unknownSeries, "no series of \(name) in the fixtures matches \(m)")
                    }
                }
            }
        }
        return out
    }

    // MARK: - Checks

    /// `histogram_quantile(...) > T` (or `>=`, or mirrored) where the fixtures' highest finite
    /// bucket is at most T: the quantile is never above the highest finite bound.
    static func histogramCeiling(_ b: BinaryExpr, _ fx: LintFixtures) -> [String] {
        guard !b.returnBool else { return [] }
        var hq: Expr, t: Double, strict: Bool, text: String
        if let c = quantileCall(b.lhs), case .number(let v, _) = b.rhs.unwrapped, b.op == .gtr || b.op == .gte {
            hq = c; t = v; strict = b.op == .gtr
            text = "histogram_quantile(...) \(b.op.rawValue) \(Expr.number(v, PositionRange(0, 0)))"
        } else if let c = quantileCall(b.rhs), case .number(let v, _) = b.lhs.unwrapped, b.op == .lss || b.op == .lte {
            hq = c; t = v; strict = b.op == .lss
            text = "\(Expr.number(v, PositionRange(0, 0))) \(b.op.rawValue) histogram_quantile(...)"
        } else { return [] }
        guard case .call(let call) = hq, call.args.count == 2 else { return [] }
        var best: (name: String, text: String, value: Double)? = nil
        for vs in selectors(call.args[1]) {
            guard let name = metricName(vs), let hb = fx.highestFiniteBucket(vs) else { continue }
            if best == nil || hb.value > best!.value { best = (name, hb.text, hb.value) }
        }
        guard let best, strict ? best.value <= t : best.value < t else { return [] }
        return ["\(text) can never fire: the highest finite bucket of \(best.name) in the fixtures is \(best.text)"]
    }

    /// The `histogram_quantile` call behind parentheses and value-preserving aggregations.
    static func quantileCall(_ e: Expr) -> Expr? {
        switch e.unwrapped {
        case .call(let c) where c.function.name == "histogram_quantile": return e.unwrapped
        case .aggregate(let a) where [.max, .min, .avg, .topk, .bottomk, .quantile].contains(a.op): return quantileCall(a.expr)
        default: return nil
        }
    }

    /// A comparison with a scalar threshold whose vector side reads a counter's raw value.
    static func rawCounter(_ b: BinaryExpr, _ fx: LintFixtures?) -> [String] {
        let side: Expr, threshold: Expr
        if b.rhs.type == .scalar && b.lhs.type == .vector { side = b.lhs; threshold = b.rhs }
        else if b.lhs.type == .scalar && b.rhs.type == .vector { side = b.rhs; threshold = b.lhs }
        else { return [] }
        var out: [String] = []
        for vs in rawSelectors(side) {
            guard let name = metricName(vs), let why = counterReason(name, fx) else { continue }
            out.append("compares the raw counter \(name) (\(why)) with a threshold (\(b.op.rawValue) \(threshold.unwrapped)): a counter only grows and resets on restart; compare rate() or increase() instead")
        }
        return out
    }

    /// Why `name` is taken for a counter, or nil: `# TYPE` metadata wins, then the fixtures'
    /// data (a value going down to non-zero is a gauge), then the suffix.
    static func counterReason(_ name: String, _ fx: LintFixtures?) -> String? {
        if let t = fx?.metadataType(name) { return t == "counter" ? "# TYPE counter in the fixtures" : nil }
        if fx?.behavesAsGauge(name) == true { return nil }
        for s in ["_total", "_count", "_sum", "_bucket"] where name.hasSuffix(s) { return "by its \(s) suffix" }
        return nil
    }

    /// Range functions whose result is still the sample value (so a counter stays raw).
    static let valuePreserving: Set<String> = [
        "abs", "ceil", "floor", "round", "clamp", "clamp_min", "clamp_max", "label_replace", "label_join",
        "sort", "sort_desc", "last_over_time", "max_over_time", "min_over_time", "avg_over_time",
        "sum_over_time", "quantile_over_time",
    ]

    /// Selectors whose raw sample values reach the output of `e`.
    static func rawSelectors(_ e: Expr) -> [VectorSelector] {
        switch e {
        case .vectorSelector(let vs): return [vs]
        case .matrixSelector(let m): return [m.selector]
        case .subquery(let s): return rawSelectors(s.expr)
        case .paren(let x, _), .unary(_, let x, _): return rawSelectors(x)
        case .number, .string: return []
        case .binary(let b):
            switch b.op {
            case .and, .unless: return rawSelectors(b.lhs)
            default: return rawSelectors(b.lhs) + rawSelectors(b.rhs)
            }
        case .aggregate(let a):
            return [.count, .countValues, .group].contains(a.op) ? [] : rawSelectors(a.expr)
        case .call(let c):
            guard valuePreserving.contains(c.function.name) else { return [] }
            return c.args.filter { $0.type != .scalar && $0.type != .string }.flatMap(rawSelectors)
        }
    }

    /// A comparison against `avg_over_time(X[...])` where the other operand reads X's metrics,
    /// with no `count_over_time` over those metrics anywhere in the rule (docs/rules.md, Baseline guard).
    static func unguardedBaseline(_ expr: Expr) -> String? {
        var guardMetrics: Set<String> = []
        walk(expr) { e in
            if case .call(let c) = e, c.function.name == "count_over_time" {
                guardMetrics.formUnion(c.args.flatMap { selectors($0) }.compactMap(metricName))
            }
        }
        var found: String? = nil
        walk(expr) { e in
            guard found == nil, case .binary(let b) = e, b.op.isComparison else { return }
            var baselines: [Call] = []
            for side in [b.lhs, b.rhs] {
                walk(side) { x in if case .call(let c) = x, c.function.name == "avg_over_time" { baselines.append(c) } }
            }
            guard !baselines.isEmpty else { return }
            let outside = Set([b.lhs, b.rhs].flatMap { selectors($0, skipping: "avg_over_time") }.compactMap(metricName))
            for c in baselines {
                let inner = Set(c.args.flatMap { selectors($0) }.compactMap(metricName))
                guard !inner.isDisjoint(with: outside), inner.isDisjoint(with: guardMetrics) else { continue }
                let arg = c.args.first.map { "\($0)" } ?? ""
                found = "compares a value with avg_over_time(\(arg)) of itself without a guard against a still-filling baseline: after a fresh start the baseline holds minutes of data and every ramp-up looks like a spike; add \"and count_over_time(<same expression>[<window>:<step>]) >= N\" (docs/rules.md, Baseline guard)"
                return
            }
        }
        return found
    }

    // MARK: - Helpers

    /// `$labels.x`, `.Labels.x` and `index $labels "x"` references in a template.
    static func labelReferences(_ text: String) -> [String] {
        let c = Array(text.utf8)
        var out: [String] = []
        func ident(from i: Int) -> String {
            var j = i
            while j < c.count, c[j] == 95 || (c[j] >= 48 && c[j] <= 57) || (c[j] | 0x20 >= 97 && c[j] | 0x20 <= 122) { j += 1 }
            return String(decoding: c[i..<j], as: UTF8.self)
        }
        func hasPrefix(_ p: String, at i: Int) -> Bool {
            let u = Array(p.utf8)
            return i + u.count <= c.count && Array(c[i..<(i + u.count)]) == u
        }
        var i = 0
        while i < c.count {
            for p in ["$labels.", ".Labels."] where hasPrefix(p, at: i) {
                // `.Labels.` must not be the tail of `$labels.Labels.` or of a longer field chain.
                if p == ".Labels.", i > 0, c[i - 1] != 32 && c[i - 1] != 123 && c[i - 1] != 40 { continue }
                let id = ident(from: i + p.utf8.count)
                if !id.isEmpty && !out.contains(id) { out.append(id) }
            }
            if hasPrefix("index", at: i) {
                var j = i + 5
                while j < c.count, c[j] == 32 { j += 1 }
                if hasPrefix("$labels", at: j) || hasPrefix(".Labels", at: j) {
                    j += 7
                    while j < c.count, c[j] == 32 { j += 1 }
                    if j < c.count, c[j] == 34, let end = c[(j + 1)...].firstIndex(of: 34) {
                        let id = String(decoding: c[(j + 1)..<end], as: UTF8.self)
                        if !id.isEmpty && !out.contains(id) { out.append(id) }
                    }
                }
            }
            i += 1
        }
        return out
    }

    static func describe(_ labels: Set<String>) -> String {
        labels.isEmpty ? "no labels" : "(" + labels.sorted().joined(separator: ", ") + ")"
    }

    /// The metric name a selector pins, if any.
    public static func metricName(_ vs: VectorSelector) -> String? {
        vs.name ?? vs.matchers.first { $0.name == Labels.metricName && $0.kind == .equal }?.value
    }

    static func children(_ e: Expr) -> [Expr] {
        switch e {
        case .number, .string, .vectorSelector: return []
        case .matrixSelector(let m): return [.vectorSelector(m.selector)]
        case .subquery(let s): return [s.expr]
        case .paren(let x, _), .unary(_, let x, _): return [x]
        case .binary(let b): return [b.lhs, b.rhs]
        case .aggregate(let a): return (a.param.map { [$0] } ?? []) + [a.expr]
        case .call(let c): return c.args
        }
    }

    /// Pre-order traversal.
    static func walk(_ e: Expr, _ visit: (Expr) -> Void) {
        visit(e)
        for c in children(e) { walk(c, visit) }
    }

    /// Every vector selector in `e` (also inside range selectors and subqueries), optionally not
    /// descending into calls of function `skipping`.
    static func selectors(_ e: Expr, skipping: String? = nil) -> [VectorSelector] {
        if let skipping, case .call(let c) = e, c.function.name == skipping { return [] }
        if case .vectorSelector(let vs) = e { return [vs] }
        return children(e).flatMap { selectors($0, skipping: skipping) }
    }
}

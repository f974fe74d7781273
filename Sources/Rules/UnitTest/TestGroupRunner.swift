import Model
import PromQL

/// Runs one test group (`testGroup.test` in promtool 2.42) and returns its error messages.
struct TestGroupRunner {
    var group: TestGroup
    /// ms, the step of the evaluation loop and the default subquery step.
    var evaluationInterval: Int64
    /// Rank of each listed group name in `group_eval_order`.
    var groupOrder: [String: Int]
    var ruleFiles: [String]

    func run() -> [String] {
        let store = MemoryStore()
        var loader: InputSeriesLoader
        do { loader = try InputSeriesLoader(series: group.inputSeries, interval: group.interval) } catch {
            return ["\(error)"]
        }
        var groups: [RuleGroup]
        switch RuleGroupLoader.load(paths: ruleFiles, defaultInterval: group.interval,
                                    externalLabels: group.externalLabels, externalURL: group.externalURL) {
        case .failure(let e): return e.errors.map(\.description)
        case .success(let g): groups = g
        }
        // Unlisted groups rank 0, tying with the first listed one; ties keep file order.
        groups = groups.enumerated().sorted {
            let a = groupOrder[$0.element.name] ?? 0, b = groupOrder[$1.element.name] ?? 0
            return a != b ? a < b : $0.offset < $1.offset
        }.map(\.element)

        let maxt = (group.alertRuleTests.map(\.evalTime) + group.promqlExprTests.map(\.evalTime)).max() ?? 0
        for a in group.alertRuleTests where a.alertname.isEmpty {
            let suffix = group.name.isEmpty ? "" : " (in TestGroup \(group.name))"
            return ["an item under alert_rule_test misses required attribute alertname at eval_time \(PromDuration.format(a.evalTime))\(suffix)"]
        }
        let alertTimes = Array(Set(group.alertRuleTests.map(\.evalTime))).sorted()
        for i in groups.indices { groups[i].markRestored() }

        var options = EngineOptions()
        options.defaultSubqueryStep = evaluationInterval
        let engine = Engine(options: options)
        let querier = EngineQuerier(engine: engine, store: store)

        var errors: [String] = []
        var curr = 0
        var ts: Int64 = 0
        while ts <= maxt {
            loader.appendTill(ts, to: store)
            var evalErrors: [String] = []
            for i in groups.indices {
                groups[i].evaluate(at: ts, using: querier, storage: store)
                for (r, err) in zip(groups[i].rules, groups[i].lastErrors) {
                    if let err { evalErrors.append("    rule: \(r.name), time: \(GoText.duration(ts)), err: \(err)") }
                }
            }
            errors += evalErrors
            if !evalErrors.isEmpty { return errors }

            // Alert checks whose eval_time falls in [ts, ts + E).
            while curr < alertTimes.count, ts <= alertTimes[curr], alertTimes[curr] < ts + evaluationInterval {
                let t = alertTimes[curr]
                for test in group.alertRuleTests where test.evalTime == t {
                    if let failure = checkAlerts(test, groups) { errors.append(failure) }
                }
                curr += 1
            }
            ts += evaluationInterval
        }

        for test in group.promqlExprTests {
            if let failure = checkExpr(test, querier) { errors.append(failure) }
        }
        return errors
    }

    typealias AlertView = (labels: [Label], annotations: [Label])

    static func sortAlerts(_ a: [AlertView]) -> [AlertView] {
        a.sorted {
            let d = GoText.compare($0.labels, $1.labels)
            return d != 0 ? d < 0 : GoText.compare($0.annotations, $1.annotations) < 0
        }
    }

    func checkAlerts(_ test: AlertTestCase, _ groups: [RuleGroup]) -> String? {
        var got: [AlertView] = []
        for g in groups {
            for case .alerting(let r) in g.rules where r.name == test.alertname {
                got += r.firingAlerts.map { (Array($0.labels.pairs), $0.annotations) }
            }
        }
        var exp: [AlertView] = []
        for e in test.expAlerts {
            var l = e.expLabels
            l["alertname"] = test.alertname
            exp.append((GoText.pairs(l), GoText.pairs(e.expAnnotations)))
        }
        got = Self.sortAlerts(got)
        exp = Self.sortAlerts(exp)
        let equal = got.count == exp.count && zip(got, exp).allSatisfy { $0.labels == $1.labels && $0.annotations == $1.annotations }
        if equal { return nil }
        let name = group.name.isEmpty ? "" : "    name: \(group.name),\n"
        return "\(name)    alertname: \(test.alertname), time: \(PromDuration.format(test.evalTime)), \n        exp:\(Self.describe(exp)), \n        got:\(Self.describe(got))"
    }

    /// promtool's `labelsAndAnnotations.String()` indented by 12 spaces.
    static func describe(_ list: [AlertView]) -> String {
        if list.isEmpty { return "[]" }
        var s = "["
        for (i, a) in list.enumerated() {
            s += (i == 0 ? "\n" : ",\n") + "            \(i):\n"
            s += "              Labels:\(GoText.labels(a.labels))\n"
            s += "              Annotations:\(GoText.labels(a.annotations))"
        }
        return s + "\n            ]"
    }

    func checkExpr(_ test: PromQLTestCase, _ querier: EngineQuerier) -> String? {
        let head = "    expr: \(goQuote(test.expr)), time: \(PromDuration.format(test.evalTime))"
        var got: [(Labels, Double)]
        do {
            let expr = try PromQLParser.parse(test.expr)
            got = try querier.query(expr, at: test.evalTime).map { ($0.labels, $0.v) }
        } catch {
            return "\(head), err: \(error)"
        }
        var exp: [(Labels, Double)] = []
        for s in test.expSamples {
            do { exp.append((try SeriesNotation.parseLabels(s.labels), s.value)) } catch {
                return "\(head), err: labels \(goQuote(s.labels)): \(error)"
            }
        }
        got.sort { $0.0 < $1.0 }
        exp.sort { $0.0 < $1.0 }
        // Exact comparison, as reflect.DeepEqual: NaN never equals NaN.
        let equal = got.count == exp.count && zip(got, exp).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        if equal { return nil }
        return "\(head),\n        exp: \(Self.describe(exp))\n        got: \(Self.describe(got))"
    }

    static func describe(_ samples: [(Labels, Double)]) -> String {
        if samples.isEmpty { return "nil" }
        return samples.map { "\($0.0) \(GoFloat.formatE($0.1, upper: true))" }.joined(separator: ", ")
    }
}

import ConfigYAML
import Model
import Yams

extension UnitTestFile {
    /// Decodes strictly, as `yaml.UnmarshalStrict` into promtool's types: unknown keys and
    /// type mismatches are all reported (`yaml: unmarshal errors:`), a bad duration alone.
    public static func decode(_ text: String) throws -> UnitTestFile {
        var y = StrictYAML(typePrefix: "main")
        var file = UnitTestFile()
        guard let root = try StrictYAML.compose(text) else { return file }
        let known: Set<String> = ["rule_files", "evaluation_interval", "group_eval_order", "tests"]
        for (k, v) in y.fields(root, type: "unitTestFile", known: known) ?? [] {
            switch k {
            case "rule_files": file.ruleFiles = y.stringList(v)
            case "evaluation_interval": file.evaluationInterval = try y.duration(v)
            case "group_eval_order": file.groupEvalOrder = y.stringList(v)
            default:
                for g in y.sequence(v, of: "testGroup") { file.tests.append(try decodeGroup(g, &y)) }
            }
        }
        try y.finish()
        return file
    }

    static func decodeGroup(_ n: Node, _ y: inout StrictYAML) throws -> TestGroup {
        var g = TestGroup()
        let known: Set<String> = ["interval", "input_series", "alert_rule_test", "promql_expr_test", "external_labels", "external_url", "name"]
        for (k, v) in y.fields(n, type: "testGroup", known: known) ?? [] {
            switch k {
            case "interval": g.interval = try y.duration(v)
            case "name": g.name = y.string(v)
            case "external_labels": g.externalLabels = y.stringMap(v) ?? [:]
            case "external_url": g.externalURL = y.string(v)
            case "input_series":
                for s in y.sequence(v, of: "series") {
                    var series = InputSeries()
                    for (sk, sv) in y.fields(s, type: "series", known: ["series", "values"]) ?? [] {
                        if sk == "series" { series.series = y.string(sv) } else { series.values = y.string(sv) }
                    }
                    g.inputSeries.append(series)
                }
            case "alert_rule_test":
                for a in y.sequence(v, of: "alertTestCase") {
                    var t = AlertTestCase()
                    for (ak, av) in y.fields(a, type: "alertTestCase", known: ["eval_time", "alertname", "exp_alerts"]) ?? [] {
                        switch ak {
                        case "eval_time": t.evalTime = try y.duration(av)
                        case "alertname": t.alertname = y.string(av)
                        default:
                            for e in y.sequence(av, of: "alert") {
                                var exp = ExpectedAlert()
                                for (ek, ev) in y.fields(e, type: "alert", known: ["exp_labels", "exp_annotations"]) ?? [] {
                                    if ek == "exp_labels" { exp.expLabels = y.stringMap(ev) ?? [:] } else { exp.expAnnotations = y.stringMap(ev) ?? [:] }
                                }
                                t.expAlerts.append(exp)
                            }
                        }
                    }
                    g.alertRuleTests.append(t)
                }
            default:
                for p in y.sequence(v, of: "promqlTestCase") {
                    var t = PromQLTestCase()
                    for (pk, pv) in y.fields(p, type: "promqlTestCase", known: ["expr", "eval_time", "exp_samples"]) ?? [] {
                        switch pk {
                        case "expr": t.expr = y.string(pv)
                        case "eval_time": t.evalTime = try y.duration(pv)
                        default:
                            for s in y.sequence(pv, of: "sample") {
                                var exp = ExpectedSample()
                                for (sk, sv) in y.fields(s, type: "sample", known: ["labels", "value"]) ?? [] {
                                    if sk == "labels" { exp.labels = y.string(sv) } else { exp.value = y.float(sv) }
                                }
                                t.expSamples.append(exp)
                            }
                        }
                    }
                    g.promqlExprTests.append(t)
                }
            }
        }
        return g
    }
}

import Testing
@testable import Rules

@Suite struct DecoderTests {
    @Test func fullFile() throws {
        let f = try UnitTestFile.decode("""
        rule_files: [a.yml, 'b/*.yml']
        evaluation_interval: 30s
        group_eval_order: [x, y]
        tests:
          - name: g1
            interval: 1m30s
            external_labels: {env: prod}
            external_url: http://x
            input_series:
              - series: 'up{job="a"}'
                values: '1 2'
            alert_rule_test:
              - eval_time: 5m
                alertname: A
                exp_alerts:
                  - exp_labels: {severity: page}
                    exp_annotations: {summary: s}
            promql_expr_test:
              - expr: up
                eval_time: 1m
                exp_samples:
                  - labels: '{}'
                    value: .inf
                  - labels: 3
                    value: 0x10
        """)
        #expect(f.ruleFiles == ["a.yml", "b/*.yml"])
        #expect(f.evaluationInterval == 30_000)
        #expect(f.groupEvalOrder == ["x", "y"])
        let g = try #require(f.tests.first)
        #expect(g.name == "g1" && g.interval == 90_000 && g.externalLabels == ["env": "prod"] && g.externalURL == "http://x")
        #expect(g.inputSeries == [InputSeries(series: "up{job=\"a\"}", values: "1 2")])
        #expect(g.alertRuleTests[0].evalTime == 300_000 && g.alertRuleTests[0].alertname == "A")
        #expect(g.alertRuleTests[0].expAlerts[0].expLabels == ["severity": "page"])
        #expect(g.promqlExprTests[0].expSamples[0].value == .infinity)
        // yaml.v2 decodes any scalar into a string field and hex ints into floats.
        #expect(g.promqlExprTests[0].expSamples[1].labels == "3")
        #expect(g.promqlExprTests[0].expSamples[1].value == 16)
    }

    /// Deliberate compatibility choice (style rule 14): promtool 2.42 gives `interval` no default,
    /// so an omitted interval is 0s; 2.49+ would use evaluation_interval instead.
    @Test func omittedIntervalIsZeroAsInPromtool242() throws {
        let f = try UnitTestFile.decode("tests:\n  - input_series: []\n")
        #expect(f.tests[0].interval == 0)
        #expect(f.evaluationInterval == 0, "0 = unset; the runner applies the 1m default")
    }

    @Test(arguments: [
        ("foo: 1\n", "yaml: unmarshal errors:\n  line 1: field foo not found in type main.unitTestFile"),
        ("tests:\n  - nmae: x\n", "yaml: unmarshal errors:\n  line 2: field nmae not found in type main.testGroup"),
        ("tests:\n  - promql_expr_test:\n      - exp_samples:\n          - value: NaN\n",
         "yaml: unmarshal errors:\n  line 4: cannot unmarshal !!str `NaN` into float64"),
        ("tests:\n  - promql_expr_test:\n      - exp_samples:\n          - value: \"1.5\"\n            qux: 1\n",
         "yaml: unmarshal errors:\n  line 4: cannot unmarshal !!str `1.5` into float64\n  line 5: field qux not found in type main.sample"),
        ("tests:\n  - promql_expr_test:\n      - exp_samples:\n          - value: [1]\n",
         "yaml: unmarshal errors:\n  line 4: cannot unmarshal !!seq into float64"),
        ("tests:\n  - foo: 1\n    interval: 5x\n", "not a valid duration string: \"5x\""),
        ("rule_files: a.yml\n", "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `a.yml` into []string"),
    ])
    func decodeErrors(_ yaml: String, _ message: String) {
        #expect(throws: (any Error).self) { try UnitTestFile.decode(yaml) }
        do { _ = try UnitTestFile.decode(yaml) } catch { #expect("\(error)" == message) }
    }
}

import Testing
@testable import Templates

@Suite struct TemplateTests {
    func expand(_ text: String, value: Double = 0, labels: [String: String] = [:]) -> String {
        AlertTemplate(alertName: "T", labels: labels, value: value, externalLabels: ["env": "prod"],
                      externalURL: "http://x", query: { _ in [] }).expand(text)
    }

    /// Goldens observed with promtool 2.42 (rules-spec §7.2).
    @Test(arguments: [
        (1234567.0, "1.234567e+06", "1.235M", "14d 6h 56m 7s", "1.235e+08%", "1234567.00"),
        (100000.0, "100000", "100k", "1d 3h 46m 40s", "1e+07%", "100000.00"),
        (123.456, "123.456", "123.5", "2m 3s", "1.235e+04%", "123.46"),
        (3.3333333333333335, "3.3333333333333335", "3.333", "3.333s", "333.3%", "3.33"),
        (0.0, "0", "0", "0s", "0%", "0.00"),
        (-0.5, "-0.5", "-500m", "-500ms", "-50%", "-0.50"),
        (0.00001, "1e-05", "10u", "10us", "0.001%", "0.00"),
        (Double.nan, "NaN", "NaN", "NaN", "NaN%", "NaN"),
        (Double.infinity, "+Inf", "+Inf", "+Inf", "+Inf%", "+Inf"),
    ])
    func valueFormatting(_ v: Double, _ plain: String, _ humanize: String, _ duration: String, _ pct: String, _ printf: String) {
        #expect(expand("{{ $value }}", value: v) == plain)
        #expect(expand("{{ humanize $value }}", value: v) == humanize)
        #expect(expand("{{ $value | humanizeDuration }}", value: v) == duration)
        #expect(expand("{{ humanizePercentage $value }}", value: v) == pct)
        #expect(expand("{{ printf \"%.2f\" $value }}", value: v) == printf)
    }

    @Test(arguments: [
        ("{{ $labels.instance | toUpper }}", "HOST:1"),
        ("{{ toLower \"AbC\" }}", "abc"),
        ("{{ $labels.nope }}", ""),
        ("{{ $externalLabels.env }} {{ $externalURL }}", "prod http://x"),
        ("{{ if gt $value 2.0 }}big{{ else }}small{{ end }}", "big"),
        ("{{- range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end -}}", "instance=host:1;job=j;"),
        ("{{ with $labels.job }}job {{ . }}{{ end }}", "job j"),
        ("{{/* comment */}}x", "x"),
    ])
    func expansion(_ text: String, _ want: String) {
        #expect(expand(text, value: 3, labels: ["instance": "host:1", "job": "j"]) == want)
    }

    @Test func parseErrorNamesTheTemplate() {
        #expect(throws: TemplateError.self) { try AlertTemplate.check("{{ $value ", alertName: "B") }
        do { try AlertTemplate.check("{{ $value ", alertName: "B") } catch {
            #expect(error.description == "template: __alert_B:1: unclosed action")
        }
        #expect(expand("{{ nope }}") == "<error expanding template: error parsing template __alert_T: template: __alert_T:1: function \"nope\" not defined>")
    }
}

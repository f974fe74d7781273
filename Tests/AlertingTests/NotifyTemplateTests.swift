import Testing
@testable import Alerting
import Templates

/// Alertmanager's template data and functions, and the default building blocks (spec §9).
@Suite struct NotifyTemplateTests {
    let t = NotificationTemplates()

    func render(_ text: String, _ n: NotificationRequest = NotifyFixtures.highLoad) throws -> String {
        try t.text(text, n.templateData)
    }

    func request(group: [String: String], labels: [[String: String]], resolved: Bool = false, receiver: String = "r") -> NotificationRequest {
        NotificationRequest(receiver: receiver, groupKey: "{}:{}", groupLabels: group,
                            alerts: labels.map { NotifyFixtures.alert($0, resolved: resolved) }, externalURL: "http://am.example:9093")
    }

    @Test(arguments: [
        // Common labels equal to group labels: trailing space (spec §9.3).
        ([["alertname": "HighLoad"], ["alertname": "HighLoad"], ["alertname": "HighLoad"]], ["alertname": "HighLoad"], false, "[FIRING:3] HighLoad "),
        ([["zeta": "1", "alertname": "A", "beta": "2"]], ["zeta": "1"], true, "[RESOLVED] 1 (A 2)"),
        ([["alertname": "SlackTest", "instance": "i1", "severity": "critical", "team": "slack"]], ["alertname": "SlackTest"], false,
         "[FIRING:1] SlackTest (i1 critical slack)"),
    ])
    func subject(labels: [[String: String]], group: [String: String], resolved: Bool, want: String) throws {
        #expect(try render(#"{{ template "__subject" . }}"#, request(group: group, labels: labels, resolved: resolved)) == want)
    }

    @Test func slackFallbackHasTwoSpacesWhenNothingIsCommonBeyondTheGroup() throws {
        let n = request(group: ["alertname": "HighLoad"], labels: [["alertname": "HighLoad"]], receiver: "web")
        #expect(try render(#"{{ template "slack.default.fallback" . }}"#, n) == "[FIRING:1] HighLoad  | http://am.example:9093/#/alerts?receiver=web")
    }

    @Test func receiverIsRegexpQuotedAndURLQueryEscaped() throws {
        let n = request(group: [:], labels: [["a": "b"]], receiver: "team.a+b")
        #expect(try render("{{ .Receiver }}", n) == #"team\.a\+b"#)
        #expect(try render(#"{{ template "__alertmanagerURL" . }}"#, n) == "http://am.example:9093/#/alerts?receiver=team%5C.a%5C%2Bb")
    }

    @Test func alertListBlock() throws {
        let text = try render(#"{{ template "pagerduty.default.instances" .Alerts.Firing }}"#, NotifyFixtures.pd())
        #expect(text == "Labels:\n - alertname = PDTest\n - instance = i1\n - team = pd\nAnnotations:\n - summary = pd summary\nSource: http://prom/graph\n")
    }

    @Test func dataModel() throws {
        let n = NotifyFixtures.highLoad
        #expect(try render("{{ .Status }} {{ len .Alerts }} {{ len .Alerts.Firing }} {{ .Alerts.Resolved | len }}", n) == "firing 3 2 1")
        #expect(try render("{{ range .GroupLabels.SortedPairs }}{{ .Name }}={{ .Value }};{{ end }}", n) == "alertname=HighLoad;")
        #expect(try render(#"{{ .CommonLabels.SortedPairs.Names | join "," }}"#, n) == "alertname,cluster,job,severity")
        #expect(try render(#"{{ (.CommonLabels.Remove .GroupLabels.Names).Values | join " " }}"#, n) == "c1 node warning")
        #expect(try render(#"{{ .CommonLabels.cluster }} {{ index .CommonLabels "job" }}"#, n) == "c1 node")
        #expect(try render("{{ range .Alerts }}{{ .Fingerprint }} {{ .Status }}|{{ end }}", n)
            == "b6f27a251ef24a84 firing|7cd2d9dd7097cc2d firing|1a2b3c4d5e6f7081 resolved|")
        #expect(try render("{{ (index .Alerts 0).StartsAt }}", n) == "2026-11-28 23:35:47 +0000 UTC")
        #expect(try render("{{ (index .Alerts 0).EndsAt }}", n) == "0001-01-01 00:00:00 +0000 UTC")
        #expect(try render("{{ .ExternalURL }}", n) == "http://am.example:9093")
    }

    @Test func functions() throws {
        #expect(try render(#"{{ "Hello" | toUpper }} {{ "WoRLD" | toLower }} {{ title "hELLO wORLD" }}"#) == "HELLO world Hello World")
        #expect(try render(#"{{ stringSlice "a" "b" "c" | join "-" }}"#) == "a-b-c")
        #expect(try render(#"{{ match "^h[0-9]" "h1:9100" }} {{ match "x" "abc" }}"#) == "true false")
        #expect(try render(#"{{ reReplaceAll ":.*" "" "h1:9100" }}"#) == "h1")
        #expect(try render(#"{{ (index .Alerts 0).StartsAt | date "2006-01-02T15:04" }}"#) == "2026-11-28T23:35")
        #expect(try render(#"{{ (index .Alerts 0).StartsAt | tz "Europe/Berlin" | date "15:04 -0700" }}"#) == "00:35 +0100")
        #expect(try render(#"{{ "x" | urlquery }} {{ printf "%d-%s" 3 "y" }}"#) == "x 3-y")
    }

    @Test func htmlEscapesValuesButNotSafeHtml() throws {
        let n = request(group: [:], labels: [["a": "<b>&"]])
        #expect(try t.html("<p>{{ .CommonLabels.a }}</p><!-- gone -->{{ safeHtml \"<i>\" }}", n.templateData) == "<p>&lt;b&gt;&amp;</p><i>")
    }

    @Test func defaultEmailHTMLRenders() throws {
        let html = try t.html(#"{{ template "email.default.html" . }}"#, NotifyFixtures.highLoad.templateData)
        // html/template drops the licence comment that opens the define, leaving its two newlines.
        #expect(html.hasPrefix("\n\n<!DOCTYPE html"))
        #expect(html.contains("<title>[FIRING:2] HighLoad (c1 node warning)</title>"))
        #expect(html.contains("[2] Firing"))
        #expect(html.contains("[1] Resolved"))
        #expect(html.contains("summary = load high on h1"))
        #expect(html.contains(#"href="http://prom.example:9090/graph?g0.expr=up&amp;g0.tab=1""#))
        #expect(!html.contains("Mailgun"))
    }

    @Test func userTemplatesOverrideDefaults() throws {
        let t = try NotificationTemplates(files: [("my.tmpl", #"{{ define "__subject" }}custom {{ .Status }}{{ end }}{{ define "mine" }}[{{ template "__subject" . }}]{{ end }}"#)])
        let d = NotifyFixtures.highLoad.templateData
        #expect(try t.text(#"{{ template "slack.default.title" . }}"#, d) == "custom firing")
        #expect(try t.text(#"{{ template "mine" . }}"#, d) == "[custom firing]")
    }

    @Test func errorsSayWhere() {
        #expect(throws: TemplateError.self) { try render("{{ template \"nope\" . }}") }
        #expect(throws: TemplateError.self) { try render("{{ if }}") }
        #expect(throws: TemplateError.self) { try render("{{ humanize 3 }}") }
    }
}

import Foundation
import Model
import Testing
@testable import WebUI

@Suite struct AlertsPageTests {
    static let now: Int64 = 1_800_000_000_000

    static func alert(_ rule: String, _ state: UIAlert.State, _ labels: [String: String], value: Double = 1,
                      activeAt: Int64 = now - 300_000, annotations: [String: String] = [:]) -> UIAlert {
        UIAlert(rule: rule, state: state, labels: Labels(labels.merging(["alertname": rule]) { a, _ in a }),
                annotations: annotations, value: value, activeAt: activeAt)
    }

    @Test func showsFiringAndPendingGroupedByRuleWithAnnotations() async throws {
        let source = FakeDataSource {
            $0.alerts = [
                Self.alert("ProviderDown", .firing, ["provider": "openai", "severity": "critical"], value: 0,
                           annotations: ["summary": "Provider openai is down", "description": "No successful requests for 5m",
                                         "runbook_url": "https://runbooks.example/provider-down", "dashboard": "gatewayz"]),
                Self.alert("ProviderDown", .pending, ["provider": "anthropic", "severity": "critical"], value: 0.5,
                           activeAt: Self.now - 20_000),
                Self.alert("HighLatency", .pending, ["model": "gpt-4"], value: 3.25),
            ]
        }
        let r = await get(WebUI(source: source), "/ui/alerts")
        #expect(r.status == 200)
        #expect(r.headers["Content-Type"] == "text/html; charset=utf-8")
        let html = r.body
        // Firing group first, then the pending-only one.
        let down = try #require(html.range(of: "data-rule=\"ProviderDown\""))
        let latency = try #require(html.range(of: "data-rule=\"HighLatency\""))
        #expect(down.lowerBound < latency.lowerBound)
        #expect(html.contains("1 firing"))
        #expect(html.contains("1 pending"))
        #expect(html.contains("Provider openai is down"))
        #expect(html.contains("No successful requests for 5m"))
        #expect(html.contains("href=\"https://runbooks.example/provider-down\">Runbook</a>"))
        #expect(html.contains("dashboard: gatewayz"))
        #expect(html.contains(">provider</span>=<span class=\"lv\">openai<"))
        #expect(html.contains(">3.25<"))
        #expect(html.contains(">5m ago<"))      // active since
        #expect(html.contains(">20s ago<"))
        // alertname is the group heading, not repeated as a chip.
        #expect(!html.contains(">alertname</span>"))
        // The Silence link carries the alert's labels into the form.
        #expect(html.contains("/ui/silences/new?m0n=alertname&amp;m0v=ProviderDown&amp;m1n=provider&amp;m1v=openai"))
    }

    @Test func escapesLabelsAndAnnotationsAndRefusesScriptRunbooks() async {
        let source = FakeDataSource {
            $0.alerts = [Self.alert("Evil", .firing, ["path": evil],
                                    annotations: ["summary": evil, "runbook_url": "javascript:alert(1)"])]
        }
        let html = await get(WebUI(source: source), "/ui/alerts").body
        #expect(!html.contains("<script>"))
        #expect(html.contains(evilEscaped))
        #expect(!html.contains("href=\"javascript:"))
        #expect(html.contains("runbook: javascript:alert(1)"))
    }

    @Test func filtersByStateAndLabelText() async {
        let source = FakeDataSource {
            $0.alerts = [Self.alert("A", .firing, ["team": "db"]), Self.alert("B", .pending, ["team": "web"])]
        }
        let ui = WebUI(source: source)
        let firing = await get(ui, "/ui/alerts", "state=firing").body
        #expect(firing.contains("data-rule=\"A\"") && !firing.contains("data-rule=\"B\""))
        let web = await get(ui, "/ui/alerts", "q=team%3D%22web").body
        #expect(web.contains("data-rule=\"B\"") && !web.contains("data-rule=\"A\""))
        let none = await get(ui, "/ui/alerts", "q=nothing").body
        #expect(none.contains("No alerts match the filter."))
        let empty = await get(WebUI(source: FakeDataSource()), "/ui/alerts").body
        #expect(empty.contains("No alerts are pending or firing."))
    }

    /// 10,000 alerts: in one rule, and spread over 400 rules. Every page stays under 300 KB and
    /// the pager reaches every alert.
    @Test(arguments: [1, 400])
    func tenThousandAlertsStayPaged(rules: Int) async throws {
        let source = FakeDataSource {
            for i in 0..<10_000 {
                let rule = "Rule\(i % rules)"
                $0.alerts.append(Self.alert(rule, i % 3 == 0 ? .pending : .firing,
                                            ["instance": "host-\(i).example:9100", "job": "node", "severity": "warning"],
                                            value: Double(i), annotations: ["summary": "Instance host-\(i) is unhappy",
                                                                            "description": "Something has gone wrong on host \(i)"]))
            }
        }
        let ui = WebUI(source: source)
        let overview = await get(ui, "/ui/alerts")
        #expect(overview.body.utf8.count < 300_000, "overview is \(overview.body.utf8.count) bytes")
        #expect(count("<tr class=\"alert\">", in: overview.body) <= ui.options.groupsPerPage * ui.options.alertsPerGroup)
        #expect(overview.body.contains("6666</b>firing"))
        #expect(overview.body.contains("3334</b>pending"))
        if rules == 400 {
            #expect(overview.body.contains("Page 1 of 16"))
            let last = await get(ui, "/ui/alerts", "page=16").body
            #expect(last.contains("data-rule=\"Rule99\""))
        }
        // One rule's alerts, a page at a time; every alert is on exactly one page.
        let rule = "Rule0"
        let perRule = 10_000 / rules
        let pages = (perRule + ui.options.alertsPerPage - 1) / ui.options.alertsPerPage
        var seen = 0
        for page in 1...pages {
            let r = await get(ui, "/ui/alerts", "rule=\(rule)&page=\(page)")
            #expect(r.body.utf8.count < 300_000)
            seen += count("<tr class=\"alert\">", in: r.body)
        }
        #expect(seen == perRule)
        if rules == 1 { #expect(overview.body.contains("Show all 10000 alerts")) }
    }
}

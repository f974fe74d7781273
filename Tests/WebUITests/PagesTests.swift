import Foundation
import Model
import Testing
@testable import WebUI

@Suite struct PagesTests {
    static let now: Int64 = 1_800_000_000_000

    @Test func rootRedirectsToAlertsAndUnknownPathsAre404() async {
        let ui = WebUI(source: FakeDataSource())
        for path in ["/", "/ui", "/ui/"] {
            let r = await get(ui, path)
            #expect(r.status == 302)
            #expect(r.headers["Location"] == "/ui/alerts")
        }
        // Alerts' generator URLs (Prometheus' /graph) open the Query page.
        let graph = await get(ui, "/graph", "g0.expr=" + FormData.encode("up == 0") + "&g0.tab=1")
        #expect(graph.status == 302)
        #expect(graph.headers["Location"] == "/ui/query?expr=up%20%3D%3D%200")
        let missing = await get(ui, "/ui/nope")
        #expect(missing.status == 404)
        #expect(missing.body.contains("Nothing here: /ui/nope."))
        let wrongMethod = await ui.handle(WebUIRequest(method: "DELETE", path: "/ui/alerts"))
        #expect(wrongMethod.status == 405)
        #expect(WebUI.handles(path: "/ui/query") && WebUI.handles(path: "/"))
        #expect(!WebUI.handles(path: "/api/v1/query") && !WebUI.handles(path: "/metrics") && !WebUI.handles(path: "/-/ready")
                && !WebUI.handles(path: "/uix"))
    }

    @Test func everyPageHasTheNavigationWithItsSectionMarked() async {
        let ui = WebUI(source: FakeDataSource())
        for (path, name) in [("/ui/alerts", "Alerts"), ("/ui/rules", "Rules"), ("/ui/targets", "Targets"),
                             ("/ui/silences", "Silences"), ("/ui/notifications", "Notifications"), ("/ui/query", "Query")] {
            let r = await get(ui, path)
            #expect(r.status == 200, "\(path)")
            #expect(r.body.hasPrefix("<!DOCTYPE html>"))
            #expect(r.body.contains("<title>\(name) · Klaxon</title>"), "\(path)")
            #expect(r.body.contains("class=\"current\" aria-current=\"page\">\(name)</a>"), "\(path)")
            #expect(!r.body.contains("<script"), "\(path): no JavaScript")
        }
    }

    @Test func rulesPageShowsHealthLastEvaluationDurationAndError() async {
        let source = FakeDataSource {
            $0.groups = [UIRuleGroup(name: "provider_health", file: "rules/provider_health.yml", interval: 30_000,
                                     lastEvaluation: Self.now - 12_000, evaluationSeconds: 0.0123, rules: [
                UIRule(name: "ProviderDown", kind: .alerting, query: "sum by (provider) (up{job=\"providers\"}) == 0",
                       health: .ok, lastEvaluation: Self.now - 12_000, evaluationSeconds: 0.0021, holdDuration: 120_000,
                       labels: ["severity": "critical"], state: .firing, firingCount: 2, pendingCount: 1),
                UIRule(name: "job:errors:rate5m", kind: .recording, query: "rate(errors_total[5m])", health: .err,
                       lastError: "vector contains metrics with the same labelset after applying rule labels",
                       lastEvaluation: Self.now - 12_000, evaluationSeconds: 0.5),
                UIRule(name: "Never" + evil, kind: .alerting, query: "x", health: .unknown, lastEvaluation: nil, evaluationSeconds: 0),
            ])]
        }
        let html = await get(WebUI(source: source), "/ui/rules").body
        #expect(html.contains("data-group=\"provider_health\""))
        #expect(html.contains("rules/provider_health.yml"))
        #expect(html.contains("every 30s"))
        #expect(html.contains("took 12.300ms"))
        #expect(html.contains("<strong>ProviderDown</strong>"))
        #expect(html.contains("for 2m"))
        #expect(html.contains("sum by (provider) (up{job=&quot;providers&quot;}) == 0"))
        #expect(html.contains("class=\"badge b-firing\">firing<"))
        #expect(html.contains(">3 alerts</a>"))
        #expect(UIFormat.count(1, "alert") == "1 alert")
        #expect(html.contains("class=\"badge b-ok\">ok<"))
        #expect(html.contains("class=\"badge b-err\">err<"))
        #expect(html.contains("vector contains metrics with the same labelset after applying rule labels"))
        #expect(html.contains(">12s ago<"))
        #expect(html.contains("2.100ms"))
        #expect(html.contains("<span class=\"muted\">never</span>"))
        #expect(html.contains(evilEscaped) && !html.contains("<script>"))
        #expect(html.contains("<b>1</b>with errors"))
    }

    @Test func targetsPageShowsUpDownLastScrapeDurationAndError() async {
        let source = FakeDataSource {
            $0.targets = [
                UITarget(job: "gatewayz", url: "http://127.0.0.1:8000/metrics", labels: Labels(["instance": "127.0.0.1:8000", "job": "gatewayz"]),
                         health: .up, lastScrape: Self.now - 4_000, lastDurationSeconds: 0.0031, lastError: "", interval: 15_000),
                UITarget(job: "gatewayz", url: "http://127.0.0.1:8001/metrics", labels: Labels(["instance": evil]),
                         health: .down, lastScrape: Self.now - 9_000, lastDurationSeconds: 1.5,
                         lastError: "Get \"http://127.0.0.1:8001/metrics\": connection refused", interval: 15_000),
                UITarget(job: "node", url: "javascript:alert(1)", labels: .empty, health: .unknown, lastScrape: nil,
                         lastDurationSeconds: 0, lastError: "", interval: 15_000),
            ]
        }
        let ui = WebUI(source: source)
        let html = await get(ui, "/ui/targets").body
        #expect(html.contains("data-job=\"gatewayz\""))
        #expect(html.contains("1/2 up"))
        #expect(html.contains("class=\"badge b-up\">up<") && html.contains("class=\"badge b-down\">down<"))
        #expect(html.contains(">4s ago<") && html.contains(">9s ago<"))
        #expect(html.contains("3.100ms") && html.contains("1.500s"))
        #expect(html.contains("connection refused"))
        #expect(html.contains(evilEscaped) && !html.contains("<script>"))
        #expect(!html.contains("href=\"javascript:"))
        let down = await get(ui, "/ui/targets", "health=down").body
        #expect(count("<tr class=\"target\">", in: down) == 1)
        let node = await get(ui, "/ui/targets", "job=node").body
        #expect(count("<tr class=\"target\">", in: node) == 1 && node.contains("data-job=\"node\""))
    }

    @Test func targetsArePaged() async {
        let source = FakeDataSource {
            for i in 0..<450 {
                $0.targets.append(UITarget(job: "j\(i % 2)", url: "http://h\(i):9100/metrics", labels: .empty, health: .up,
                                           lastScrape: Self.now, lastDurationSeconds: 0.01, lastError: "", interval: 15_000))
            }
        }
        let ui = WebUI(source: source)
        var rows = 0
        for page in 1...3 {
            let html = await get(ui, "/ui/targets", "page=\(page)").body
            #expect(html.contains("Page \(page) of 3"))
            rows += count("<tr class=\"target\">", in: html)
        }
        #expect(rows == 450)
    }

    @Test func notificationsPageShowsDeliveriesPerReceiverWithStatusAndError() async {
        let source = FakeDataSource {
            $0.notifications = UINotifications(receivers: ["oncall-pager", "team-slack", "quiet"], deliveries: [
                UIDelivery(time: Self.now - 5_000, receiver: "team-slack", integration: "slack[0]", outcome: .failed,
                           notificationStatus: "firing", firingCount: 3, resolvedCount: 0,
                           groupLabels: Labels(["alertname": "HighLatency"]), error: "unexpected status code 500: " + evil),
                UIDelivery(time: Self.now - 60_000, receiver: "oncall-pager", integration: "webhook[0]", outcome: .delivered,
                           notificationStatus: "resolved", firingCount: 0, resolvedCount: 2,
                           groupLabels: Labels(["alertname": "ProviderDown"])),
            ], capacity: 1000)
        }
        let html = await get(WebUI(source: source), "/ui/notifications").body
        #expect(html.contains("data-receiver=\"oncall-pager\"") && html.contains("data-receiver=\"team-slack\""))
        #expect(html.contains("data-receiver=\"quiet\"") && html.contains("No notifications sent yet."))
        #expect(html.contains("slack[0]") && html.contains("webhook[0]"))
        #expect(html.contains("class=\"badge b-failed\">failed<") && html.contains("class=\"badge b-delivered\">delivered<"))
        #expect(html.contains("class=\"badge b-resolved\">resolved<"))
        #expect(html.contains("unexpected status code 500: " + evilEscaped) && !html.contains("<script>"))
        #expect(html.contains("0 firing, 2 resolved"))
        #expect(html.contains(">1m ago<"))
        #expect(html.contains("up to 1000 are kept"))
        let off = await get(WebUI(source: FakeDataSource()), "/ui/notifications").body
        #expect(off.contains("Alert delivery is not configured"))
    }
}

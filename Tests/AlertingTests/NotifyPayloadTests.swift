import Foundation
import Testing
@testable import Alerting
import HTTPClient
import Model

/// Receiver payloads, compared byte for byte with goldens taken from Alertmanager 0.25's
/// observed output (spec §10), after a real POST to a sink on 127.0.0.1.
@Suite(.serialized) struct NotifyPayloadTests {
    let templates = NotificationTemplates()

    @Test func webhookMaxAlertsGolden() async throws {
        try await withSink { sink, client in
            var config = WebhookConfig()
            config.url = "\(sink.base)/codes/200/web"
            config.maxAlerts = 2
            let result = try await WebhookNotifier(config: config, client: client).notify(NotifyFixtures.highLoad)
            #expect(result.status == 200)
            let reqs = try await sink.requests("web", client: client)
            try #require(reqs.count == 1)
            #expect(reqs[0].body == (try NotifyFixtures.golden("webhook_max_alerts.json")))
            #expect(reqs[0].headers["content-type"] == "application/json")
            #expect(reqs[0].headers["user-agent"] == "Alertmanager/0.25.0")
            // Field by field, for a readable failure.
            let obj = try #require(try JSONSerialization.jsonObject(with: Data(reqs[0].body.utf8)) as? [String: Any])
            #expect(obj["version"] as? String == "4")
            #expect(obj["truncatedAlerts"] as? Int == 1)
            #expect((obj["alerts"] as? [Any])?.count == 2)
            #expect(obj["commonLabels"] as? [String: String] == ["alertname": "HighLoad", "cluster": "c1", "job": "node", "severity": "warning"])
            #expect(obj["commonAnnotations"] as? [String: String] == [:])
            #expect(obj["groupKey"] as? String == #"{}:{alertname="HighLoad"}"#)
        }
    }

    @Test func webhookResolvedAlertCarriesItsEnd() throws {
        var n = NotifyFixtures.highLoad
        n.alerts = [n.alerts[2]]
        let body = String(decoding: WebhookNotifier(config: WebhookConfig(), client: try HTTPClient()).payload(n), as: UTF8.self)
        #expect(body.contains(#""status":"resolved","alerts":[{"status":"resolved""#))
        #expect(body.contains(#""endsAt":"2026-11-28T23:36:47Z""#))
        #expect(body.contains(#""truncatedAlerts":0}"#))
        #expect(body.hasSuffix("}\n"))
    }

    @Test func slackFiringGolden() async throws {
        try await withSink { sink, client in
            var config = SlackConfig()
            config.apiURL = SecretURL("\(sink.base)/codes/200/slack")
            config.channel = "#alerts"
            _ = try await SlackNotifier(config: config, templates: templates, client: client).notify(NotifyFixtures.slack)
            let reqs = try await sink.requests("slack", client: client)
            try #require(reqs.count == 1)
            #expect(reqs[0].body == (try NotifyFixtures.golden("slack_firing.json")))
        }
    }

    @Test func slackResolvedIsGoodWithFieldsAndActions() throws {
        var config = SlackConfig()
        config.apiURL = SecretURL("http://unused")
        config.iconEmoji = ":fire:"
        config.fields = [.init(title: "Severity", value: "{{ .CommonLabels.severity }}", short: nil)]
        config.shortFields = true
        config.actions = [.init(type: "button", text: "Runbook", url: "{{ .ExternalURL }}/runbook", style: "", name: "", value: "", confirm: nil)]
        var n = NotifyFixtures.slack
        n.alerts[0].isResolved = true
        n.alerts[0].endsAt = NotifyFixtures.t0 + 1000
        let body = String(decoding: try SlackNotifier(config: config, templates: templates, client: try HTTPClient()).payload(n), as: UTF8.self)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        let att = try #require((obj["attachments"] as? [[String: Any]])?.first)
        #expect(att["title"] as? String == "[RESOLVED] SlackTest (i1 critical slack)")
        #expect(att["color"] as? String == "good")
        #expect(obj["icon_emoji"] as? String == ":fire:")
        #expect(obj["channel"] == nil)
        #expect(body.contains(#""fields":[{"title":"Severity","value":"critical","short":true}]"#))
        #expect(body.contains(#""actions":[{"type":"button","text":"Runbook","url":"http://am.example:9093/runbook"}]"#))
    }

    @Test func slackTemplateErrorIsPermanent() throws {
        var config = SlackConfig()
        config.title = "{{ .Nope.Deeper }}"
        #expect(throws: NotifyError.self) { _ = try SlackNotifier(config: config, templates: templates, client: try HTTPClient()).payload(NotifyFixtures.slack) }
        do { _ = try SlackNotifier(config: config, templates: templates, client: try HTTPClient()).payload(NotifyFixtures.slack) } catch let e as NotifyError {
            #expect(!e.isRetryable)
        } catch {}
    }

    @Test func pagerDutyDedupKeyIsSHA256OfGroupKey() {
        #expect(PagerDutyNotifier.dedupKey(groupKey: #"{}/{team="pd"}:{alertname="PDTest"}"#)
            == "45f865dba0ffbc01c954a73d7eb040a946fb0cf979d58c8badf3a3aeb390fd57")
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(String(repeating: "a", count: 1000)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    @Test(arguments: [(false, "pagerduty_v2_trigger.json"), (true, "pagerduty_v2_resolve.json")])
    func pagerDutyV2Golden(resolved: Bool, golden: String) async throws {
        try await withSink { sink, client in
            var config = PagerdutyConfig()
            config.routingKey = Secret("abc123")
            config.url = "\(sink.base)/codes/202/pd\(resolved)"
            _ = try await PagerDutyNotifier(config: config, templates: templates, client: client).notify(NotifyFixtures.pd(resolved: resolved))
            let reqs = try await sink.requests("pd\(resolved)", client: client)
            try #require(reqs.count == 1)
            #expect(reqs[0].body == (try NotifyFixtures.golden(golden)))
        }
    }

    @Test func pagerDutyV1Golden() async throws {
        try await withSink { sink, client in
            var config = PagerdutyConfig()
            config.serviceKey = Secret("svc123")
            var notifier = PagerDutyNotifier(config: config, templates: templates, client: client)
            notifier.v1URL = "\(sink.base)/codes/200/pdv1"
            _ = try await notifier.notify(NotifyFixtures.pd())
            let reqs = try await sink.requests("pdv1", client: client)
            try #require(reqs.count == 1)
            #expect(reqs[0].body == (try NotifyFixtures.golden("pagerduty_v1_trigger.json")))
        }
    }

    @Test func pagerDutyV2OptionalFields() throws {
        var config = PagerdutyConfig()
        config.routingKey = Secret("k")
        config.severity = "{{ .CommonLabels.team }}"
        config.component = "db"
        config.group = "g"
        config.class = "c"
        config.source = "src"
        config.details = ["extra": "{{ .Receiver }}"]
        config.links = [.init(href: "http://runbook", text: "runbook"), .init(href: "", text: "dropped")]
        let (_, body) = try PagerDutyNotifier(config: config, templates: templates, client: try HTTPClient()).request(NotifyFixtures.pd())
        let text = String(decoding: body, as: UTF8.self)
        #expect(text.contains(#""payload":{"summary":"[FIRING:1] PDTest (i1 pd)","source":"src","severity":"pd","class":"c","component":"db","group":"g","custom_details":{"extra":"pd","firing":"#))
        #expect(text.contains(#""links":[{"href":"http://runbook","text":"runbook"}]}"#))
    }

    @Test func pagerDutyEmptyRoutingKeyIsPermanent() throws {
        var config = PagerdutyConfig()
        config.routingKey = Secret("{{ .CommonLabels.missing }}")
        #expect(throws: NotifyError(isRetryable: false, message: "routing key cannot be empty")) {
            _ = try PagerDutyNotifier(config: config, templates: templates, client: try HTTPClient()).request(NotifyFixtures.pd())
        }
    }
}

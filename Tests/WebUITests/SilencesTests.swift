import Foundation
import Model
import Testing
@testable import WebUI

@Suite struct SilencesTests {
    static let now: Int64 = 1_800_000_000_000

    @Test func alertLinkPrefillsTheFormWithTheAlertsLabels() async throws {
        let labels = Labels(["alertname": "ProviderDown", "provider": evil])
        let url = SilenceForm.prefillURL(labels: labels)
        let q = try #require(url.split(separator: "?", maxSplits: 1).last)
        let html = await get(WebUI(source: FakeDataSource()), "/ui/silences/new", String(q)).body
        #expect(html.contains("name=\"m0n\" value=\"alertname\""))
        #expect(html.contains("name=\"m0v\" value=\"ProviderDown\""))
        #expect(html.contains("name=\"m1n\" value=\"provider\""))
        #expect(html.contains("name=\"m1v\" value=\"\(evilEscaped)\""))
        #expect(html.contains("name=\"duration\" value=\"2h\""))
        // Two empty rows to add matchers.
        #expect(html.contains("name=\"m3n\" value=\"\""))
        #expect(!html.contains("<script>"))
    }

    @Test func postingTheFormCreatesASilenceAndRedirects() async throws {
        let source = FakeDataSource { $0.now = Self.now }
        let ui = WebUI(source: source)
        let r = await post(ui, "/ui/silences", [("m0n", "alertname"), ("m0o", "="), ("m0v", "ProviderDown"),
                                                ("m1n", "provider"), ("m1o", "=~"), ("m1v", "open.*"),
                                                ("m2n", ""), ("m2o", "="), ("m2v", "ignored"),
                                                ("duration", "90m"), ("createdBy", "alice"), ("comment", "maintenance window")],
                           headers: ["origin": "http://127.0.0.1:9096", "host": "127.0.0.1:9096"])
        #expect(r.status == 303)
        #expect(r.headers["Location"] == "/ui/silences?created=s1")
        let s = try #require(await source.silences()?.first)
        #expect(s.matchers == [UIMatcher(name: "alertname", kind: .equal, value: "ProviderDown"),
                               UIMatcher(name: "provider", kind: .regexMatch, value: "open.*")])
        #expect(s.startsAt == Self.now && s.endsAt == Self.now + 90 * 60_000)
        #expect(s.createdBy == "alice" && s.comment == "maintenance window")

        let page = await get(ui, "/ui/silences", "created=s1").body
        #expect(page.contains("Silence s1 created."))
        #expect(page.contains("alertname=&quot;ProviderDown&quot;"))
        #expect(page.contains("provider=~&quot;open.*&quot;"))
        #expect(page.contains("Active (1)"))
        #expect(page.contains(">in 1h 30m<"))
        #expect(page.contains("maintenance window"))
        #expect(page.contains("action=\"/ui/silences/expire\""))
    }

    struct InvalidForm: Sendable, CustomTestStringConvertible {
        var fields: [String]
        var message: String
        var testDescription: String { message }
        /// `fields` alternate name, value.
        var pairs: [(String, String)] { stride(from: 0, to: fields.count, by: 2).map { (fields[$0], fields[$0 + 1]) } }
    }

    static let invalidForms: [InvalidForm] = [
        InvalidForm(fields: ["duration", "2h", "createdBy", "a", "comment", "c"], message: "a silence needs at least one matcher"),
        InvalidForm(fields: ["m0n", "a", "m0v", "b", "duration", "soon", "createdBy", "a", "comment", "c"],
                    message: "duration: not a valid duration string: \"soon\""),
        InvalidForm(fields: ["m0n", "a", "m0v", "b", "duration", "2h", "createdBy", "", "comment", "c"], message: "\"Created by\" is required"),
        InvalidForm(fields: ["m0n", "a", "m0v", "b", "duration", "2h", "createdBy", "x", "comment", " "], message: "a comment is required"),
        InvalidForm(fields: ["m0n", "a", "m0o", "<>", "m0v", "b", "duration", "2h", "createdBy", "x", "comment", "c"],
                    message: "unknown matcher operator \"<>\""),
        InvalidForm(fields: ["m0n", "0bad", "m0v", "b", "duration", "2h", "createdBy", "x", "comment", "c"],
                    message: "silence invalid: invalid label name"),
    ]

    @Test(arguments: invalidForms)
    func invalidFormsAreShownAgainWithTheError(form: InvalidForm) async {
        let source = FakeDataSource()
        let message = form.message
        let r = await post(WebUI(source: source), "/ui/silences", form.pairs)
        #expect(r.status == 400)
        #expect(r.body.contains(HTML.escape(message)), "\(r.body)")
        #expect(r.body.contains("id=\"silence-form\""))
        #expect(await source.silences()?.isEmpty == true)
    }

    @Test func expireButtonExpiresTheSilence() async throws {
        let source = FakeDataSource { $0.now = Self.now }
        let ui = WebUI(source: source)
        _ = await post(ui, "/ui/silences", [("m0n", "a"), ("m0v", "b"), ("duration", "1h"), ("createdBy", "x"), ("comment", "c")])
        let r = await post(ui, "/ui/silences/expire", [("id", "s1")])
        #expect(r.status == 303)
        #expect(r.headers["Location"] == "/ui/silences?expired=s1")
        #expect(await source.silences()?.first?.state == .expired)
        let page = await get(ui, "/ui/silences", "expired=s1").body
        #expect(page.contains("Silence s1 expired."))
        #expect(page.contains("Active (0)"))
        #expect(page.contains("Expired (1)"))
        let missing = await post(ui, "/ui/silences/expire", [("id", "nope")])
        #expect(missing.status == 404)
        #expect(missing.body.contains("Expiring silence nope failed: silence not found"))
    }

    @Test func crossOriginPostsAreRefused() async {
        let source = FakeDataSource()
        let ui = WebUI(source: source)
        let fields = [("m0n", "a"), ("m0v", "b"), ("duration", "1h"), ("createdBy", "x"), ("comment", "c")]
        for origin in ["http://evil.example", "null"] {
            let r = await post(ui, "/ui/silences", fields, headers: ["origin": origin, "host": "127.0.0.1:9096"])
            #expect(r.status == 403)
        }
        #expect(await post(ui, "/ui/silences/expire", [("id", "s1")], headers: ["origin": "http://evil.example", "host": "h"]).status == 403)
        #expect(await source.silences()?.isEmpty == true)
    }

    @Test func silencesPageCountsMatchedAlertsAndExplainsWhenDisabled() async {
        let source = FakeDataSource {
            $0.now = Self.now
            $0.alerts = [UIAlert(rule: "A", state: .firing, labels: Labels(["alertname": "A", "team": "db"]), value: 1, activeAt: Self.now),
                         UIAlert(rule: "A", state: .firing, labels: Labels(["alertname": "A", "team": "web"]), value: 1, activeAt: Self.now)]
            $0.silences = [UISilence(id: "0f3c9a7e-1111-4222-8333-944445555666",
                                     matchers: [UIMatcher(name: "team", kind: .regexMatch, value: "d.")],
                                     startsAt: Self.now - 1000, endsAt: Self.now + 3_600_000, updatedAt: Self.now,
                                     createdBy: evil, comment: "db work", state: .active)]
        }
        let html = await get(WebUI(source: source), "/ui/silences").body
        #expect(html.contains("title=\"0f3c9a7e-1111-4222-8333-944445555666\">0f3c9a7e<"))
        #expect(html.contains("<td class=\"num\">1</td>"))
        #expect(html.contains(evilEscaped) && !html.contains("<script>"))
        let off = await get(WebUI(source: FakeDataSource { $0.silences = nil }), "/ui/silences").body
        #expect(off.contains("Alert delivery is not configured, so there are no silences"))
    }
}

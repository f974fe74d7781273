import Model

/// Silences by state (active, pending, then the most recently expired), each with its matchers,
/// times, author, comment, the number of current alerts it matches, and an Expire button.
struct SilencesPage {
    var silences: [UISilence]?
    var alerts: [UIAlert]
    var now: Int64
    var options: WebUIOptions
    var created: String?
    var expired: String?
    var error: String?

    func render() -> String {
        Layout.page(title: "Silences", section: .silences, now: now) { h in
            if let error { Layout.notice(error, error: true, into: &h) }
            if let created { Layout.notice("Silence \(created) created.", into: &h) }
            if let expired { Layout.notice("Silence \(expired) expired.", into: &h) }
            guard let silences else {
                Layout.notice("Alert delivery is not configured, so there are no silences: start klaxon run with --alertmanager.config.file.", into: &h)
                return
            }
            h.raw("<p><a class=\"button\" href=\"/ui/silences/new\">New silence</a> <span class=\"muted\">or use the Silence link of an alert on the <a href=\"/ui/alerts\">Alerts</a> page.</span></p>")
            let active = silences.filter { $0.state == .active }.sorted { $0.endsAt < $1.endsAt }
            let pending = silences.filter { $0.state == .pending }.sorted { $0.startsAt < $1.startsAt }
            let expiredList = silences.filter { $0.state == .expired }.sorted { $0.endsAt > $1.endsAt }
            section("Active", active, id: "active", into: &h)
            section("Pending", pending, id: "pending", into: &h)
            let shown = Array(expiredList.prefix(options.expiredSilencesShown))
            h.raw("<details id=\"expired\"><summary>")
            h.text("Expired (\(expiredList.count)" + (shown.count < expiredList.count ? ", latest \(shown.count) shown" : "") + ")")
            h.raw("</summary>")
            table(shown, expirable: false, into: &h)
            h.raw("</details>")
        }
    }

    func section(_ title: String, _ list: [UISilence], id: String, into h: inout HTML) {
        h.raw("<h2 " + HTML.attr("id", id) + ">")
        h.text("\(title) (\(list.count))")
        h.raw("</h2>")
        if list.isEmpty {
            h.raw("<p class=\"muted\">None.</p>")
        } else {
            table(list, expirable: true, into: &h)
        }
    }

    func table(_ list: [UISilence], expirable: Bool, into h: inout HTML) {
        guard !list.isEmpty else { return }
        h.raw("<table class=\"silences\"><thead><tr><th>ID</th><th>Matchers</th><th>Starts</th><th>Ends</th><th>Created by</th><th>Comment</th><th>Alerts</th><th></th></tr></thead><tbody>")
        for s in list {
            h.raw("<tr class=\"silence\" " + HTML.attr("data-id", s.id) + "><td class=\"mono\" " + HTML.attr("title", s.id) + ">")
            h.text(String(s.id.prefix(8)))
            h.raw("</td><td><span class=\"labels\">")
            for m in s.matchers {
                h.raw("<span class=\"label\">")
                h.text(m.text)
                h.raw("</span>")
            }
            h.raw("</span></td><td>")
            Layout.time(s.startsAt, now: now, into: &h)
            h.raw("</td><td>")
            Layout.time(s.endsAt, now: now, into: &h)
            h.raw("</td><td>")
            h.text(s.createdBy)
            h.raw("</td><td>")
            h.text(s.comment)
            h.raw("</td><td class=\"num\">")
            h.text(s.state == .expired ? "–" : String(matchedAlerts(s)))
            h.raw("</td><td>")
            if expirable {
                h.raw("<form class=\"inline\" method=\"post\" action=\"/ui/silences/expire\"><input type=\"hidden\" name=\"id\" "
                      + HTML.attr("value", s.id) + "><button class=\"secondary\" type=\"submit\">Expire</button></form>")
            }
            h.raw("</td></tr>")
        }
        h.raw("</tbody></table>")
    }

    /// Current alerts whose labels satisfy every matcher (a missing label is the empty string).
    func matchedAlerts(_ s: UISilence) -> Int {
        let ms = s.matchers.compactMap { try? LabelMatcher($0.kind, $0.name, $0.value) }
        guard ms.count == s.matchers.count else { return 0 }
        return alerts.count { ms.matches($0.labels) }
    }
}

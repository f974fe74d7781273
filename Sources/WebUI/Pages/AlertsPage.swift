import Model

/// Pending and firing alerts grouped by rule. The overview pages through rules and shows the
/// first few alerts of each; `?rule=NAME` pages through one rule's alerts. Either way a page
/// holds at most `groupsPerPage × alertsPerGroup` or `alertsPerPage` alert rows, so 10,000
/// alerts never make a multi-megabyte page.
struct AlertsPage {
    struct Query {
        /// `firing`, `pending` or empty (both).
        var state: UIAlert.State?
        /// Show only this rule's alerts, paged.
        var rule: String?
        /// Case-insensitive substring of any `name="value"` label.
        var text: String
        var page: Int

        init(_ p: FormData) {
            state = p["state"].flatMap(UIAlert.State.init(rawValue:))
            rule = p["rule"].flatMap { $0.isEmpty ? nil : $0 }
            text = p["q"] ?? ""
            page = max(1, Int(p["page"] ?? "") ?? 1)
        }

        /// The parameters that select what is shown (for pager links).
        var params: [(String, String)] {
            var out: [(String, String)] = []
            if let state { out.append(("state", state.rawValue)) }
            if let rule { out.append(("rule", rule)) }
            if !text.isEmpty { out.append(("q", text)) }
            return out
        }
    }

    struct Group {
        var rule: String
        var alerts: [UIAlert]
        var firing: Int
        var pending: Int
    }

    var alerts: [UIAlert]
    var now: Int64
    var options: WebUIOptions
    var query: Query

    func render() -> String {
        let totalFiring = alerts.count { $0.state == .firing }
        let totalPending = alerts.count - totalFiring
        let selected = filtered()
        let groups = Self.group(selected)
        let title = query.rule.map { "Alerts: " + $0 } ?? "Alerts"
        return Layout.page(title: title, section: .alerts, now: now) { h in
            h.raw("<div class=\"summary-bar\" id=\"alert-summary\">")
            h.raw("<span class=\"stat\"><b>\(totalFiring)</b>firing</span><span class=\"stat\"><b>\(totalPending)</b>pending</span>")
            h.raw("<span class=\"stat\"><b>\(Set(alerts.map(\.rule)).count)</b>rules with alerts</span></div>")
            filterForm(into: &h)
            if let rule = query.rule {
                renderRule(rule, groups.first { $0.rule == rule }, into: &h)
            } else {
                renderOverview(groups, matched: selected.count, into: &h)
            }
        }
    }

    func filtered() -> [UIAlert] {
        let needle = query.text.lowercased()
        return alerts.filter { a in
            if let s = query.state, a.state != s { return false }
            if let r = query.rule, a.rule != r { return false }
            if needle.isEmpty { return true }
            return a.labels.pairs.contains { ($0.name + "=\"" + $0.value + "\"").lowercased().contains(needle) }
        }
    }

    /// Rules with firing alerts first, then by name; within a rule, firing first, then oldest first.
    static func group(_ alerts: [UIAlert]) -> [Group] {
        var byRule: [String: [UIAlert]] = [:]
        for a in alerts { byRule[a.rule, default: []].append(a) }
        var groups = byRule.map { rule, list in
            let sorted = list.sorted { ($0.state, $0.activeAt, $0.labels) < ($1.state, $1.activeAt, $1.labels) }
            let firing = list.count { $0.state == .firing }
            return Group(rule: rule, alerts: sorted, firing: firing, pending: list.count - firing)
        }
        groups.sort { ($0.firing == 0 ? 1 : 0, $0.rule) < ($1.firing == 0 ? 1 : 0, $1.rule) }
        return groups
    }

    func filterForm(into h: inout HTML) {
        h.raw("<form class=\"filters\" method=\"get\" action=\"/ui/alerts\">")
        if let rule = query.rule { h.raw("<input type=\"hidden\" " + HTML.attr("name", "rule") + " " + HTML.attr("value", rule) + ">") }
        h.raw("<label>State <select name=\"state\">")
        for (value, text) in [("", "firing and pending"), ("firing", "firing"), ("pending", "pending")] {
            let sel = (query.state?.rawValue ?? "") == value ? " selected" : ""
            h.raw("<option " + HTML.attr("value", value) + sel + ">")
            h.text(text)
            h.raw("</option>")
        }
        h.raw("</select></label><label>Labels contain <input type=\"text\" name=\"q\" " + HTML.attr("value", query.text)
              + " placeholder=\"severity=&quot;critical&quot;\"></label><button type=\"submit\">Filter</button>")
        if query.rule != nil || query.state != nil || !query.text.isEmpty {
            h.raw("<a class=\"button secondary\" href=\"/ui/alerts\">All alerts</a>")
        }
        h.raw("</form>")
    }

    func renderOverview(_ groups: [Group], matched: Int, into h: inout HTML) {
        if groups.isEmpty {
            Layout.notice(alerts.isEmpty ? "No alerts are pending or firing." : "No alerts match the filter.", into: &h)
            return
        }
        let per = max(1, options.groupsPerPage)
        let pageCount = (groups.count + per - 1) / per
        let page = min(query.page, pageCount)
        let slice = groups[(page - 1) * per..<min(groups.count, page * per)]
        h.raw("<p class=\"muted\">")
        h.text("\(matched) alerts in \(groups.count) rules")
        if pageCount > 1 { h.text("; rules \((page - 1) * per + 1)–\((page - 1) * per + slice.count) shown") }
        h.raw("</p>")
        for g in slice {
            renderGroup(g, alerts: g.alerts.prefix(options.alertsPerGroup), into: &h)
        }
        Layout.pager(page: page, pageCount: pageCount, base: "/ui/alerts", params: query.params, into: &h)
    }

    func renderRule(_ rule: String, _ group: Group?, into h: inout HTML) {
        guard let group else {
            Layout.notice("No pending or firing alerts for this rule.", into: &h)
            return
        }
        let per = max(1, options.alertsPerPage)
        let pageCount = (group.alerts.count + per - 1) / per
        let page = min(query.page, pageCount)
        renderGroup(group, alerts: group.alerts[(page - 1) * per..<min(group.alerts.count, page * per)], into: &h,
                    showAllLink: false)
        Layout.pager(page: page, pageCount: pageCount, base: "/ui/alerts", params: query.params, into: &h)
    }

    func renderGroup(_ g: Group, alerts shown: ArraySlice<UIAlert>, into h: inout HTML, showAllLink: Bool = true) {
        h.raw("<section class=\"group alert-group\" " + HTML.attr("data-rule", g.rule) + "><div class=\"group-head\"><h3>")
        h.text(g.rule)
        h.raw("</h3>")
        if g.firing > 0 { Layout.badge("\(g.firing) firing", into: &h) }
        if g.pending > 0 { Layout.badge("\(g.pending) pending", into: &h) }
        if showAllLink, shown.count < g.alerts.count {
            h.raw("<a " + HTML.attr("href", "/ui/alerts?" + FormData.query([("rule", g.rule)] + query.params.filter { $0.0 != "rule" }))
                  + ">")
            h.text("Show all \(g.alerts.count) alerts")
            h.raw("</a>")
        }
        h.raw("</div><table><thead><tr><th>State</th><th>Labels</th><th>Value</th><th>Active since</th><th>Annotations</th><th></th></tr></thead><tbody>")
        for a in shown { row(a, into: &h) }
        h.raw("</tbody></table></section>")
    }

    func row(_ a: UIAlert, into h: inout HTML) {
        h.raw("<tr class=\"alert\"><td>")
        Layout.badge(a.state.rawValue, into: &h)
        if !a.silencedBy.isEmpty {
            h.raw(" ")
            Layout.badge("silenced", into: &h, title: "silenced by " + a.silencedBy.joined(separator: ", "))
        }
        h.raw("</td><td>")
        Layout.labels(a.labels.pairs.map { ($0.name, $0.value) }, hidden: ["alertname"], into: &h)
        h.raw("</td><td class=\"num\">")
        h.text(UIFormat.value(a.value))
        h.raw("</td><td>")
        Layout.time(a.activeAt, now: now, into: &h)
        h.raw("</td><td>")
        Self.annotations(a.annotations, into: &h)
        h.raw("</td><td><a class=\"silence-link\" " + HTML.attr("href", SilenceForm.prefillURL(labels: a.labels)) + ">Silence</a></td></tr>")
    }

    /// Summary (bold), description, a runbook link (http(s) only), then any other annotations.
    static func annotations(_ ann: [String: String], into h: inout HTML) {
        if let s = ann["summary"], !s.isEmpty {
            h.raw("<div class=\"annotation-summary\">")
            h.text(s)
            h.raw("</div>")
        }
        if let d = ann["description"], !d.isEmpty {
            h.raw("<div class=\"annotation-description\">")
            h.text(d)
            h.raw("</div>")
        }
        if let r = ann["runbook_url"] ?? ann["runbook"], !r.isEmpty {
            if let url = HTML.safeURL(r) {
                h.raw("<div><a class=\"runbook\" rel=\"noopener noreferrer\" " + HTML.attr("href", url) + ">Runbook</a></div>")
            } else {
                h.raw("<div class=\"annotation-other\">runbook: ")
                h.text(r)
                h.raw("</div>")
            }
        }
        for (k, v) in ann.sorted(by: { $0.key < $1.key })
        where !["summary", "description", "runbook_url", "runbook"].contains(k) && !v.isEmpty {
            h.raw("<div class=\"annotation-other\">")
            h.text(k + ": " + v)
            h.raw("</div>")
        }
    }
}

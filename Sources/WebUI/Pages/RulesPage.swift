import Model

/// Every rule group with its interval and last evaluation, and every rule with its health,
/// last evaluation, duration and error.
struct RulesPage {
    var groups: [UIRuleGroup]
    var now: Int64

    func render() -> String {
        Layout.page(title: "Rules", section: .rules, now: now) { h in
            let rules = groups.flatMap(\.rules)
            let failing = rules.count { $0.health == .err }
            h.raw("<div class=\"summary-bar\"><span class=\"stat\"><b>\(groups.count)</b>groups</span>")
            h.raw("<span class=\"stat\"><b>\(rules.count)</b>rules</span>")
            h.raw("<span class=\"stat\"><b>\(rules.count { $0.state == .firing })</b>firing</span>")
            h.raw("<span class=\"stat\"><b>\(failing)</b>with errors</span></div>")
            if groups.isEmpty {
                Layout.notice("No rule groups are loaded (rule_files in the configuration).", into: &h)
            }
            for g in groups { group(g, into: &h) }
        }
    }

    func group(_ g: UIRuleGroup, into h: inout HTML) {
        h.raw("<section class=\"group rule-group\" " + HTML.attr("data-group", g.name) + "><div class=\"group-head\"><h3>")
        h.text(g.name)
        h.raw("</h3><span class=\"muted mono\">")
        h.text(g.file)
        h.raw("</span><span class=\"muted\">")
        h.text("every \(PromDuration.format(g.interval)) · last evaluation ")
        h.raw("</span>")
        Layout.time(g.lastEvaluation, now: now, into: &h)
        h.raw("<span class=\"muted\">")
        h.text("took " + UIFormat.seconds(g.evaluationSeconds))
        h.raw("</span></div><table><thead><tr><th>Rule</th><th>State</th><th>Health</th><th>Last evaluation</th><th>Duration</th><th>Error</th></tr></thead><tbody>")
        for r in g.rules { rule(r, into: &h) }
        h.raw("</tbody></table></section>")
    }

    func rule(_ r: UIRule, into h: inout HTML) {
        h.raw("<tr class=\"rule\" " + HTML.attr("data-rule", r.name) + "><td><div>")
        h.raw(r.kind == .alerting ? "<span class=\"muted\">alert:</span> " : "<span class=\"muted\">record:</span> ")
        h.raw("<strong>")
        h.text(r.name)
        h.raw("</strong>")
        if r.kind == .alerting, r.holdDuration > 0 {
            h.raw(" <span class=\"muted\">")
            h.text("for " + PromDuration.format(r.holdDuration))
            h.raw("</span>")
        }
        h.raw("</div><pre><a " + HTML.attr("href", "/ui/query?" + FormData.query([("expr", r.query)])) + ">")
        h.text(r.query)
        h.raw("</a></pre>")
        if !r.labels.isEmpty {
            Layout.labels(r.labels.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, into: &h)
        }
        h.raw("</td><td>")
        if r.kind == .alerting {
            Layout.badge(r.state.rawValue, into: &h)
            if r.firingCount + r.pendingCount > 0 {
                h.raw(" <a " + HTML.attr("href", "/ui/alerts?" + FormData.query([("rule", r.name)])) + ">")
                h.text(UIFormat.count(r.firingCount + r.pendingCount, "alert"))
                h.raw("</a>")
            }
        } else {
            h.raw("<span class=\"muted\">–</span>")
        }
        h.raw("</td><td>")
        Layout.badge(r.health.rawValue, into: &h)
        h.raw("</td><td>")
        Layout.time(r.lastEvaluation, now: now, into: &h)
        h.raw("</td><td class=\"num\">")
        h.text(UIFormat.seconds(r.evaluationSeconds))
        h.raw("</td><td class=\"rule-error\">")
        h.text(r.lastError)
        h.raw("</td></tr>")
    }
}

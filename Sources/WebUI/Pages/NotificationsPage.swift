import Model

/// Recent deliveries per receiver: when, which integration, delivered or failed (with the
/// error), firing or resolved, how many alerts, and the group's labels.
struct NotificationsPage {
    var notifications: UINotifications?
    var now: Int64
    var options: WebUIOptions

    func render() -> String {
        Layout.page(title: "Notifications", section: .notifications, now: now) { h in
            guard let n = notifications else {
                Layout.notice("Alert delivery is not configured: start klaxon run with --alertmanager.config.file to route alerts to receivers.", into: &h)
                return
            }
            var byReceiver: [String: [UIDelivery]] = [:]
            for d in n.deliveries { byReceiver[d.receiver, default: []].append(d) }
            var receivers = n.receivers
            for r in byReceiver.keys.sorted() where !receivers.contains(r) { receivers.append(r) }
            let failed = n.deliveries.count { $0.outcome == .failed }
            h.raw("<div class=\"summary-bar\"><span class=\"stat\"><b>\(n.deliveries.count - failed)</b>delivered</span>")
            h.raw("<span class=\"stat\"><b>\(failed)</b>failed</span><span class=\"muted\">")
            h.text("of the last \(n.deliveries.count) deliveries (up to \(n.capacity) are kept)")
            h.raw("</span></div>")
            if receivers.isEmpty { Layout.notice("No receivers are configured.", into: &h) }
            for r in receivers { receiver(r, byReceiver[r] ?? [], into: &h) }
        }
    }

    func receiver(_ name: String, _ list: [UIDelivery], into h: inout HTML) {
        h.raw("<section class=\"group receiver\" " + HTML.attr("data-receiver", name) + "><div class=\"group-head\"><h3>")
        h.text(name)
        h.raw("</h3>")
        let failed = list.count { $0.outcome == .failed }
        if list.count - failed > 0 { Layout.badge("\(list.count - failed) delivered", into: &h) }
        if failed > 0 { Layout.badge("\(failed) failed", into: &h) }
        if let last = list.first(where: { $0.outcome == .delivered }) {
            h.raw("<span class=\"muted\">last delivered</span>")
            Layout.time(last.time, now: now, into: &h)
        }
        h.raw("</div>")
        if list.isEmpty {
            h.raw("<p class=\"muted\">No notifications sent yet.</p></section>")
            return
        }
        h.raw("<table><thead><tr><th>Time</th><th>Integration</th><th>Status</th><th>Alerts</th><th>Group</th><th>Error</th></tr></thead><tbody>")
        for d in list.prefix(options.deliveriesPerReceiver) {
            h.raw("<tr class=\"delivery\"><td>")
            Layout.time(d.time, now: now, into: &h)
            h.raw("</td><td class=\"mono\">")
            h.text(d.integration)
            h.raw("</td><td>")
            Layout.badge(d.outcome.rawValue, into: &h)
            h.raw(" ")
            Layout.badge(d.notificationStatus, into: &h)
            h.raw("</td><td class=\"num\">")
            h.text("\(d.firingCount) firing" + (d.resolvedCount > 0 ? ", \(d.resolvedCount) resolved" : ""))
            h.raw("</td><td>")
            Layout.labels(d.groupLabels.pairs.map { ($0.name, $0.value) }, into: &h)
            h.raw("</td><td class=\"delivery-error\">")
            h.text(d.error)
            h.raw("</td></tr>")
        }
        h.raw("</tbody></table>")
        if list.count > options.deliveriesPerReceiver {
            h.raw("<p class=\"muted\">")
            h.text("\(list.count - options.deliveriesPerReceiver) older deliveries not shown.")
            h.raw("</p>")
        }
        h.raw("</section>")
    }
}

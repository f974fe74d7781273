import Model

/// Scrape targets by job: up or down, labels, last scrape, its duration and error. Paged by
/// rows; `?job=` shows one job.
struct TargetsPage {
    struct Query {
        var job: String?
        /// `up`, `down` or empty.
        var health: UITarget.Health?
        var page: Int

        init(_ p: FormData) {
            job = p["job"].flatMap { $0.isEmpty ? nil : $0 }
            health = p["health"].flatMap(UITarget.Health.init(rawValue:))
            page = max(1, Int(p["page"] ?? "") ?? 1)
        }

        var params: [(String, String)] {
            var out: [(String, String)] = []
            if let job { out.append(("job", job)) }
            if let health { out.append(("health", health.rawValue)) }
            return out
        }
    }

    var targets: [UITarget]
    var now: Int64
    var options: WebUIOptions
    var query: Query

    func render() -> String {
        Layout.page(title: "Targets", section: .targets, now: now) { h in
            let jobs = Dictionary(grouping: targets, by: \.job)
            h.raw("<div class=\"summary-bar\">")
            h.raw("<span class=\"stat\"><b>\(targets.count { $0.health == .up })</b>up</span>")
            h.raw("<span class=\"stat\"><b>\(targets.count { $0.health == .down })</b>down</span>")
            h.raw("<span class=\"stat\"><b>\(targets.count { $0.health == .unknown })</b>not scraped yet</span>")
            h.raw("</div><form class=\"filters\" method=\"get\" action=\"/ui/targets\"><label>Job <select name=\"job\"><option value=\"\">all</option>")
            for job in jobs.keys.sorted() {
                let up = jobs[job]!.count { $0.health == .up }
                h.raw("<option " + HTML.attr("value", job) + (job == query.job ? " selected" : "") + ">")
                h.text("\(job) (\(up)/\(jobs[job]!.count) up)")
                h.raw("</option>")
            }
            h.raw("</select></label><label>Health <select name=\"health\">")
            for (v, t) in [("", "any"), ("up", "up"), ("down", "down"), ("unknown", "unknown")] {
                h.raw("<option " + HTML.attr("value", v) + ((query.health?.rawValue ?? "") == v ? " selected" : "") + ">")
                h.text(t)
                h.raw("</option>")
            }
            h.raw("</select></label><button type=\"submit\">Filter</button></form>")

            let selected = targets.filter {
                (query.job == nil || $0.job == query.job) && (query.health == nil || $0.health == query.health)
            }.sorted { ($0.job, $0.url) < ($1.job, $1.url) }
            if selected.isEmpty {
                Layout.notice(targets.isEmpty ? "No scrape targets are configured." : "No targets match the filter.", into: &h)
                return
            }
            let per = max(1, options.targetsPerPage)
            let pageCount = (selected.count + per - 1) / per
            let page = min(query.page, pageCount)
            let slice = selected[(page - 1) * per..<min(selected.count, page * per)]
            var currentJob: String?
            for t in slice {
                if t.job != currentJob {
                    if currentJob != nil { h.raw("</tbody></table></section>") }
                    currentJob = t.job
                    let all = jobs[t.job] ?? []
                    h.raw("<section class=\"group target-pool\" " + HTML.attr("data-job", t.job) + "><div class=\"group-head\"><h3>")
                    h.text(t.job)
                    h.raw("</h3>")
                    let up = all.count { $0.health == .up }
                    Layout.badge("\(up)/\(all.count) up", into: &h)
                    h.raw("</div><table><thead><tr><th>Endpoint</th><th>State</th><th>Labels</th><th>Last scrape</th><th>Duration</th><th>Error</th></tr></thead><tbody>")
                }
                row(t, into: &h)
            }
            h.raw("</tbody></table></section>")
            Layout.pager(page: page, pageCount: pageCount, base: "/ui/targets", params: query.params, into: &h)
        }
    }

    func row(_ t: UITarget, into h: inout HTML) {
        h.raw("<tr class=\"target\"><td class=\"mono\">")
        if let url = HTML.safeURL(t.url) {
            h.raw("<a rel=\"noopener noreferrer\" " + HTML.attr("href", url) + ">")
            h.text(t.url)
            h.raw("</a>")
        } else {
            h.text(t.url)
        }
        h.raw("</td><td>")
        Layout.badge(t.health.rawValue, into: &h)
        h.raw("</td><td>")
        Layout.labels(t.labels.pairs.map { ($0.name, $0.value) }, into: &h)
        h.raw("</td><td>")
        Layout.time(t.lastScrape, now: now, into: &h)
        h.raw("</td><td class=\"num\">")
        h.text(t.lastScrape == nil ? "–" : UIFormat.seconds(t.lastDurationSeconds))
        h.raw("</td><td class=\"target-error\">")
        h.text(t.lastError)
        h.raw("</td></tr>")
    }
}

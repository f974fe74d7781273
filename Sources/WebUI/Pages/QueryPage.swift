import Foundation
import Model

/// An expression box; the result as a table (instant query at the range's end) and as an SVG
/// graph (range query over the chosen range). A parse error is shown once, with the offending
/// part of the expression marked and a caret under it.
enum QueryPage {
    struct Query {
        var expr: String
        /// A duration (`1h`); the graph's width in time.
        var range: String
        /// Empty = now; else Unix seconds or RFC 3339.
        var end: String

        init(_ p: FormData) {
            expr = p["expr"] ?? ""
            range = p["range"].flatMap { $0.isEmpty ? nil : $0 } ?? "1h"
            end = p["end"] ?? ""
        }
    }

    static let ranges = ["5m", "15m", "30m", "1h", "3h", "6h", "12h", "1d", "2d", "1w"]

    static func render(_ q: Query, source: any UIDataSource, options: WebUIOptions) async -> String {
        let now = await source.now()
        var problems: [String] = []
        var rangeMs: Int64 = 3_600_000
        do {
            rangeMs = try PromDuration.parse(q.range)
            if rangeMs <= 0 { problems.append("range must be positive"); rangeMs = 3_600_000 }
        } catch {
            problems.append("range: \(error)")
        }
        var endMs = now
        if !q.end.trimmingCharacters(in: .whitespaces).isEmpty {
            if let t = parseTime(q.end) { endMs = t } else { problems.append("end: cannot parse \(goQuote(q.end)) as Unix seconds or RFC 3339") }
        }
        let startMs = endMs - rangeMs
        let step = max(1000, (rangeMs / max(1, options.graphResolution) + 999) / 1000 * 1000)

        let expr = q.expr.trimmingCharacters(in: .whitespacesAndNewlines)
        var instant: Result<UIQueryValue, UIQueryError>?
        var range: Result<[UISeries], UIQueryError>?
        var parseError: UIQueryError?
        if !expr.isEmpty && problems.isEmpty {
            let r = await source.query(q.expr, at: endMs)
            if case .failure(let e) = r, e.position != nil {
                parseError = e
            } else {
                instant = r
                range = await source.queryRange(q.expr, start: startMs, end: endMs, step: step)
            }
        }

        return Layout.page(title: "Query", section: .query, now: now) { h in
            form(q, into: &h)
            for p in problems { Layout.notice(p, error: true, into: &h) }
            if let e = parseError {
                errorWithPosition(e, expr: q.expr, into: &h)
                return
            }
            if expr.isEmpty {
                h.raw("<p class=\"muted\">Enter a PromQL expression, e.g. <code>up</code> or <code>sum by (job) (rate(http_requests_total[5m]))</code>.</p>")
                return
            }
            guard let instant, let range else { return }
            h.raw("<h2>Table <span class=\"muted\">")
            h.text("at " + UIFormat.time(endMs))
            h.raw("</span></h2>")
            switch instant {
            case .success(let v): table(v, limit: options.tableRowLimit, into: &h)
            case .failure(let e): Layout.notice(e.message, error: true, into: &h)
            }
            h.raw("<h2>Graph <span class=\"muted\">")
            h.text("\(UIFormat.time(startMs)) – \(UIFormat.time(endMs)), step \(PromDuration.format(step))")
            h.raw("</span></h2>")
            switch range {
            case .success(let series):
                SVGGraph(series: series, start: startMs, end: endMs, step: step, seriesLimit: options.graphSeriesLimit)
                    .render(into: &h)
            case .failure(let e): Layout.notice("Graph: " + e.message, error: true, into: &h)
            }
        }
    }

    static func form(_ q: Query, into h: inout HTML) {
        h.raw("<form method=\"get\" action=\"/ui/query\" id=\"query-form\"><textarea name=\"expr\" rows=\"3\" spellcheck=\"false\" aria-label=\"expression\" placeholder=\"PromQL expression\">")
        h.text(q.expr)
        h.raw("</textarea><div class=\"filters\" style=\"margin-top:6px\"><label>Range <select name=\"range\">")
        var options = ranges
        if !options.contains(q.range) { options.insert(q.range, at: 0) }
        for r in options {
            h.raw("<option " + HTML.attr("value", r) + (r == q.range ? " selected" : "") + ">")
            h.text(r)
            h.raw("</option>")
        }
        h.raw("</select></label><label>End <input type=\"text\" name=\"end\" " + HTML.attr("value", q.end)
              + " placeholder=\"now, Unix seconds or RFC 3339\" size=\"30\"></label><button type=\"submit\">Execute</button></div></form>")
    }

    /// The message, then the expression with the error's byte range marked and a caret line.
    static func errorWithPosition(_ e: UIQueryError, expr: String, into h: inout HTML) {
        h.raw("<div class=\"notice error\" role=\"alert\" id=\"parse-error\"><div>")
        h.text(e.message)
        h.raw("</div>")
        let bytes = Array(expr.utf8)
        let pos = e.position ?? bytes.count..<bytes.count
        var s = min(max(pos.lowerBound, 0), bytes.count)
        var t = min(max(pos.upperBound, s), bytes.count)
        // An empty range marks the character at it (or a space at the end).
        if s == t, s < bytes.count {
            t = s + 1
            while t < bytes.count, bytes[t] & 0xC0 == 0x80 { t += 1 }
        }
        while s > 0, s < bytes.count, bytes[s] & 0xC0 == 0x80 { s -= 1 }
        let before = String(decoding: bytes[..<s], as: UTF8.self)
        let marked = s == t ? " " : String(decoding: bytes[s..<t], as: UTF8.self)
        let after = String(decoding: bytes[t...], as: UTF8.self)
        h.raw("<pre class=\"expr-error\">")
        h.text(before)
        h.raw("<mark class=\"err\">")
        h.text(marked)
        h.raw("</mark>")
        h.text(after)
        if !expr.contains("\n") {
            h.raw("\n<span class=\"caret\">")
            h.text(String(repeating: " ", count: before.count) + String(repeating: "^", count: max(1, marked.count)))
            h.raw("</span>")
        }
        h.raw("</pre></div>")
    }

    static func table(_ v: UIQueryValue, limit: Int, into h: inout HTML) {
        h.raw("<table id=\"result-table\"><thead><tr><th>Series</th><th>Value</th></tr></thead><tbody>")
        var total = 0
        switch v {
        case .scalar(let x):
            h.raw("<tr><td class=\"mono\">scalar</td><td class=\"num\">")
            h.text(UIFormat.value(x))
            h.raw("</td></tr>")
            total = 1
        case .string(let s):
            h.raw("<tr><td class=\"mono\">string</td><td class=\"mono\">")
            h.text(s)
            h.raw("</td></tr>")
            total = 1
        case .vector(let samples):
            total = samples.count
            for s in samples.prefix(limit) {
                h.raw("<tr><td class=\"mono\">")
                h.text(UIFormat.series(s.labels))
                h.raw("</td><td class=\"num\">")
                h.text(UIFormat.value(s.value))
                h.raw("</td></tr>")
            }
        case .matrix(let series):
            total = series.count
            for s in series.prefix(limit) {
                h.raw("<tr><td class=\"mono\">")
                h.text(UIFormat.series(s.labels))
                h.raw("</td><td class=\"num\">")
                let shown = s.points.suffix(10)
                if shown.count < s.points.count { h.text("… \(s.points.count - shown.count) earlier\n") }
                h.raw("<pre>")
                h.text(shown.map { "\(UIFormat.value($0.v)) @\(Double($0.t) / 1000)" }.joined(separator: "\n"))
                h.raw("</pre></td></tr>")
            }
        }
        if total == 0 { h.raw("<tr><td colspan=\"2\" class=\"muted\">Empty result.</td></tr>") }
        h.raw("</tbody></table>")
        if total > limit {
            h.raw("<p class=\"muted\">")
            h.text("Showing \(limit) of \(total) series.")
            h.raw("</p>")
        }
    }

    /// Unix seconds (`1700000000.5`) or RFC 3339 (`2026-11-29T03:00:00Z`).
    static func parseTime(_ s: String) -> Int64? {
        let t = s.trimmingCharacters(in: .whitespaces)
        if let d = Double(t), d.isFinite { return Int64((d * 1000).rounded()) }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = f.date(from: t) { return Int64((date.timeIntervalSince1970 * 1000).rounded()) }
        f.formatOptions = [.withInternetDateTime]
        if let date = f.date(from: t) { return Int64((date.timeIntervalSince1970 * 1000).rounded()) }
        return nil
    }
}

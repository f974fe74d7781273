/// The page chrome shared by every page: head, navigation bar, footer and the one stylesheet.
enum Layout {
    enum Section: String, CaseIterable {
        case alerts = "Alerts", rules = "Rules", targets = "Targets", silences = "Silences"
        case notifications = "Notifications", query = "Query"

        var path: String { "/ui/" + rawValue.lowercased() }
    }

    /// A complete document: `body` writes the content of `<main>`.
    static func page(title: String, section: Section?, now: Int64, body: (inout HTML) -> Void) -> String {
        var h = HTML()
        h.raw("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        h.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        h.raw("<title>")
        h.text(title + " · Klaxon")
        h.raw("</title><style>")
        h.raw(stylesheet)
        h.raw("</style></head><body><header><a class=\"brand\" href=\"/ui/alerts\">Klaxon</a><nav>")
        for s in Section.allCases {
            let current = s == section
            h.raw("<a href=\"\(s.path)\"" + (current ? " class=\"current\" aria-current=\"page\"" : "") + ">")
            h.text(s.rawValue)
            h.raw("</a>")
        }
        h.raw("</nav></header><main>")
        h.raw("<h1>")
        h.text(title)
        h.raw("</h1>")
        body(&h)
        h.raw("</main><footer>Rendered ")
        h.text(UIFormat.time(now))
        h.raw(" · <a href=\"/api/v1/status/buildinfo\">build info</a> · <a href=\"/metrics\">/metrics</a></footer></body></html>\n")
        return h.output
    }

    /// A coloured badge (`firing`, `ok`, `down`...); the class is the lowercased word.
    static func badge(_ word: String, into h: inout HTML, title: String? = nil) {
        h.raw("<span class=\"badge b-" + HTML.escape(word.lowercased()) + "\"")
        if let title { h.raw(" " + HTML.attr("title", title)) }
        h.raw(">")
        h.text(word)
        h.raw("</span>")
    }

    /// Label chips `name="value"`, skipping `hidden` names.
    static func labels(_ pairs: some Sequence<(String, String)>, hidden: Set<String> = [], into h: inout HTML) {
        h.raw("<span class=\"labels\">")
        for (n, v) in pairs where !hidden.contains(n) {
            h.raw("<span class=\"label\"><span class=\"ln\">")
            h.text(n)
            h.raw("</span>=<span class=\"lv\">")
            h.text(v)
            h.raw("</span></span>")
        }
        h.raw("</span>")
    }

    /// An absolute time with the relative one beside it (`3m ago`).
    static func time(_ ms: Int64?, now: Int64, into h: inout HTML) {
        guard let ms else {
            h.raw("<span class=\"muted\">never</span>")
            return
        }
        h.raw("<time " + HTML.attr("datetime", String(ms)) + " " + HTML.attr("title", UIFormat.time(ms)) + ">")
        h.text(UIFormat.relative(ms, now: now))
        h.raw("</time>")
    }

    /// An informational or error banner.
    static func notice(_ text: String, error: Bool = false, into h: inout HTML) {
        h.raw(error ? "<p class=\"notice error\" role=\"alert\">" : "<p class=\"notice\">")
        h.text(text)
        h.raw("</p>")
    }

    /// `« Previous · Page 2 of 9 · Next »`, keeping the other parameters.
    static func pager(page: Int, pageCount: Int, base: String, params: [(String, String)], into h: inout HTML) {
        guard pageCount > 1 else { return }
        h.raw("<nav class=\"pager\" aria-label=\"pages\">")
        func link(_ p: Int, _ text: String) {
            let q = FormData.query(params + [("page", String(p))])
            h.raw("<a " + HTML.attr("href", base + "?" + q) + ">")
            h.text(text)
            h.raw("</a>")
        }
        if page > 1 { link(page - 1, "« Previous") }
        h.raw("<span>Page \(page) of \(pageCount)</span>")
        if page < pageCount { link(page + 1, "Next »") }
        h.raw("</nav>")
    }

    static let stylesheet = """
        *{box-sizing:border-box}
        body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1f2328;background:#f6f7f9}
        header{display:flex;align-items:center;gap:24px;padding:0 20px;height:48px;background:#1d2330;color:#fff}
        header .brand{font-weight:700;font-size:18px;color:#fff;text-decoration:none;letter-spacing:.5px}
        header .brand::before{content:"";display:inline-block;width:10px;height:10px;border-radius:50%;background:#e5484d;margin-right:8px}
        nav a{color:#c9d1d9;text-decoration:none;padding:14px 10px}
        nav a.current,nav a:hover{color:#fff;box-shadow:inset 0 -3px #e5484d}
        main{padding:16px 20px;max-width:1400px}
        h1{font-size:20px;margin:4px 0 12px}
        h2{font-size:16px;margin:18px 0 6px}
        h3{font-size:15px;margin:0}
        a{color:#0b63c4}
        footer{padding:12px 20px;color:#6e7781;font-size:12px}
        table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #d8dee4;margin-bottom:8px}
        th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid #eaeef2}
        th{background:#f0f2f5;font-weight:600;font-size:12px;color:#57606a;text-transform:uppercase;letter-spacing:.3px}
        td.num{font-family:ui-monospace,"DejaVu Sans Mono",monospace;white-space:nowrap}
        code,pre,.mono{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12.5px}
        pre{white-space:pre-wrap;word-break:break-all;margin:0}
        .muted{color:#6e7781}
        .badge{display:inline-block;padding:1px 7px;border-radius:10px;font-size:12px;font-weight:600;background:#eaeef2;color:#57606a;white-space:nowrap}
        .b-firing,.b-err,.b-down,.b-failed{background:#ffe1e1;color:#b42318}
        .b-pending{background:#fff1c2;color:#8a5a00}
        .b-ok,.b-up,.b-delivered,.b-active{background:#dcf5e3;color:#1a7f37}
        .b-inactive,.b-unknown,.b-expired{background:#eaeef2;color:#57606a}
        .b-silenced,.b-resolved{background:#e6ecff;color:#3451b2}
        .labels{display:flex;flex-wrap:wrap;gap:3px}
        .label{display:inline-block;background:#eef1f4;border:1px solid #d8dee4;border-radius:4px;padding:0 5px;font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12px;word-break:break-all}
        .ln{color:#57606a}.lv{color:#1f2328}
        .group{background:#fff;border:1px solid #d8dee4;border-radius:6px;margin:10px 0;padding:10px 12px}
        .group>table{border:none;margin:8px 0 0}
        .group-head{display:flex;align-items:center;gap:10px;flex-wrap:wrap}
        .summary-bar{display:flex;gap:14px;align-items:center;flex-wrap:wrap;margin-bottom:8px}
        .notice{padding:8px 12px;border-radius:6px;background:#e6f4ff;border:1px solid #b6dcff}
        .notice.error{background:#fff0f0;border-color:#ffc1c1;color:#8c1d18}
        form.inline{display:inline}
        form.filters{display:flex;gap:8px;align-items:center;flex-wrap:wrap;margin:0 0 10px}
        input[type=text],select,textarea{font:inherit;padding:4px 6px;border:1px solid #c4ccd5;border-radius:4px;background:#fff}
        textarea{font-family:ui-monospace,"DejaVu Sans Mono",monospace;width:100%}
        button,.button{font:inherit;padding:4px 12px;border:1px solid #1d2330;border-radius:4px;background:#1d2330;color:#fff;cursor:pointer;text-decoration:none;display:inline-block}
        button.secondary,.button.secondary{background:#fff;color:#1d2330}
        .pager{display:flex;gap:12px;align-items:center;margin:10px 0}
        .pager a{padding:2px 8px;border:1px solid #c4ccd5;border-radius:4px;text-decoration:none;background:#fff}
        .annotation-summary{font-weight:600}
        .annotation-other{color:#57606a;font-size:12px}
        mark.err{background:#ffc1c1;color:#8c1d18;border-bottom:2px solid #b42318}
        .graph{background:#fff;border:1px solid #d8dee4;border-radius:6px;padding:8px}
        .graph svg{width:100%;height:auto;display:block}
        .legend{list-style:none;padding:0;margin:6px 0 0;display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12px}
        .swatch{display:inline-block;width:12px;height:3px;margin-right:5px;vertical-align:middle}
        .stat{background:#fff;border:1px solid #d8dee4;border-radius:6px;padding:6px 12px}
        .stat b{font-size:18px;margin-right:4px}
        details>summary{cursor:pointer;margin:6px 0}
        """
}

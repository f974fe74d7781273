/// The server-rendered web UI: Alerts, Rules, Targets, Silences, Notifications and Query pages
/// under `/ui/`, with `/` redirecting to the Alerts page. No JavaScript: every page is complete
/// HTML from the server, and the two actions (create and expire a silence) are form posts.
///
/// Transport-free like `PrometheusAPI`: `handle(_:)` maps a request to a response;
/// `WebUI+Hummingbird.swift` adapts it to a Hummingbird router or responder.
public struct WebUI: Sendable {
    public var source: any UIDataSource
    public var options: WebUIOptions

    public init(source: any UIDataSource, options: WebUIOptions = WebUIOptions()) {
        self.source = source
        self.options = options
    }

    /// The paths this UI answers: `/`, `/graph` (where alerts' generator URLs point, as in
    /// Prometheus), `/ui` and everything under `/ui/`. Nothing else, so the API (`/api/...`),
    /// `/metrics` and `/-/...` stay with their own handlers.
    public static func handles(path: String) -> Bool {
        path == "/" || path == "/graph" || path == "/ui" || path.hasPrefix("/ui/")
    }

    /// Every path `addRoutes` registers (a router needs them spelled out; it treats `/ui/` as `/ui`).
    public static let routes: [(method: String, path: String)] = [
        ("GET", "/"), ("GET", "/graph"), ("GET", "/ui"),
        ("GET", "/ui/alerts"), ("GET", "/ui/rules"), ("GET", "/ui/targets"),
        ("GET", "/ui/silences"), ("POST", "/ui/silences"), ("GET", "/ui/silences/new"), ("POST", "/ui/silences/expire"),
        ("GET", "/ui/notifications"), ("GET", "/ui/query"),
    ]

    /// Routes one request.
    public func handle(_ r: WebUIRequest) async -> WebUIResponse {
        let method = r.method == "HEAD" ? "GET" : r.method
        var path = r.path
        if path.count > 4, path.hasSuffix("/") { path.removeLast() }
        switch (method, path) {
        case ("GET", "/"), ("GET", "/ui"), ("GET", "/ui/"):
            return .redirect("/ui/alerts")
        case ("GET", "/graph"):
            // An alert's generator URL: `/graph?g0.expr=EXPR&g0.tab=1`.
            let p = r.parameters
            var q = [("expr", p["g0.expr"] ?? "")]
            if let range = p["g0.range_input"], !range.isEmpty { q.append(("range", range)) }
            return .redirect("/ui/query?" + FormData.query(q))
        case ("GET", "/ui/alerts"):
            let p = r.parameters
            return .html(200, AlertsPage(alerts: await source.alerts(), now: await source.now(), options: options,
                                         query: AlertsPage.Query(p)).render())
        case ("GET", "/ui/rules"):
            return .html(200, RulesPage(groups: await source.ruleGroups(), now: await source.now()).render())
        case ("GET", "/ui/targets"):
            return .html(200, TargetsPage(targets: await source.targets(), now: await source.now(), options: options,
                                          query: TargetsPage.Query(r.parameters)).render())
        case ("GET", "/ui/silences"):
            return .html(200, await silencesPage(r.parameters, error: nil))
        case ("GET", "/ui/silences/new"):
            return .html(200, SilenceForm(fields: SilenceForm.Fields(prefill: r.parameters), error: nil,
                                          now: await source.now()).render())
        case ("POST", "/ui/silences"):
            if let refusal = crossOriginRefusal(r) { return refusal }
            return await createSilence(r.form)
        case ("POST", "/ui/silences/expire"):
            if let refusal = crossOriginRefusal(r) { return refusal }
            return await expireSilence(r.form)
        case ("GET", "/ui/notifications"):
            return .html(200, NotificationsPage(notifications: await source.notifications(), now: await source.now(),
                                                options: options).render())
        case ("GET", "/ui/query"):
            return .html(200, await QueryPage.render(QueryPage.Query(r.parameters), source: source, options: options))
        default:
            let known = Self.routes.contains { $0.path == path }
            let now = await source.now()
            let status = known ? 405 : 404
            return .html(status, Layout.page(title: known ? "Method not allowed" : "Page not found", section: nil, now: now) { h in
                h.raw("<p>")
                h.text(known ? "\(r.method) is not allowed on \(path)." : "Nothing here: \(path).")
                h.raw(" <a href=\"/ui/alerts\">Go to the alerts</a>.</p>")
            })
        }
    }

    /// Refuses a form post sent from another site (a page elsewhere posting to this local
    /// server): when the browser says where the form came from, it must be this host.
    func crossOriginRefusal(_ r: WebUIRequest) -> WebUIResponse? {
        guard let origin = r.headers["origin"] else { return nil }  // curl and old browsers send none
        let host = r.headers["host"] ?? ""
        let originHost = origin.split(separator: "/", omittingEmptySubsequences: true).dropFirst().first.map(String.init) ?? ""
        if !host.isEmpty, originHost == host { return nil }
        return WebUIResponse(status: 403, headers: ["Content-Type": "text/plain; charset=utf-8"],
                             body: "cross-origin form post refused (Origin \(origin), Host \(host))\n")
    }

    func silencesPage(_ p: FormData, error: String?) async -> String {
        SilencesPage(silences: await source.silences(), alerts: await source.alerts(), now: await source.now(),
                     options: options, created: p["created"], expired: p["expired"], error: error).render()
    }

    func createSilence(_ form: FormData) async -> WebUIResponse {
        let now = await source.now()
        let fields = SilenceForm.Fields(form: form)
        let draft: UISilenceDraft
        switch fields.draft(now: now) {
        case .failure(let e):
            return .html(400, SilenceForm(fields: fields, error: e.message, now: now).render())
        case .success(let d): draft = d
        }
        do {
            let id = try await source.createSilence(draft)
            return .redirect("/ui/silences?" + FormData.query([("created", id)]), status: 303)
        } catch {
            let status = error.kind == .unavailable ? 503 : 400
            return .html(status, SilenceForm(fields: fields, error: error.message, now: now).render())
        }
    }

    func expireSilence(_ form: FormData) async -> WebUIResponse {
        let id = form["id"] ?? ""
        do {
            try await source.expireSilence(id: id)
            return .redirect("/ui/silences?" + FormData.query([("expired", id)]), status: 303)
        } catch {
            let status = error.kind == .notFound ? 404 : (error.kind == .unavailable ? 503 : 400)
            return .html(status, await silencesPage(FormData(), error: "Expiring silence \(id) failed: \(error.message)"))
        }
    }
}

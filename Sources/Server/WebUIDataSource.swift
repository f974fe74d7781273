import Alerting
import Model
import PromQL
import Rules
import Scrape
import WebUI

/// The web UI's view of a running Klaxon: rule health and alerts from the rule manager, target
/// status from the scrape manager, silences and receivers from the Alertmanager pipeline,
/// deliveries from `DeliveryHistory`, and queries through the engine on the store.
public struct KlaxonUIDataSource: UIDataSource {
    // Named apart from the protocol's methods (`now()`, `ruleGroups()`, `targets()`) they feed.
    public var currentTime: @Sendable () -> Int64
    public var ruleHealth: @Sendable () -> [RuleGroupHealth]
    public var targetStatus: @Sendable () -> [TargetStatus]
    /// nil = no pipeline: the Silences and Notifications pages say so.
    public var dispatcher: Dispatcher?
    public var deliveries: DeliveryHistory?
    public var engine: Engine
    public var queryable: any Queryable

    public init(now: @escaping @Sendable () -> Int64, ruleGroups: @escaping @Sendable () -> [RuleGroupHealth],
                targets: @escaping @Sendable () -> [TargetStatus], dispatcher: Dispatcher?, deliveries: DeliveryHistory?,
                engine: Engine, queryable: any Queryable) {
        currentTime = now
        ruleHealth = ruleGroups
        targetStatus = targets
        self.dispatcher = dispatcher
        self.deliveries = deliveries
        self.engine = engine
        self.queryable = queryable
    }

    public func now() async -> Int64 { currentTime() }

    public func alerts() async -> [UIAlert] {
        var out: [UIAlert] = []
        for g in ruleHealth() {
            for h in g.rules {
                for a in h.alerts where a.resolvedAt == nil {
                    let state: UIAlert.State
                    switch a.state {
                    case .firing: state = .firing
                    case .pending: state = .pending
                    case .inactive: continue
                    }
                    var annotations: [String: String] = [:]
                    for an in a.annotations { annotations[an.name] = an.value }
                    out.append(UIAlert(rule: h.rule.name, state: state, labels: a.labels, annotations: annotations,
                                       value: a.value, activeAt: a.activeAt))
                }
            }
        }
        if let dispatcher, !out.isEmpty {
            let labels = out.map(\.labels)
            let silenced = await dispatcher.read { core, now in labels.map { core.silences.silencedBy($0, now: now) } }
            for i in out.indices { out[i].silencedBy = silenced[i] }
        }
        return out
    }

    public func ruleGroups() async -> [UIRuleGroup] {
        ruleHealth().map { g in
            UIRuleGroup(name: g.key.name, file: g.key.file, interval: g.interval, lastEvaluation: g.lastEvaluation,
                        evaluationSeconds: Self.seconds(g.evaluationDuration), rules: g.rules.map(Self.rule))
        }
    }

    static func rule(_ h: RuleHealth) -> UIRule {
        let health = UIRule.Health(rawValue: h.health.rawValue) ?? .unknown
        switch h.rule {
        case .alerting(let a):
            let active = h.alerts.filter { $0.resolvedAt == nil }
            let firing = active.count { $0.state == .firing }
            let pending = active.count { $0.state == .pending }
            return UIRule(name: a.name, kind: .alerting, query: "\(a.expr)", health: health, lastError: h.lastError ?? "",
                          lastEvaluation: h.lastEvaluation, evaluationSeconds: seconds(h.evaluationDuration),
                          holdDuration: a.holdDuration, labels: a.labels,
                          state: firing > 0 ? .firing : (pending > 0 ? .pending : .inactive),
                          firingCount: firing, pendingCount: pending)
        case .recording(let r):
            return UIRule(name: r.name, kind: .recording, query: "\(r.expr)", health: health, lastError: h.lastError ?? "",
                          lastEvaluation: h.lastEvaluation, evaluationSeconds: seconds(h.evaluationDuration), labels: r.labels)
        }
    }

    public func targets() async -> [UITarget] {
        targetStatus().map { t in
            UITarget(job: t.job, url: t.url, labels: t.labels, health: UITarget.Health(rawValue: t.health.rawValue) ?? .unknown,
                     lastScrape: t.lastScrape == 0 ? nil : t.lastScrape, lastDurationSeconds: t.lastDuration,
                     lastError: t.lastError, interval: t.interval)
        }
    }

    public func silences() async -> [UISilence]? {
        guard let dispatcher else { return nil }
        return await dispatcher.read { core, now in
            core.silences.all.map { s in
                UISilence(id: s.id, matchers: s.matchers.map { UIMatcher(name: $0.name, kind: $0.kind, value: $0.value) },
                          startsAt: s.startsAt, endsAt: s.endsAt, updatedAt: s.updatedAt, createdBy: s.createdBy,
                          comment: s.comment, state: UISilence.State(rawValue: s.apiState(at: now).rawValue) ?? .expired)
            }
        }
    }

    public func createSilence(_ d: UISilenceDraft) async throws(UIActionError) -> String {
        guard let dispatcher else { throw UIActionError(.unavailable, "the Alertmanager pipeline is not running") }
        var matchers: [Matcher] = []
        for (i, m) in d.matchers.enumerated() {
            do { matchers.append(try Matcher(m.kind, m.name, m.value)) } catch {
                throw UIActionError(.invalid, "silence invalid: invalid label matcher \(i): \(error)")
            }
        }
        let silence = Silence(matchers: matchers, startsAt: d.startsAt, endsAt: d.endsAt, createdBy: d.createdBy, comment: d.comment)
        do { return try await dispatcher.setSilence(silence) } catch {
            throw UIActionError(error == .notFound ? .notFound : .invalid, error.description)
        }
    }

    public func expireSilence(id: String) async throws(UIActionError) {
        guard let dispatcher else { throw UIActionError(.unavailable, "the Alertmanager pipeline is not running") }
        do { try await dispatcher.expireSilence(id: id) } catch {
            throw UIActionError(error == .notFound ? .notFound : .invalid, error.description)
        }
    }

    public func notifications() async -> UINotifications? {
        guard let dispatcher, let deliveries else { return nil }
        let receivers = await dispatcher.read { core, _ in core.config.receivers.map(\.name) }
        let list = deliveries.recent.map { e in
            UIDelivery(time: e.time, receiver: e.receiver, integration: e.integration,
                       outcome: e.error == nil ? .delivered : .failed, notificationStatus: e.notificationStatus,
                       firingCount: e.firingCount, resolvedCount: e.resolvedCount, groupLabels: e.groupLabels,
                       error: e.error ?? "")
        }
        return UINotifications(receivers: receivers, deliveries: list, capacity: deliveries.capacity)
    }

    public func query(_ text: String, at time: Int64) async -> Result<UIQueryValue, UIQueryError> {
        let expr: Expr
        switch Self.parse(text) {
        case .success(let e): expr = e
        case .failure(let e): return .failure(e)
        }
        do {
            switch try engine.instantQuery(expr, at: time, on: queryable) {
            case .scalar(_, let v): return .success(.scalar(v))
            case .string(_, let s): return .success(.string(s))
            case .vector(let samples): return .success(.vector(samples.map { UISample(labels: $0.labels, value: $0.v) }))
            case .matrix(let series): return .success(.matrix(series.map(Self.series)))
            }
        } catch {
            return .failure(UIQueryError(message: "\(error)"))
        }
    }

    public func queryRange(_ text: String, start: Int64, end: Int64, step: Int64) async -> Result<[UISeries], UIQueryError> {
        let expr: Expr
        switch Self.parse(text) {
        case .success(let e): expr = e
        case .failure(let e): return .failure(e)
        }
        guard expr.type == .vector || expr.type == .scalar else {
            return .failure(UIQueryError(message: "invalid expression type \"\(expr.type.rawValue)\" for range query, must be Scalar or instant Vector"))
        }
        do {
            return .success(try engine.rangeQuery(expr, start: start, end: end, step: step, on: queryable).map(Self.series))
        } catch {
            return .failure(UIQueryError(message: "\(error)"))
        }
    }

    static func parse(_ text: String) -> Result<Expr, UIQueryError> {
        do { return .success(try PromQLParser.parse(text)) } catch {
            let p = error.position
            return .failure(UIQueryError(message: error.description, position: p.start..<max(p.start, p.end)))
        }
    }

    static func series(_ s: Series) -> UISeries {
        UISeries(labels: s.labels, points: s.points.map { UIPoint(t: $0.t, v: $0.v) })
    }

    static func seconds(_ d: Duration) -> Double {
        let (s, atto) = d.components
        return Double(s) + Double(atto) / 1e18
    }
}

/// Mounting the web UI on `klaxon run`'s `HTTPRouter`.
public enum WebUIMount {
    /// A router that serves the web UI at `/` (a redirect to the alerts page), `/graph` (alerts'
    /// generator URLs, redirected to the Query page) and under `/ui`,
    /// and sends every other path to `fallback` (the Prometheus API). Callers add the other API
    /// families (`/api/v2/`) to it as usual.
    public static func router(source: some UIDataSource, options: WebUIOptions = WebUIOptions(),
                              fallback: @escaping HTTPRouter.Handler) -> HTTPRouter {
        let ui = WebUI(source: source, options: options)
        var router = HTTPRouter { r in
            r.path == "/" || r.path == "/graph" ? await handle(ui, r) : await fallback(r)
        }
        add(ui, to: &router)
        return router
    }

    /// Routes `/ui` and everything under it to `ui`.
    public static func add(_ ui: WebUI, to router: inout HTTPRouter) {
        router.add(prefix: "/ui") { await handle(ui, $0) }
    }

    static func handle(_ ui: WebUI, _ r: HTTPRequestData) async -> APIResponse {
        var headers = r.headers  // origin and host, for the cross-origin check of form posts
        if let ct = r.contentType { headers["content-type"] = ct }
        let response = await ui.handle(WebUIRequest(method: r.method, path: r.path, query: r.query ?? "", body: r.body,
                                                    headers: headers))
        var extra = response.headers
        let contentType = extra.removeValue(forKey: "Content-Type") ?? "text/html; charset=utf-8"
        return APIResponse(status: response.status, contentType: contentType, body: response.body, headers: extra)
    }
}

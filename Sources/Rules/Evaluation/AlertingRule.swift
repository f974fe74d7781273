import Model
import PromQL
import Templates

/// An alerting rule and its alerts (`rules/alerting.go`, 2.42, with `keep_firing_for`).
public struct AlertingRule: Sendable {
    public static let resolvedRetention: Int64 = 15 * 60_000

    public var name: String
    public var expr: Expr
    /// ms the condition must hold before firing.
    public var holdDuration: Int64
    /// ms an alert keeps firing after its condition cleared.
    public var keepFiringFor: Int64
    /// Raw label templates.
    public var labels: [String: String]
    /// Raw annotation templates.
    public var annotations: [String: String]
    public var externalLabels: [String: String]
    public var externalURL: String
    /// When false no ALERTS / ALERTS_FOR_STATE samples are produced (see rules-spec §6).
    public var isRestored = false
    /// Keyed by the expanded label set (the alert's identity).
    public internal(set) var active: [Labels: Alert] = [:]

    public init(name: String, expr: Expr, holdDuration: Int64, keepFiringFor: Int64, labels: [String: String],
                annotations: [String: String], externalLabels: [String: String], externalURL: String) {
        self.name = name
        self.expr = expr
        self.holdDuration = holdDuration
        self.keepFiringFor = keepFiringFor
        self.labels = labels
        self.annotations = annotations
        self.externalLabels = externalLabels
        self.externalURL = externalURL
    }

    public struct DuplicateError: Error, CustomStringConvertible {
        public var description: String { "vector contains metrics with the same labelset after applying alert labels" }
    }

    public struct LimitError: Error, CustomStringConvertible {
        var limit: Int, count: Int
        public var description: String { "exceeded limit of \(limit) with \(count) alerts" }
    }

    /// Runs the state machine at `ts` and returns the ALERTS / ALERTS_FOR_STATE samples to write.
    /// `cache`: subexpression results shared with the group's other rules at `ts`.
    public mutating func evaluate(at ts: Int64, using querier: any InstantQuerier, limit: Int,
                                  sharing cache: SubexpressionCache? = nil) throws -> [VectorSample] {
        let result = try querier.query(expr, at: ts, sharing: cache)
        let templateQuery: (String) throws -> [TemplateSample] = { q in
            let e = try PromQLParser.parse(q)
            return try querier.query(e, at: ts).map { TemplateSample(labels: $0.labels.dictionary, value: $0.v) }
        }
        // Build every alert first: a duplicate fails the evaluation before state changes.
        var fresh: [Labels: Alert] = [:]
        var order: [Labels] = []
        let labelNames = labels.keys.sorted()
        let annotationTemplates = annotations.keys.sorted { $0.utf8Precedes($1) }.map { Label(name: $0, value: annotations[$0]!) }
        let deferring = DeferredAnnotations.canDefer(annotations.values)
        let plainLabels = !labels.values.contains(where: AlertTemplate.hasAction)
        for s in result {
            func template() -> AlertTemplate {
                AlertTemplate(alertName: name, labels: s.labels.dictionary, value: s.v,
                              externalLabels: externalLabels, externalURL: externalURL, query: templateQuery)
            }
            let tmpl = plainLabels && deferring ? nil : template()
            var b = LabelsBuilder(s.labels)
            b.delete(Labels.metricName)
            for k in labelNames { b.set(k, tmpl?.expand(labels[k]!) ?? labels[k]!) }
            b.set("alertname", name)
            let l = b.labels
            if fresh[l] != nil { throw DuplicateError() }
            var alert = Alert(state: .pending, labels: l, annotations: [], value: s.v, activeAt: ts)
            if let tmpl {
                alert.annotations = annotationTemplates.map { Label(name: $0.name, value: tmpl.expand($0.value)) }
            } else {
                alert.deferred = DeferredAnnotations(alertName: name, labels: s.labels, value: s.v, externalLabels: externalLabels,
                                                     externalURL: externalURL, templates: annotationTemplates)
            }
            fresh[l] = alert
            order.append(l)
        }
        // Step A: merge.
        for l in order {
            let a = fresh[l]!
            if var old = active[l], old.state != .inactive {
                old.value = a.value
                old.takeAnnotations(of: a)
                active[l] = old
            } else {
                active[l] = a
            }
        }
        // Step B: walk every alert.
        var out: [VectorSample] = []
        var numActive = 0
        for l in active.keys.sorted() {
            var a = active[l]!
            if fresh[l] == nil {
                var keepFiring = false
                if a.state == .firing, keepFiringFor > 0 {
                    if a.keepFiringSince == nil { a.keepFiringSince = ts }
                    keepFiring = ts - a.keepFiringSince! < keepFiringFor
                }
                if a.state == .pending || (a.resolvedAt.map { ts - $0 > Self.resolvedRetention } ?? false) {
                    active[l] = nil
                    continue
                }
                if a.state != .inactive && !keepFiring {
                    a.state = .inactive
                    a.resolvedAt = ts
                }
                active[l] = a
                if !keepFiring { continue }
            } else {
                a.keepFiringSince = nil
            }
            numActive += 1
            if a.state == .pending && ts - a.activeAt >= holdDuration {
                a.state = .firing
                a.firedAt = ts
            }
            if isRestored {
                let alerts: Labels
                if let c = a.alertsSeries, c.state == a.state { alerts = c.labels } else {
                    alerts = seriesLabels(a, metric: "ALERTS", state: a.state)
                    a.alertsSeries = (a.state, alerts)
                }
                let forState = a.forStateSeries ?? seriesLabels(a, metric: "ALERTS_FOR_STATE", state: nil)
                a.forStateSeries = forState
                out.append(VectorSample(labels: alerts, t: ts, v: 1))
                out.append(VectorSample(labels: forState, t: ts, v: Double(floorDiv(a.activeAt, 1000))))
            }
            active[l] = a
        }
        // Step C: limit.
        if limit > 0, numActive > limit {
            active = [:]
            throw LimitError(limit: limit, count: numActive)
        }
        return out
    }

    func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }

    /// Raw rule labels overlaid with the alert's labels (rules-spec §5).
    func seriesLabels(_ a: Alert, metric: String, state: Alert.State?) -> Labels {
        var b = LabelsBuilder(Labels(labels))
        for p in a.labels.pairs { b.set(p.name, p.value) }
        b.set(Labels.metricName, metric)
        b.set("alertname", name)
        if let state { b.set("alertstate", state.rawValue) }
        return b.labels
    }

    /// Alerts currently firing (what promtool compares).
    public var firingAlerts: [Alert] { active.values.filter { $0.state == .firing } }
}

import Model
import PromQL
import Rules

extension PrometheusAPI {
    /// `/api/v1/rules` (`type=alert|record` filters), Prometheus 2.42's shape.
    func rules(_ r: APIRequest) throws(APIError) -> String {
        let type = (r.value("type") ?? "").lowercased()
        guard type.isEmpty || type == "alert" || type == "record" else {
            throw APIError(.badData, "not supported value \(goQuote(type))")
        }
        var w = JSONWriter()
        w.raw("{\"groups\":[")
        var firstGroup = true
        for g in deps.ruleGroups() {
            if !firstGroup { w.raw(",") }
            firstGroup = false
            w.raw("{\"name\":")
            w.string(g.key.name)
            w.raw(",\"file\":")
            w.string(g.key.file)
            w.raw(",\"rules\":[")
            var firstRule = true
            for h in g.rules {
                switch h.rule {
                case .alerting(let a):
                    if type == "record" { continue }
                    if !firstRule { w.raw(",") }
                    firstRule = false
                    let active = h.alerts.filter { $0.resolvedAt == nil && $0.state != .inactive }
                    let state = active.contains { $0.state == .firing } ? "firing" : (active.isEmpty ? "inactive" : "pending")
                    w.raw("{\"state\":\"\(state)\",\"name\":")
                    w.string(a.name)
                    w.raw(",\"query\":")
                    w.string("\(a.expr)")
                    w.raw(",\"duration\":\(APIFormat.goJSONFloat(Double(a.holdDuration) / 1000))")
                    w.raw(",\"keepFiringFor\":\(APIFormat.goJSONFloat(Double(a.keepFiringFor) / 1000))")
                    w.raw(",\"labels\":")
                    w.stringMap(a.labels)
                    w.raw(",\"annotations\":")
                    w.stringMap(a.annotations)
                    w.raw(",\"alerts\":")
                    Self.alertList(active, into: &w)
                    ruleTail(h, type: "alerting", into: &w)
                case .recording(let rr):
                    if type == "alert" { continue }
                    if !firstRule { w.raw(",") }
                    firstRule = false
                    w.raw("{\"name\":")
                    w.string(rr.name)
                    w.raw(",\"query\":")
                    w.string("\(rr.expr)")
                    if !rr.labels.isEmpty {
                        w.raw(",\"labels\":")
                        w.stringMap(rr.labels)
                    }
                    ruleTail(h, type: "recording", into: &w)
                }
            }
            w.raw("],\"interval\":\(APIFormat.goJSONFloat(Double(g.interval) / 1000)),\"limit\":\(g.limit)")
            w.raw(",\"evaluationTime\":\(APIFormat.seconds(g.evaluationDuration)),\"lastEvaluation\":")
            w.string(APIFormat.rfc3339(g.lastEvaluation))
            w.raw("}")
        }
        w.raw("]}")
        return w.text
    }

    private func ruleTail(_ h: RuleHealth, type: String, into w: inout JSONWriter) {
        w.raw(",\"health\":\"\(h.health.rawValue)\"")
        if let e = h.lastError, !e.isEmpty {
            w.raw(",\"lastError\":")
            w.string(e)
        }
        w.raw(",\"evaluationTime\":\(APIFormat.seconds(h.evaluationDuration)),\"lastEvaluation\":")
        w.string(APIFormat.rfc3339(h.lastEvaluation))
        w.raw(",\"type\":\"\(type)\"}")
    }

    /// `/api/v1/alerts`: the pending and firing alerts of every alerting rule.
    func alerts() -> String {
        var all: [Alert] = []
        for g in deps.ruleGroups() {
            for h in g.rules { all += h.alerts.filter { $0.resolvedAt == nil && $0.state != .inactive } }
        }
        var w = JSONWriter()
        w.raw("{\"alerts\":")
        Self.alertList(all, into: &w)
        w.raw("}")
        return w.text
    }

    /// Alerts as `rulesAlertsToAPIAlerts` writes them; the value in Go `'e'` format (`1e+00`).
    static func alertList(_ alerts: [Alert], into w: inout JSONWriter) {
        w.raw("[")
        for (i, a) in alerts.enumerated() {
            if i > 0 { w.raw(",") }
            w.raw("{\"labels\":")
            w.labels(a.labels)
            w.raw(",\"annotations\":")
            w.labels(Labels(a.annotations))
            w.raw(",\"state\":\"\(a.state.rawValue)\",\"activeAt\":")
            w.string(APIFormat.rfc3339(a.activeAt))
            if let k = a.keepFiringSince {
                w.raw(",\"keepFiringSince\":")
                w.string(APIFormat.rfc3339(k))
            }
            w.raw(",\"value\":")
            w.string(GoFloat.formatE(a.value))
            w.raw("}")
        }
        w.raw("]")
    }
}

import Alerting
import Foundation
import Model

/// `GET/POST /alerts` and `GET /alerts/groups` (`api/v2/api.go`: `getAlertsHandler`,
/// `postAlertsHandler`, `getAlertGroupsHandler`, `alertFilter`).
extension AlertmanagerAPI {
    /// The query parameters both alert listings share.
    struct AlertQuery: Sendable {
        var active = true, silenced = true, inhibited = true
        var filter: [Matcher] = []
        /// Anchored (`^(?:re)$`).
        var receiver: Matcher?

        /// Parses the parameters; a bad matcher or receiver regex is a 400 string.
        init(_ r: APIRequest) throws(AMJSON.Failure) {
            func bool(_ name: String) -> Bool {
                // Go's strconv.ParseBool; anything else keeps the default.
                switch r.value(name) {
                case "0", "f", "F", "false", "FALSE", "False": return false
                default: return true
                }
            }
            active = bool("active")
            silenced = bool("silenced")
            inhibited = bool("inhibited")
            for f in r.values("filter") {
                do { filter.append(try MatcherParser.parseMatcher(f)) } catch {
                    throw AMJSON.Failure(response: AMResponse.message(400, error.description))
                }
            }
            if let re = r.value("receiver") {
                do { receiver = try Matcher(.regexMatch, "receiver", re) } catch {
                    throw AMJSON.Failure(response: AMResponse.message(400, "failed to parse receiver param: \(error)"))
                }
            }
        }

        /// `alertFilter`: not ended before `now`, the state switches, then the label filter.
        func admits(_ a: Alert, status: AlertStatus, now: Int64) -> Bool {
            if a.endsAt < now { return false }
            if !active && status.state == .active { return false }
            if !silenced && !status.silencedBy.isEmpty { return false }
            if !inhibited && !status.inhibitedBy.isEmpty { return false }
            return Self.matchFilterLabels(filter, a.labels.dictionary)
        }

        /// `matchFilterLabels`: an empty-valued `!=`/`!~` matcher is satisfied by a present
        /// label, an empty-valued `=`/`=~` matcher by an absent one; otherwise the matcher decides.
        static func matchFilterLabels(_ matchers: [Matcher], _ labels: [String: String]) -> Bool {
            for m in matchers {
                let v = labels[m.name]
                if m.value.isEmpty && (m.isEqual ? v == nil : v != nil) { continue }
                if !m.matches(v ?? "") { return false }
            }
            return true
        }

        func admitsReceiver(_ name: String) -> Bool { receiver?.matches(name) ?? true }
    }

    /// `GET /alerts`: every stored alert that passes the filters, by fingerprint.
    func alerts(_ r: APIRequest) async -> APIResponse {
        let q: AlertQuery
        do { q = try AlertQuery(r) } catch { return error.response }
        let items = await dispatcher.read { core, now -> [String] in
            var out: [String] = []
            for a in core.store.all {
                let receivers = core.receivers(for: a.labels)
                if q.receiver != nil && !receivers.contains(where: q.admitsReceiver) { continue }
                let status = core.status(of: a.labels, now: now)
                guard q.admits(a, status: status, now: now) else { continue }
                out.append(AMJSON.alert(a, status: status, receivers: receivers))
            }
            return out  // store.all is in fingerprint order already
        }
        return AMResponse.json("[" + items.joined(separator: ",") + "]")
    }

    /// `POST /alerts`: stores the valid alerts; 400 with the joined messages if any was invalid.
    func postAlerts(_ body: [UInt8]) async -> APIResponse {
        let what = "alerts"
        let alerts: [PostableAlert]
        do {
            guard let json = try AMJSON.parse(body, what: what) else {
                return AMResponse.validation(602, "alerts in body is required")
            }
            guard let list = json as? [Any] else {
                return AMResponse.parseError(what, "json: cannot unmarshal \(AMJSON.jsonType(json)) into Go value of type models.PostableAlerts")
            }
            var out: [PostableAlert] = []
            for (i, item) in list.enumerated() {
                guard let o = item as? [String: Any] else {
                    return AMResponse.parseError(what, "json: cannot unmarshal \(AMJSON.jsonType(item)) into Go value of type models.PostableAlert")
                }
                let labels = try AMJSON.stringMap(o["labels"], field: "labels", what: what)
                let annotations = try AMJSON.stringMap(o["annotations"], field: "annotations", what: what)
                let startsAt = try AMJSON.time(o["startsAt"], field: "startsAt", what: what)
                let endsAt = try AMJSON.time(o["endsAt"], field: "endsAt", what: what)
                let url = try AMJSON.string(o["generatorURL"], field: "generatorURL", what: what) ?? ""
                if o["labels"] == nil || o["labels"] is NSNull {
                    return AMResponse.validation(602, "\(i).labels in body is required")
                }
                out.append(PostableAlert(labels: Labels(labels), annotations: annotations, startsAt: startsAt ?? nil,
                                         endsAt: endsAt ?? nil, generatorURL: url))
            }
            alerts = out
        } catch {
            return error.response
        }
        let errors = await dispatcher.receive(alerts)
        if !errors.isEmpty { return AMResponse.message(400, errors.map(\.message).joined(separator: "; ")) }
        return AMResponse.empty(200)
    }

    /// `GET /alerts/groups`: one entry per aggregation group with at least one alert passing the
    /// filters, sorted by group labels (`LabelSet.Before`) then receiver; `receivers` of each
    /// alert lists the receivers of the listed groups holding it, sorted.
    func alertGroups(_ r: APIRequest) async -> APIResponse {
        let q: AlertQuery
        do { q = try AlertQuery(r) } catch { return error.response }
        let text = await dispatcher.read { core, now -> String in
            struct Group { var labels: Labels; var receiver: String; var alerts: [Alert] }
            var groups: [Group] = []
            var receivers: [Fingerprint: [String]] = [:]
            var statuses: [Fingerprint: AlertStatus] = [:]
            for g in core.aggregationGroups {
                let receiver = g.route.options.receiver
                guard q.admitsReceiver(receiver) else { continue }
                var kept: [Alert] = []
                for a in g.alerts.values {
                    let status = statuses[a.fingerprint] ?? core.status(of: a.labels, now: now)
                    statuses[a.fingerprint] = status
                    guard q.admits(a, status: status, now: now) else { continue }
                    receivers[a.fingerprint, default: []].append(receiver)
                    kept.append(a)
                }
                if !kept.isEmpty { groups.append(Group(labels: g.groupLabels, receiver: receiver, alerts: kept)) }
            }
            groups.sort { a, b in
                if a.labels == b.labels { return a.receiver < b.receiver }
                return AlertOrder.before(a.labels, b.labels)
            }
            return "[" + groups.map { g in
                let alerts = AlertOrder.sorted(g.alerts).map { a in
                    AMJSON.alert(a, status: statuses[a.fingerprint]!, receivers: (receivers[a.fingerprint] ?? []).sorted())
                }
                return "{\"alerts\":[" + alerts.joined(separator: ",") + "],\"labels\":"
                    + AMJSON.labelSet(g.labels.dictionary, escapeHTML: false)
                    + ",\"receiver\":{\"name\":" + JSONWriter.quote(g.receiver, escapeHTML: false) + "}}"
            }.joined(separator: ",") + "]"
        }
        return AMResponse.json(text)
    }
}

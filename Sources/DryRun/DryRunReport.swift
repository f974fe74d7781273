import Alerting
import Foundation
import Model
import Rules

/// Renders a `DryRunResult` as the timeline (text), JSON, JUnit XML or expectation lines.
public struct DryRunReport {
    public var result: DryRunResult

    public init(_ result: DryRunResult) { self.result = result }

    var start: Int64 { result.from }

    // MARK: Text

    public func text() -> String {
        let r = result
        var out = "Dry run \(ReportFormat.time(r.from)) .. \(ReportFormat.time(r.to)) (\(PromDuration.format(max(0, r.to - r.from))))"
        out += ": \(r.samples) samples, \(r.staleMarkers) staleness markers, \(r.evaluations) group evaluations, "
        out += String(format: "replayed in %.2fs (%.2fs appending samples)\n", r.replaySeconds, r.appendSeconds)
        let errors = r.rules.filter { $0.lastError != nil }
        if !errors.isEmpty {
            out += "\nRule errors (\(errors.count)):\n"
            for e in errors { out += "  \(e.group.name) / \(e.name): \(e.lastError!)\n" }
        }
        out += "\nAlert timeline (\(r.transitions.count) transitions):\n"
        if r.transitions.isEmpty { out += "  (no alert became pending or firing)\n" }
        for t in r.transitions {
            out += "  \(ReportFormat.time(t.time))  \(ReportFormat.offset(t.time, from: start).padding(toLength: 10, withPad: " ", startingAt: 0))"
            out += " \(t.kind.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(t.labels.description)  value=\(ReportFormat.value(t.value))\n"
        }
        out += "\nNotifications (\(r.notifications.count)):\n"
        if r.notifications.isEmpty { out += "  (none would have been sent)\n" }
        for n in r.notifications {
            out += "  \(ReportFormat.time(n.time))  \(ReportFormat.offset(n.time, from: start))  \(n.receiver) \(n.integration) \(n.status.rawValue)\n"
            out += "      group key: \(n.groupKey)\n"
            for a in n.firing { out += "      firing:   \(a.labels.description)\n" }
            for a in n.resolved { out += "      resolved: \(a.labels.description)\n" }
            let m = n.rendered
            if let s = m.slackTitle, !s.isEmpty { out += "      slack title: \(indent(s))\n" }
            if let s = m.slackText { out += "      slack text: \(indent(s))\n" }
            if let s = m.pagerdutySummary { out += "      pagerduty summary: \(indent(s))\n" }
            if let s = m.emailSubject { out += "      email subject: \(indent(s))\n" }
            if let e = m.error { out += "      render error: \(e)\n" }
        }
        if !r.rejectedAlerts.isEmpty {
            out += "\nAlerts rejected by the pipeline (\(r.rejectedAlerts.count)):\n"
            for m in r.rejectedAlerts { out += "  \(m)\n" }
        }
        return out
    }

    func indent(_ s: String) -> String {
        s.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n        ")
    }

    // MARK: Expectation lines

    /// One line per notification (the `--expect-file` format), with a header comment.
    public func expectationLines() -> [String] {
        result.notifications.map { ReportFormat.expectationLine($0, start: start) }
    }

    // MARK: JSON

    public func json() -> String {
        let r = result
        var root: [String: Any] = [
            "from": ReportFormat.time(r.from), "to": ReportFormat.time(r.to),
            "stats": ["samples": r.samples, "staleMarkers": r.staleMarkers, "evaluations": r.evaluations,
                      "replaySeconds": (r.replaySeconds * 1000).rounded() / 1000,
                      "appendSeconds": (r.appendSeconds * 1000).rounded() / 1000],
        ]
        root["transitions"] = r.transitions.map { t -> [String: Any] in
            ["time": ReportFormat.time(t.time), "offset": ReportFormat.offset(t.time, from: start), "state": t.kind.rawValue,
             "rule": t.rule, "group": ["file": t.group.file, "name": t.group.name],
             "labels": t.labels.dictionary, "value": ReportFormat.value(t.value)]
        }
        root["notifications"] = r.notifications.map { n -> [String: Any] in
            var o: [String: Any] = [
                "time": ReportFormat.time(n.time), "offset": ReportFormat.offset(n.time, from: start), "receiver": n.receiver,
                "integration": n.integration.description, "groupKey": n.groupKey, "groupLabels": n.groupLabels.dictionary,
                "status": n.status.rawValue,
                "firing": n.firing.map { $0.labels.dictionary }, "resolved": n.resolved.map { $0.labels.dictionary },
            ]
            if let s = n.rendered.slackTitle { o["slackTitle"] = s }
            if let s = n.rendered.slackText { o["slackText"] = s }
            if let s = n.rendered.pagerdutySummary { o["pagerdutySummary"] = s }
            if let s = n.rendered.emailSubject { o["emailSubject"] = s }
            if let s = n.rendered.error { o["renderError"] = s }
            return o
        }
        root["rules"] = r.rules.map { o -> [String: Any] in
            var d: [String: Any] = ["group": ["file": o.group.file, "name": o.group.name], "name": o.name,
                                    "type": o.isAlerting ? "alerting" : "recording", "firings": o.firings,
                                    "health": o.lastError == nil ? "ok" : "err"]
            if let e = o.lastError { d["lastError"] = e }
            return d
        }
        root["rejectedAlerts"] = r.rejectedAlerts
        let data = (try? JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    // MARK: JUnit

    /// One test case per rule. A case fails when the rule's evaluation failed, or when one of
    /// its alerts was in a notification matching `failOn`.
    public func junit(failOn: [Matcher] = []) -> String {
        let r = result
        var byGroup: [GroupKey: [RuleOutcome]] = [:]
        for o in r.rules { byGroup[o.group, default: []].append(o) }
        var suites = ""
        var total = 0, failures = 0
        for key in byGroup.keys.sorted() {
            let rules = byGroup[key]!
            var cases = ""
            var suiteFailures = 0
            for o in rules {
                total += 1
                let own = r.transitions.filter { $0.group == key && $0.rule == o.name }
                var failure: String?
                if let e = o.lastError { failure = "rule evaluation failed: \(e)" }
                let gated = failOn.isEmpty ? [] : r.notifications.filter { n in
                    n.firing.contains { $0.labels.get("alertname") == o.name && failOn.matches($0.labels.dictionary) }
                }
                if failure == nil, let n = gated.first {
                    failure = "\(gated.count) notification(s) matching \(failOn.listDescription) would be sent, first at \(ReportFormat.time(n.time)) to \(n.receiver)"
                }
                cases += "    <testcase classname=\"\(xml(key.file + ";" + key.name))\" name=\"\(xml(o.name))\">\n"
                if let failure {
                    suiteFailures += 1
                    cases += "      <failure message=\"\(xml(failure))\"></failure>\n"
                }
                if !own.isEmpty {
                    let lines = own.map { ReportFormat.transitionLine($0, start: start) + " value=\(ReportFormat.value($0.value))" }
                    cases += "      <system-out>\(xml(lines.joined(separator: "\n")))</system-out>\n"
                }
                cases += "    </testcase>\n"
            }
            failures += suiteFailures
            suites += "  <testsuite name=\"\(xml(key.file + ";" + key.name))\" tests=\"\(rules.count)\" failures=\"\(suiteFailures)\">\n\(cases)  </testsuite>\n"
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"klaxon dry-run\" tests=\"\(total)\" failures=\"\(failures)\">\n\(suites)</testsuites>\n"
    }

    func xml(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\n": out += "&#10;"
            default:
                if c.value < 0x20 && c != "\t" { continue }
                out.unicodeScalars.append(c)
            }
        }
        return out
    }

    // MARK: Gates

    /// Notifications with a firing alert matching all of `matchers`.
    public func notifications(matching matchers: [Matcher]) -> [RecordedNotification] {
        result.notifications.filter { n in n.firing.contains { matchers.matches($0.labels.dictionary) } }
    }
}

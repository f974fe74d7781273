import Alerting
import Foundation
import Model
import PromQL
import Rules

/// Runs notification test files and prints promtool-like results:
///
///     Unit Testing:  fixtures/notifications/guide-routing.yml
///       SUCCESS
///
/// Returns 0 when every test passed, 1 otherwise (promtool's codes).
public enum NotificationTestRunner {
    public static func run(files: [String], output: (String) -> Void) async -> Int32 {
        var failed = false
        for f in files {
            output("Unit Testing:  \(f)")
            let errors = await runFile(f)
            if errors.isEmpty {
                output("  SUCCESS\n")
            } else {
                failed = true
                output("  FAILED:")
                for e in errors { output(e.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")) }
                output("")
            }
        }
        return failed ? 1 : 0
    }

    /// The failure messages of one file; empty when all its tests passed.
    public static func runFile(_ path: String) async -> [String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return ["open \(path): cannot read file"] }
        let dir = (path as NSString).deletingLastPathComponent
        let file: NotificationTestFile
        do { file = try NotificationTestFile.parse(text, directory: dir) } catch { return ["\(error)"] }
        let am: AlertmanagerConfig
        do { am = try AlertmanagerConfig.load(file: file.alertmanagerConfig) } catch { return ["\(error)"] }
        var errors: [String] = []
        for t in file.tests {
            do { errors += try await run(t, file: file, alertmanager: am) } catch {
                errors.append("name: \(t.name),\n  \(error)")
            }
        }
        return errors
    }

    static func run(_ t: NotificationTestCase, file: NotificationTestFile, alertmanager: AlertmanagerConfig) async throws -> [String] {
        let store = MemoryStore()
        for (series, values, line) in t.inputSeries {
            let labels: Labels
            let slots: [SeriesNotation.Slot]
            do {
                labels = try SeriesNotation.parseLabels(series)
                slots = try SeriesNotation.expand(values)
            } catch {
                throw RunError(description: "input_series at line \(line): \(error)")
            }
            for (k, v) in slots.enumerated() { if let v { store.add(labels, Int64(k) * t.interval, v) } }
        }
        let options = RuleManagerOptions(defaultInterval: file.evaluationInterval, externalLabels: file.externalLabels,
                                         externalURL: file.externalURL)
        let dir = (file.alertmanagerConfig as NSString).deletingLastPathComponent
        let pipeline = try SimulatedPipeline(ruleFiles: file.ruleFiles, options: options, alertmanager: alertmanager,
                                             templateDirectory: dir.isEmpty ? "." : dir, store: store, start: 0)
        defer { pipeline.shutdown() }
        var errors: [String] = []
        for c in t.checks.sorted(by: { $0.by < $1.by }) {
            await pipeline.advance(to: c.by)
            let sent = pipeline.notifications.filter { $0.time <= c.by && c.receivers.contains($0.receiver) }
            if let failure = compare(c, sent: sent) {
                errors.append("name: \(t.name),\nby: \(PromDuration.format(c.by)), receivers: \(c.receivers.sorted().joined(separator: ", ")),\n" + failure)
            }
        }
        return errors
    }

    struct RunError: Error, CustomStringConvertible { var description: String }

    /// Nil when `sent` is exactly what `c` expects; else the exp/got lines.
    static func compare(_ c: NotificationCheck, sent: [RecordedNotification]) -> String? {
        var unmatched = sent
        var missing: [ExpectedNotification] = []
        for e in c.expect {
            if let i = unmatched.firstIndex(where: { matches(e, $0) }) { unmatched.remove(at: i) } else { missing.append(e) }
        }
        if missing.isEmpty && unmatched.isEmpty { return nil }
        var out = "    exp:"
        out += c.expect.isEmpty ? " (none)\n" : "\n" + c.expect.map { "      " + describe($0) }.joined(separator: "\n") + "\n"
        out += "    got:"
        out += sent.isEmpty ? " (none)" : "\n" + sent.map { "      " + describe($0) }.joined(separator: "\n")
        if !missing.isEmpty { out += "\n    missing: " + missing.map(describe).joined(separator: "; ") }
        if !unmatched.isEmpty { out += "\n    unexpected: " + unmatched.map(describe).joined(separator: "; ") }
        return out
    }

    static func matches(_ e: ExpectedNotification, _ n: RecordedNotification) -> Bool {
        guard e.receiver == n.receiver else { return false }
        if let i = e.integration, i != n.integration.description, i != n.integration.kind { return false }
        if let s = e.status, s != n.status.rawValue { return false }
        if let g = e.groupLabels, g != n.groupLabels.dictionary { return false }
        if let f = e.firing, !alertsMatch(f, n.firing) { return false }
        if let r = e.resolved, !alertsMatch(r, n.resolved) { return false }
        if let s = e.pagerdutySummary, s != n.rendered.pagerdutySummary { return false }
        if let s = e.slackTitle, s != n.rendered.slackTitle { return false }
        if let s = e.slackText, s != n.rendered.slackText { return false }
        if let s = e.emailSubject, s != n.rendered.emailSubject { return false }
        return true
    }

    /// Each expected label subset matches a distinct alert, and the counts are equal.
    static func alertsMatch(_ expected: [[String: String]], _ alerts: [NotifiedAlert]) -> Bool {
        guard expected.count == alerts.count else { return false }
        var left = alerts.map { $0.labels.dictionary }
        for e in expected {
            guard let i = left.firstIndex(where: { l in e.allSatisfy { l[$0.key] == $0.value } }) else { return false }
            left.remove(at: i)
        }
        return true
    }

    /// The expectation line plus the rendered texts, so a failing text check shows what was rendered.
    static func describe(_ n: RecordedNotification) -> String {
        var out = ReportFormat.expectationLine(n, start: 0)
        let m = n.rendered
        if let s = m.pagerdutySummary { out += " pagerduty_summary=\(goQuote(s))" }
        if let s = m.slackTitle, !s.isEmpty { out += " slack_title=\(goQuote(s))" }
        if let s = m.slackText, !s.isEmpty { out += " slack_text=\(goQuote(s))" }
        if let s = m.emailSubject { out += " email_subject=\(goQuote(s))" }
        if let e = m.error { out += " render_error=\(goQuote(e))" }
        return out
    }

    static func describe(_ e: ExpectedNotification) -> String {
        var parts = [e.receiver]
        if let i = e.integration { parts.append(i) }
        if let s = e.status { parts.append(s) }
        if let g = e.groupLabels { parts.append(Labels(g).description) }
        if let f = e.firing { parts.append("firing=[" + f.map { Labels($0).description }.joined(separator: " ") + "]") }
        if let r = e.resolved { parts.append("resolved=[" + r.map { Labels($0).description }.joined(separator: " ") + "]") }
        if let s = e.pagerdutySummary { parts.append("pagerduty_summary=\(goQuote(s))") }
        if let s = e.slackTitle { parts.append("slack_title=\(goQuote(s))") }
        if let s = e.slackText { parts.append("slack_text=\(goQuote(s))") }
        if let s = e.emailSubject { parts.append("email_subject=\(goQuote(s))") }
        return parts.joined(separator: " ")
    }
}

import Foundation
import TestSupport
import Testing

/// `klaxon dry-run` end to end on the committed fixture (the built binary).
@Suite(.serialized) struct DryRunCommandTests {
    static let base = ["dry-run", "--config.file", "fixtures/config/prometheus.yml",
                       "--alertmanager.config.file", "fixtures/config/alertmanager.yml",
                       "--input", "fixtures/dryrun/incident-small.om.gz"]

    func klaxon(_ args: [String]) throws -> ProcessResult {
        try #require(FileManager.default.isExecutableFile(atPath: Paths.klaxon), "build the binary first: swift build --product klaxon")
        return try runProcess(Paths.klaxon, args)
    }

    @Test func textTimelineThenNotifications() throws {
        let r = try klaxon(Self.base)
        #expect(r.status == 0, "\(r.stderr)")
        let timeline = try #require(r.stdout.range(of: "Alert timeline"))
        let notes = try #require(r.stdout.range(of: "Notifications ("))
        #expect(timeline.lowerBound < notes.lowerBound)
        #expect(r.stdout.contains("pending  {alertname=\"HighModelErrorRate\""))
        #expect(r.stdout.contains("firing   {alertname=\"HighModelErrorRate\""))
        #expect(r.stdout.contains("resolved {alertname=\"HighModelErrorRate\""))
        #expect(r.stdout.contains("pagerduty summary: [FIRING:2] HighModelErrorRate (inference openrouter critical)"))
        #expect(r.stdout.contains("slack title: [FIRING:2] ProviderDegraded"))
    }

    @Test func expectFileMatchesAndMismatchDiffs() throws {
        let ok = try klaxon(Self.base + ["--output", "notifications", "--expect-file", "fixtures/dryrun/incident-small.expected"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stderr.contains("notification(s) match"))

        let dir = try Paths.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let expected = try String(contentsOfFile: Paths.fixture("fixtures/dryrun/incident-small.expected"), encoding: .utf8)
        var lines = expected.split(separator: "\n").map(String.init)
        let dropped = try #require(lines.firstIndex { $0.contains("CircuitBreakerOpen") && $0.contains(" firing ") })
        let removed = lines.remove(at: dropped)
        lines.append("+59m pagerduty pagerduty[0] firing {alertname=\"Invented\"} firing=[] resolved=[]")
        try write(lines.joined(separator: "\n") + "\n", to: dir + "/expected")
        let bad = try klaxon(Self.base + ["--output", "json", "--expect-file", dir + "/expected"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("notifications differ from"))
        #expect(bad.stderr.contains("+ " + removed))
        #expect(bad.stderr.contains("- +59m pagerduty pagerduty[0] firing {alertname=\"Invented\"}"))
    }

    @Test func failOnIsAGate() throws {
        let critical = try klaxon(Self.base + ["--output", "notifications", "--fail-on", "severity=\"critical\""])
        #expect(critical.status == 1)
        #expect(critical.stderr.contains("with alerts matching {severity=\"critical\"} would be sent"))
        let none = try klaxon(Self.base + ["--output", "notifications", "--fail-on", "severity=\"page-me-never\""])
        #expect(none.status == 0)
    }

    @Test func jsonHasTransitionsNotificationsAndRules() throws {
        let r = try klaxon(Self.base + ["--output", "json", "--storage", "tsdb"])
        #expect(r.status == 0, "\(r.stderr)")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let notes = try #require(root["notifications"] as? [[String: Any]])
        let page = try #require(notes.first { ($0["receiver"] as? String) == "pagerduty" })
        #expect(page["integration"] as? String == "pagerduty[0]")
        #expect((page["pagerdutySummary"] as? String)?.hasPrefix("[FIRING:") == true)
        let transitions = try #require(root["transitions"] as? [[String: Any]])
        #expect(transitions.contains { ($0["state"] as? String) == "firing" && ($0["rule"] as? String) == "CircuitBreakerOpen" })
        #expect((root["rules"] as? [Any])?.count == 34)
    }

    @Test func junitHasOneCasePerRule() throws {
        let r = try klaxon(Self.base + ["--output", "junit", "--fail-on", "alertname=\"HighModelErrorRate\""])
        #expect(r.status == 1)
        #expect(r.stdout.components(separatedBy: "<testcase ").count - 1 == 34)
        #expect(r.stdout.contains("<testsuites name=\"klaxon dry-run\" tests=\"34\" failures=\"1\">"))
        #expect(r.stdout.contains("name=\"HighModelErrorRate\">\n      <failure message=\"1 notification(s) matching"))
    }

    @Test func compareRulesShowsPagesARuleChangeAdds() throws {
        let dir = try Paths.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // "Old" rules: the shipped ones with CircuitBreakerOpen's for: raised from 2m to 30m,
        // so the current rules add its page and its resolution.
        for f in try FileManager.default.contentsOfDirectory(atPath: Paths.fixture("rules")) where f.hasSuffix(".yml") {
            var text = try String(contentsOfFile: Paths.fixture("rules/" + f), encoding: .utf8)
            text = text.replacingOccurrences(of: "expr: 'circuit_breaker_state{state=\"open\"} == 1'\n        for: 2m",
                                             with: "expr: 'circuit_breaker_state{state=\"open\"} == 1'\n        for: 30m")
            try write(text, to: dir + "/" + f)
        }
        let r = try klaxon(Self.base + ["--output", "notifications", "--compare-rules", dir])
        #expect(r.status == 0, "\(r.stderr)")
        // Only CircuitBreakerOpen differs: unchanged groups keep their slots in both replays.
        #expect(r.stdout.contains("Alert firings and resolutions: 2 added, 0 removed"))
        #expect(r.stdout.contains("Notifications: 2 added, 0 removed (pages: 2 added, 0 removed)"))
        #expect(r.stdout.contains("firing {alertname=\"CircuitBreakerOpen\", component=\"providers\""))
        #expect(r.stdout.contains("pagerduty pagerduty[0] resolved {alertname=\"CircuitBreakerOpen\"}"))
    }

    @Test func fromAndToLimitTheReplay() throws {
        let r = try klaxon(Self.base + ["--output", "notifications", "--from", "+30m", "--to", "+40m"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(!lines.isEmpty)
        // Offsets are from --from; the page comes 6m47s after it, and nothing after --to.
        #expect(lines.contains { $0.hasPrefix("+6m47s193ms pagerduty pagerduty[0] firing {alertname=\"HighModelErrorRate\"}") })
        #expect(!r.stdout.contains("resolved {alertname=\"HighModelErrorRate\"}"))
    }

    @Test func unreadableInputExitsTwo() throws {
        let r = try klaxon(["dry-run", "--input", "/nonexistent.om"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("/nonexistent.om"))
    }
}

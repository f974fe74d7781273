import Alerting
import ArgumentParser
import DryRun
import Foundation
import Model
import Synchronization

/// `klaxon dry-run`: replays a recording through scrape staleness, a store, the rules and the
/// Alertmanager pipeline on a simulated clock, and prints what would have been sent.
///
/// Exit codes: 0 = ran, no gate failed; 1 = `--fail-on` matched or `--expect-file` differed;
/// 2 = the config, rules or recording could not be loaded.
struct DryRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dry-run",
        abstract: "Replay a recording through the rules and routing on a simulated clock; nothing is sent.",
        discussion: """
            Exit status: 0 when no gate failed, 1 when --fail-on matched a notification or the notifications \
            differ from --expect-file, 2 when the config, rules or recording cannot be loaded.
            Times (--from, --to) are RFC 3339 (2026-11-28T10:00:00Z), Unix seconds, or +DURATION from the first sample.
            """)

    @Option(name: .customLong("config.file"), help: "Prometheus configuration: evaluation_interval, external_labels, rule_files.")
    var configFile = "fixtures/config/prometheus.yml"

    @Option(name: .customLong("alertmanager.config.file"), help: "Alertmanager configuration: the routing to replay through.")
    var alertmanagerConfigFile: String?

    @Option(help: "The recording: OpenMetrics text with timestamps (.om), optionally gzip-compressed (.om.gz).")
    var input: String

    @Option(help: "Start evaluating rules here (default: the first sample). Earlier samples are history.")
    var from: String?

    @Option(help: "Stop here (default: the last sample).")
    var to: String?

    @Option(help: "text, json, junit, or notifications (one line per notification: the --expect-file format).")
    var output = "text"

    @Option(name: .customLong("fail-on"), help: "Exit 1 if a notification with a firing alert matching these matchers would be sent, e.g. 'severity=\"critical\"'.")
    var failOn: String?

    @Option(name: .customLong("expect-file"), help: "Compare the notifications with this file (lines as printed by --output notifications); exit 1 and print a diff on mismatch.")
    var expectFile: String?

    @Option(name: .customLong("compare-rules"), help: "Also replay with the rule files in this directory (or glob) and print which alerts and notifications the current rules add or remove.")
    var compareRules: String?

    @Option(help: "Where samples are kept during the replay: memory or tsdb (a temporary directory).")
    var storage = "memory"

    @Flag(name: .customLong("sequential-groups"), help: .hidden)
    var sequentialGroups = false

    @Option(name: .customLong("web.external-url"), help: "The external URL used in generator URLs and templates.")
    var externalURL = "http://127.0.0.1:9096"

    func validate() throws {
        guard ["text", "json", "junit", "notifications"].contains(output) else {
            throw ValidationError("--output must be text, json, junit or notifications, not \(output)")
        }
        guard DryRunOptions.StorageKind(rawValue: storage) != nil else {
            throw ValidationError("--storage must be memory or tsdb, not \(storage)")
        }
        if let f = failOn {
            do { _ = try MatcherParser.parseMatchers(f) } catch { throw ValidationError("--fail-on: \(error)") }
        }
    }

    func run() throws {
        let command = self
        try runBlocking { await command.execute() }
    }

    func execute() async -> Int32 {
        let recording: Recording
        let loadStart = ContinuousClock.now
        do { recording = try Recording.load(path: input) } catch {
            printError("dry-run: \(error)")
            return 2
        }
        let loaded = ContinuousClock.now - loadStart
        printError(String(format: "dry-run: loaded %d samples of %d series from %@ in %.2fs", recording.sampleCount,
                          recording.series.count, input, Double(loaded.components.seconds) + Double(loaded.components.attoseconds) * 1e-18))
        var options = DryRunOptions(prometheusConfig: configFile, alertmanagerConfig: alertmanagerConfigFile)
        options.externalURL = externalURL
        options.storage = DryRunOptions.StorageKind(rawValue: storage)!
        options.concurrentGroups = !sequentialGroups
        do {
            if let f = from { options.from = try DryRunTime.parse(f, recordingStart: recording.minTime) }
            if let t = to { options.to = try DryRunTime.parse(t, recordingStart: recording.minTime) }
        } catch {
            printError("dry-run: \(error)")
            return 2
        }
        let result: DryRunResult
        do { result = try await DryRunner.run(recording, options: options) } catch {
            printError("dry-run: \(error)")
            return 2
        }
        let report = DryRunReport(result)
        let matchers = failOn.map { (try? MatcherParser.parseMatchers($0)) ?? [] } ?? []
        switch output {
        case "json": print(report.json(), terminator: "")
        case "junit": print(report.junit(failOn: matchers), terminator: "")
        case "notifications":
            print("# klaxon dry-run --input \(input): one line per notification (offset from \(ReportFormat.time(result.from)))")
            for l in report.expectationLines() { print(l) }
        default: print(report.text(), terminator: "")
        }

        var code: Int32 = 0
        if let dir = compareRules {
            do {
                let outcome = try await RuleComparison.run(recording, options: options, oldRules: dir)
                printComparison(old: DryRunReport(outcome.old), new: DryRunReport(outcome.new), oldRules: dir)
            } catch {
                printError("dry-run: --compare-rules \(dir): \(error)")
                return 2
            }
        }
        if !matchers.isEmpty {
            let hits = report.notifications(matching: matchers)
            if !hits.isEmpty {
                printError("dry-run: FAILED: \(hits.count) notification(s) with alerts matching \(matchers.listDescription) would be sent:")
                for n in hits.prefix(20) { printError("  " + ReportFormat.expectationLine(n, start: result.from)) }
                code = 1
            }
        }
        if let f = expectFile {
            guard let text = try? String(contentsOfFile: f, encoding: .utf8) else {
                printError("dry-run: cannot read --expect-file \(f)")
                return 2
            }
            let expected = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && !$0.hasPrefix("#") }
            let actual = report.expectationLines()
            if expected != actual {
                printError("dry-run: FAILED: notifications differ from \(f) (- expected, + actual):")
                for l in LineDiff.changedLines(expected: expected, actual: actual) { printError(l) }
                code = 1
            } else {
                printError("dry-run: \(actual.count) notification(s) match \(f)")
            }
        }
        return code
    }

    func printComparison(old: DryRunReport, new: DryRunReport, oldRules: String) {
        let o = old.comparisonLines(), n = new.comparisonLines()
        let alerts = LineDiff.unorderedChanges(expected: o.alerts, actual: n.alerts)
        let notes = LineDiff.unorderedChanges(expected: o.notifications, actual: n.notifications)
        print("\nCompared with the rules in \(oldRules) (- only with the old rules, + only with the current ones;")
        print("both sets replayed from one staging directory, so unchanged groups keep their evaluation slots):")
        print("Alert firings and resolutions: \(alerts.filter { $0.hasPrefix("+") }.count) added, \(alerts.filter { $0.hasPrefix("-") }.count) removed")
        for l in alerts { print("  " + l) }
        let pages = notes.filter { $0.contains(" pagerduty[") }
        print("Notifications: \(notes.filter { $0.hasPrefix("+") }.count) added, \(notes.filter { $0.hasPrefix("-") }.count) removed"
              + " (pages: \(pages.filter { $0.hasPrefix("+") }.count) added, \(pages.filter { $0.hasPrefix("-") }.count) removed)")
        for l in notes { print("  " + l) }
        if alerts.isEmpty && notes.isEmpty { print("  no difference") }
    }
}

/// `--from`/`--to` values.
enum DryRunTime {
    struct ParseError: Error, CustomStringConvertible { var description: String }

    static func parse(_ s: String, recordingStart: Int64) throws -> Int64 {
        if s.hasPrefix("+") {
            do { return recordingStart + (try PromDuration.parse(String(s.dropFirst()))) } catch {
                throw ParseError(description: "bad time offset \(s): \(error)")
            }
        }
        if let secs = Double(s) { return Int64((secs * 1000).rounded()) }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        if let d = f.date(from: s) { return Int64((d.timeIntervalSince1970 * 1000).rounded()) }
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = f.date(from: s) { return Int64((d.timeIntervalSince1970 * 1000).rounded()) }
        throw ParseError(description: "cannot parse time \(s): want RFC 3339, Unix seconds or +DURATION")
    }
}

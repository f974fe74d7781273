import ConfigYAML
import Foundation
import Model
import Yams

/// A Klaxon notification test file (`klaxon test notifications`): input series (promtool's
/// notation), rule files and an Alertmanager config, and the notifications each receiver must
/// have been sent by given times. Deliberately not a promtool file: promtool rejects its keys,
/// and promtool's own files stay valid for promtool.
///
/// ```yaml
/// rule_files: [../../rules/*.yml]          # relative to this file
/// alertmanager_config: ../config/alertmanager.yml
/// evaluation_interval: 15s
/// tests:
///   - name: openrouter errors page on-call only
///     interval: 15s
///     input_series:
///       - series: 'model_inference_requests_total{provider="openrouter", model="m", status="error"}'
///         values: '0+30x80'
///     notifications:
///       - by: 12m
///         expect:
///           - receiver: pagerduty
///             group_labels: {alertname: HighModelErrorRate}
///             firing: [{provider: openrouter}]
///         none: [slack]
/// ```
public struct NotificationTestFile: Sendable {
    public var ruleFiles: [String] = []
    public var alertmanagerConfig = ""
    public var evaluationInterval: Int64 = 60_000
    public var externalLabels: [String: String] = [:]
    public var externalURL = "http://127.0.0.1:9096"
    public var tests: [NotificationTestCase] = []

    /// Parses `text`; relative paths are resolved against `directory`.
    public static func parse(_ text: String, directory: String) throws -> NotificationTestFile {
        var f = NotificationTestFile()
        guard let root = try StrictYAML.compose(text) else { return f }
        var y = StrictYAML(typePrefix: "notificationtest")
        func resolve(_ p: String) -> String { p.hasPrefix("/") || directory.isEmpty ? p : directory + "/" + p }
        for (k, v) in y.fields(root, type: "File", known: ["rule_files", "alertmanager_config", "evaluation_interval",
                                                           "external_labels", "external_url", "tests"]) ?? [] {
            switch k {
            case "rule_files": f.ruleFiles = y.stringList(v).map(resolve)
            case "alertmanager_config": f.alertmanagerConfig = resolve(y.string(v))
            case "evaluation_interval": f.evaluationInterval = try y.duration(v)
            case "external_labels": f.externalLabels = y.stringMap(v) ?? [:]
            case "external_url": f.externalURL = y.string(v)
            default:
                for (i, t) in y.sequence(v, of: "Test").enumerated() { f.tests.append(try testCase(t, index: i, &y)) }
            }
        }
        try y.finish()
        if f.alertmanagerConfig.isEmpty { throw TestFileError(description: "alertmanager_config is required") }
        if f.ruleFiles.isEmpty { throw TestFileError(description: "rule_files is required") }
        return f
    }

    static func testCase(_ n: Node, index: Int, _ y: inout StrictYAML) throws -> NotificationTestCase {
        var t = NotificationTestCase(name: "test \(index + 1)")
        for (k, v) in y.fields(n, type: "Test", known: ["name", "interval", "input_series", "notifications"]) ?? [] {
            switch k {
            case "name": t.name = y.string(v)
            case "interval": t.interval = try y.duration(v)
            case "input_series":
                for s in y.sequence(v, of: "Series") {
                    var series = "", values = ""
                    for (sk, sv) in y.fields(s, type: "Series", known: ["series", "values"]) ?? [] {
                        if sk == "series" { series = y.string(sv) } else { values = y.string(sv) }
                    }
                    t.inputSeries.append((series, values, StrictYAML.line(s)))
                }
            default:
                for c in y.sequence(v, of: "Check") { t.checks.append(try check(c, &y)) }
            }
        }
        return t
    }

    static func check(_ n: Node, _ y: inout StrictYAML) throws -> NotificationCheck {
        var c = NotificationCheck(by: 0, line: StrictYAML.line(n))
        var sawBy = false
        for (k, v) in y.fields(n, type: "Check", known: ["by", "expect", "none"]) ?? [] {
            switch k {
            case "by": c.by = try y.duration(v); sawBy = true
            case "none": c.none = y.stringList(v)
            default:
                for e in y.sequence(v, of: "Expected") { c.expect.append(expected(e, &y)) }
            }
        }
        if !sawBy { throw TestFileError(description: "line \(c.line): a notification check needs `by`") }
        return c
    }

    static func expected(_ n: Node, _ y: inout StrictYAML) -> ExpectedNotification {
        var e = ExpectedNotification(receiver: "")
        let known: Set<String> = ["receiver", "integration", "status", "group_labels", "firing", "resolved",
                                  "pagerduty_summary", "slack_title", "slack_text", "email_subject"]
        for (k, v) in y.fields(n, type: "Expected", known: known) ?? [] {
            switch k {
            case "receiver": e.receiver = y.string(v)
            case "integration": e.integration = y.string(v)
            case "status": e.status = y.string(v)
            case "group_labels": e.groupLabels = y.stringMap(v) ?? [:]
            case "firing": e.firing = y.sequence(v, of: "Labels").map { y.stringMap($0) ?? [:] }
            case "resolved": e.resolved = y.sequence(v, of: "Labels").map { y.stringMap($0) ?? [:] }
            case "pagerduty_summary": e.pagerdutySummary = y.string(v)
            case "slack_title": e.slackTitle = y.string(v)
            case "slack_text": e.slackText = y.string(v)
            default: e.emailSubject = y.string(v)
            }
        }
        return e
    }
}

/// One test: its own series and checks, run on a fresh pipeline starting at t = 0.
public struct NotificationTestCase: Sendable {
    public var name: String
    public var interval: Int64 = 60_000
    /// (series, values, line).
    public var inputSeries: [(String, String, Int)] = []
    public var checks: [NotificationCheck] = []
}

/// "By `by`, the receivers named in `expect` and `none` were sent exactly these notifications."
/// Receivers named nowhere are not checked.
public struct NotificationCheck: Sendable {
    /// ms from the start.
    public var by: Int64
    public var expect: [ExpectedNotification] = []
    /// Receivers that must have been sent nothing.
    public var none: [String] = []
    public var line: Int

    /// Receivers this check covers.
    public var receivers: Set<String> { Set(expect.map(\.receiver)).union(none) }
}

/// One expected notification. Unset fields are not compared; `firing`/`resolved` list one label
/// subset per alert, in any order, and their counts must match.
public struct ExpectedNotification: Sendable {
    public var receiver: String
    /// `pagerduty` or `pagerduty[0]`.
    public var integration: String?
    public var status: String?
    public var groupLabels: [String: String]?
    public var firing: [[String: String]]?
    public var resolved: [[String: String]]?
    public var pagerdutySummary: String?
    public var slackTitle: String?
    public var slackText: String?
    public var emailSubject: String?
}

/// A notification test file that is missing something it needs.
public struct TestFileError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

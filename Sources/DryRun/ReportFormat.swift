import Alerting
import Foundation
import Model

/// Time and label formatting shared by the dry-run and notification-test reports.
public enum ReportFormat {
    /// RFC 3339 UTC with milliseconds only when non-zero: `2026-11-28T10:02:15Z`.
    public static func time(_ ms: Int64) -> String {
        let secs = Double(ms.dividedReportingOverflow(by: 1000).partialValue)
        var tmv = tm()
        var t = time_t(secs)
        gmtime_r(&t, &tmv)
        let base = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", Int(tmv.tm_year) + 1900, Int(tmv.tm_mon) + 1,
                          Int(tmv.tm_mday), Int(tmv.tm_hour), Int(tmv.tm_min), Int(tmv.tm_sec))
        let frac = ((ms % 1000) + 1000) % 1000
        return frac == 0 ? base + "Z" : base + String(format: ".%03dZ", Int(frac))
    }

    /// The offset from the start, `+1h2m15s`, as Prometheus prints durations.
    public static func offset(_ ms: Int64, from start: Int64) -> String {
        let d = ms - start
        return (d < 0 ? "-" : "+") + PromDuration.format(d.magnitude > UInt64(Int64.max) ? 0 : Int64(d.magnitude))
    }

    public static func value(_ v: Double) -> String { GoFloat.formatG(v) }

    /// `{a="b", c="d"}`.
    public static func labels(_ l: Labels) -> String { l.description }

    /// The one-line, diffable form of a notification that `--expect-file` files hold:
    /// `+12m30s pagerduty pagerduty[0] firing {alertname="X"} firing=[{…}] resolved=[{…}]`.
    public static func expectationLine(_ n: RecordedNotification, start: Int64) -> String {
        let firing = n.firing.map { $0.labels.description }.joined(separator: " ")
        let resolved = n.resolved.map { $0.labels.description }.joined(separator: " ")
        return "\(offset(n.time, from: start)) \(n.receiver) \(n.integration) \(n.status.rawValue) \(n.groupLabels.description) firing=[\(firing)] resolved=[\(resolved)]"
    }

    /// `+2m pending HighErrorRate{…} value=0.12`: the transition timeline's line.
    public static func transitionLine(_ t: AlertTransition, start: Int64) -> String {
        "\(offset(t.time, from: start)) \(t.kind.rawValue) \(t.labels.description)"
    }
}

/// A line diff (longest common subsequence), `-` for expected-only and `+` for actual-only lines.
public enum LineDiff {
    public static func diff(expected: [String], actual: [String]) -> [String] {
        let a = expected, b = actual
        let n = a.count, m = b.count
        var lcs = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var out: [String] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n && j < m && a[i] == b[j] {
                out.append("  " + a[i]); i += 1; j += 1
            } else if j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j]) {
                out.append("+ " + b[j]); j += 1
            } else {
                out.append("- " + a[i]); i += 1
            }
        }
        return out
    }

    /// Only the changed lines.
    public static func changes(expected: [String], actual: [String]) -> [String] {
        diff(expected: expected, actual: actual).filter { !$0.hasPrefix("  ") }
    }
}

extension LineDiff {
    /// The multiset difference of two line lists, for lists too long for an LCS table:
    /// `-` lines (expected only) then `+` lines (actual only), each in its list's order.
    public static func unorderedChanges(expected: [String], actual: [String]) -> [String] {
        var counts: [String: Int] = [:]
        for l in actual { counts[l, default: 0] += 1 }
        var removed: [String] = []
        for l in expected {
            if let c = counts[l], c > 0 { counts[l] = c - 1 } else { removed.append("- " + l) }
        }
        var added: [String] = []
        for l in actual.reversed() {
            if let c = counts[l], c > 0 {
                added.append("+ " + l)
                counts[l] = c - 1
            }
        }
        return removed + added.reversed()
    }

    /// `changes` for small inputs, `unorderedChanges` beyond a few million comparisons.
    public static func changedLines(expected: [String], actual: [String]) -> [String] {
        expected.count * actual.count <= 4_000_000 ? changes(expected: expected, actual: actual)
            : unorderedChanges(expected: expected, actual: actual)
    }
}

extension DryRunReport {
    /// Lines that `--compare-rules` diffs: firing transitions and notifications.
    public func comparisonLines() -> (alerts: [String], notifications: [String]) {
        let alerts = result.transitions.filter { $0.kind == .firing || $0.kind == .resolved }
            .map { ReportFormat.transitionLine($0, start: start) }
        return (alerts, expectationLines())
    }
}

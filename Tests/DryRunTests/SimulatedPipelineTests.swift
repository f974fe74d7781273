import Alerting
import Foundation
import TestSupport
import Model
import Rules
import Testing
@testable import DryRun

/// The shared driver on a small rule set and routing: transitions with times and values, and
/// notifications with rendered texts, all on a simulated clock.
@Suite struct SimulatedPipelineTests {
    static let rules = """
        groups:
          - name: errors
            interval: 15s
            rules:
              - alert: HighErrors
                expr: errors > 10
                for: 1m
                labels: {severity: critical}
                annotations: {summary: 'errors at {{ $value }}'}
          - name: warnings
            interval: 30s
            rules:
              - alert: Slow
                expr: latency > 2
                labels: {severity: warning}
        """
    static let routing = """
        route:
          receiver: default
          group_by: [alertname]
          group_wait: 30s
          group_interval: 1m
          routes:
            - matchers: ['severity="critical"']
              receiver: oncall
            - matchers: ['severity="warning"']
              receiver: chat
        receivers:
          - name: default
          - name: oncall
            pagerduty_configs:
              - routing_key: test-key
                send_resolved: true
          - name: chat
            slack_configs:
              - api_url: http://127.0.0.1:9/hook
                title: '{{ .CommonLabels.alertname }} is {{ .Status }}'
                text: '{{ range .Alerts }}{{ .Annotations.summary }} {{ end }}'
        """

    /// errors: 0 for 2m, 20 from 2m to 6m, then 0; latency 3 from 1m to 3m.
    static func feed(_ store: MemoryStore, upTo t: Int64, from: Int64) {
        var ts = from
        while ts <= t {
            let m = ts / 60_000
            store.add(Labels(["__name__": "errors", "job": "api"]), ts, (2..<6).contains(m) ? 20 : 0)
            store.add(Labels(["__name__": "latency", "job": "api"]), ts, (1..<3).contains(m) ? 3 : 1)
            ts += 15_000
        }
    }

    /// Slots depend on the rule file's path, so pipelines that are compared share `dir`.
    func makePipeline(concurrent: Bool = true, dir: String) throws -> (SimulatedPipeline, MemoryStore) {
        try write(Self.rules, to: dir + "/rules.yml")
        try write(Self.routing, to: dir + "/am.yml")
        let am = try AlertmanagerConfig.load(file: dir + "/am.yml")
        let store = MemoryStore()
        let p = try SimulatedPipeline(ruleFiles: [dir + "/rules.yml"], options: RuleManagerOptions(defaultInterval: 15_000),
                                      alertmanager: am, templateDirectory: dir, store: store, start: 0, concurrent: concurrent)
        return (p, store)
    }

    func run(concurrent: Bool, step: Int64, dir: String? = nil) async throws -> SimulatedPipeline {
        let d = try dir ?? Paths.tempDir()
        defer { if dir == nil { try? FileManager.default.removeItem(atPath: d) } }
        let (p, store) = try makePipeline(concurrent: concurrent, dir: d)
        var t: Int64 = 0
        while t < 12 * 60_000 {
            // The caller ingests between advances (the end point is re-added with the same value).
            Self.feed(store, upTo: t + step, from: t)
            t += step
            await p.advance(to: t)
        }
        return p
    }

    @Test func transitionsCarryTimeAndValue() async throws {
        let p = try await run(concurrent: true, step: 60_000)
        defer { p.shutdown() }
        let high = p.transitions.filter { $0.rule == "HighErrors" }
        #expect(high.map(\.kind) == [.pending, .firing, .resolved])
        // The group evaluates on its own slot (a hash offset into the 15 s interval).
        let slot = GroupSchedule(file: high[0].group.file, name: "errors", interval: 15_000).offset
        #expect(high[0].time == 120_000 + slot)
        #expect(high[1].time == 180_000 + slot)
        #expect(high[2].time == 360_000 + slot)
        #expect(high.allSatisfy { $0.value == 20 })
        #expect(high[0].labels == Labels(["alertname": "HighErrors", "job": "api", "severity": "critical"]))
        // `for`-less rules go straight to firing.
        #expect(p.transitions.filter { $0.rule == "Slow" }.map(\.kind) == [.firing, .resolved])
    }

    @Test func notificationsAreRoutedAndRendered() async throws {
        let p = try await run(concurrent: true, step: 60_000)
        defer { p.shutdown() }
        let pages = p.notifications.filter { $0.receiver == "oncall" }
        #expect(pages.map(\.status) == [.firing, .resolved])
        #expect(pages.first?.integration == IntegrationID(kind: "pagerduty", index: 0))
        #expect(pages.first?.groupLabels == Labels(["alertname": "HighErrors"]))
        #expect(pages.first?.rendered.pagerdutySummary == "[FIRING:1] HighErrors (api critical)")
        // group_wait 30 s after the alert reached the pipeline at the firing evaluation.
        let fired = p.transitions.first { $0.rule == "HighErrors" && $0.kind == .firing }!.time
        #expect(pages.first?.time == fired + 30_000)
        let chat = p.notifications.filter { $0.receiver == "chat" }
        #expect(chat.first?.rendered.slackTitle == "Slow is firing")
        #expect(chat.first?.rendered.slackText == " ")
        #expect(p.notifications.allSatisfy { $0.result == .delivered })
        #expect(p.rejectedAlerts.isEmpty)
    }

    @Test func concurrentAndSequentialGroupsAgree() async throws {
        let dir = try Paths.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let a = try await run(concurrent: true, step: 60_000, dir: dir)
        let b = try await run(concurrent: false, step: 15_000, dir: dir)
        defer { a.shutdown(); b.shutdown() }
        #expect(a.evaluatesGroupsConcurrently)
        #expect(!b.evaluatesGroupsConcurrently)
        #expect(a.transitions == b.transitions)
        #expect(a.notifications.map { ReportFormat.expectationLine($0, start: 0) }
                == b.notifications.map { ReportFormat.expectationLine($0, start: 0) })
        #expect(a.evaluations == b.evaluations)
    }

    @Test func withoutAlertmanagerOnlyTransitionsAreRecorded() async throws {
        let dir = try Paths.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try write(Self.rules, to: dir + "/rules.yml")
        let store = MemoryStore()
        let p = try SimulatedPipeline(ruleFiles: [dir + "/rules.yml"], alertmanager: nil, store: store, start: 0)
        Self.feed(store, upTo: 600_000, from: 0)
        await p.advance(to: 600_000)
        #expect(p.dispatcher == nil)
        #expect(p.notifications.isEmpty)
        #expect(p.transitions.contains { $0.rule == "HighErrors" && $0.kind == .firing })
        #expect(p.now == 600_000)
    }
}

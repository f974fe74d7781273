import Model
import Testing
@testable import Rules

/// Alerts through the manager to the sink (rules-spec §4.3–4.5), stepping explicit slot times.
@Suite struct ManagerLifecycleTests {
    static let rules = """
        groups:
          - name: g
            interval: 2s
            rules:
              - alert: Hot
                expr: cond == 1
                for: 4s
                labels:
                  severity: page
                annotations:
                  summary: "value={{ $value }} region={{ $externalLabels.region }}"
        """

    func makeHarness(_ dir: RuleDir, resendDelay: Int64 = 5_000) throws -> (ManagerHarness, GroupKey, Int64) {
        let path = try dir.write("alerts.yml", Self.rules)
        let h = ManagerHarness(options: RuleManagerOptions(
            externalLabels: ["region": "eu1", "severity": "ext"], externalURL: "http://prom.example:9090/",
            resendDelay: resendDelay))
        try h.manager.update(files: [dir.path("*.yml")], at: t0)
        let key = GroupKey(file: path, name: "g")
        #expect(h.manager.groupKeys == [key])
        let first = try #require(h.manager.health(of: key)).nextEvaluation
        #expect(first == GroupSchedule(key: key, interval: 2_000).firstEvaluation(startingAt: t0))
        return (h, key, first)
    }

    @Test("inactive → pending → firing → resolved, resend delay 5s + interval 2s → re-sent every 6s")
    func lifecycleAndResendCadence() throws {
        let dir = try RuleDir()
        let (h, key, s0) = try makeHarness(dir)
        var sentAt: [Int: [NotifierAlert]] = [:]
        var states: [Alert.State?] = []
        for k in 0...13 {
            let ts = s0 + Int64(k) * 2_000
            h.setCond(k <= 8 ? 1 : 0, at: ts)
            let sent = h.manager.evaluate(group: key, at: ts)
            if !sent.isEmpty { sentAt[k] = sent }
            states.append(h.manager.alert("Hot")?.state)
        }
        #expect(states == [.pending, .pending] + Array(repeating: .firing, count: 7) + Array(repeating: .inactive, count: 5))
        #expect(sentAt.keys.sorted() == [2, 5, 8, 9, 12])

        let firedAt = s0 + 4_000
        let labels = Labels(["alertname": "Hot", "severity": "page", "region": "eu1"])
        let url = "http://prom.example:9090/graph?g0.expr=cond+%3D%3D+1&g0.tab=1"
        let annotations = [Label(name: "summary", value: "value=1 region=eu1")]
        // Firing: endsAt = send time + 4 × max(5s, 2s).
        for k in [2, 5, 8] {
            let ts = s0 + Int64(k) * 2_000
            #expect(sentAt[k] == [NotifierAlert(labels: labels, annotations: annotations, startsAt: firedAt,
                                                endsAt: ts + 20_000, generatorURL: url)])
        }
        // Resolved: sent at once, then at the same cadence, endsAt = ResolvedAt.
        let resolvedAt = s0 + 18_000
        for k in [9, 12] {
            #expect(sentAt[k] == [NotifierAlert(labels: labels, annotations: annotations, startsAt: firedAt,
                                                endsAt: resolvedAt, generatorURL: url)])
        }
        let a = try #require(h.manager.alert("Hot"))
        #expect(a.lastSentAt == s0 + 24_000)
        #expect(a.validUntil == s0 + 24_000 + 20_000)
    }

    @Test("pending → gone is never sent")
    func pendingNeverSent() throws {
        let dir = try RuleDir()
        let (h, key, s0) = try makeHarness(dir)
        for k in 0...4 {
            let ts = s0 + Int64(k) * 2_000
            h.setCond(k <= 1 ? 1 : 0, at: ts)
            #expect(h.manager.evaluate(group: key, at: ts).isEmpty)
        }
        #expect(h.manager.alert("Hot") == nil)
    }

    @Test("ALERTS is written only after the start-up restore (third evaluation)")
    func alertsSeriesAfterRestore() throws {
        let dir = try RuleDir()
        let (h, key, s0) = try makeHarness(dir)
        var counts: [Int] = []
        for k in 0...3 {
            let ts = s0 + Int64(k) * 2_000
            h.setCond(1, at: ts)
            h.manager.evaluate(group: key, at: ts)
            counts.append(h.series(named: "ALERTS").count)
        }
        // for: 4s at a 2s interval fires at k=2, the first evaluation that writes: no pending series.
        #expect(counts == [0, 0, 1, 1])
        let firing = ["__name__": "ALERTS", "alertname": "Hot", "alertstate": "firing", "severity": "page"]
        #expect(h.sample(firing, at: s0 + 6_000)?.v == 1)
        #expect(h.sample(firing, at: s0 + 2_000) == nil)
        let forState = ["__name__": "ALERTS_FOR_STATE", "alertname": "Hot", "severity": "page"]
        #expect(h.sample(forState, at: s0 + 6_000)?.v == Double(s0 / 1000))
    }

    @Test func advanceDrivesEverySlotAndFeedsTheSink() async throws {
        let dir = try RuleDir()
        let (h, _, s0) = try makeHarness(dir, resendDelay: 60_000)
        for k in 0...20 { h.setCond(1, at: s0 + Int64(k) * 2_000) }
        await h.manager.advance(to: s0 + 40_000)
        let g = try #require(h.manager.health().first)
        #expect(g.iterations == 21)
        #expect(g.iterationsMissed == 0)
        #expect(g.lastEvaluation == s0 + 40_000)
        #expect(g.rules.map(\.health) == [.ok])
        // Fired at s0+4s and sent once (the 60s resend delay has not passed).
        #expect(h.sink.sent.map { $0.map(\.startsAt) } == [[s0 + 4_000]])
    }
}

import Model
import Testing
@testable import Rules

/// `update(files:at:)` semantics (rules-spec §2.3).
@Suite struct ManagerReloadTests {
    static let v1 = """
        groups:
          - name: g
            interval: 10s
            rules:
              - record: job:cond:sum
                expr: sum(cond)
              - alert: Hot
                expr: cond == 1
        """

    func start() throws -> (RuleDir, ManagerHarness, GroupKey, Int64) {
        let dir = try RuleDir()
        let path = try dir.write("r.yml", Self.v1)
        let h = ManagerHarness(options: RuleManagerOptions())
        try h.manager.update(files: [path], at: t0)
        let key = GroupKey(file: path, name: "g")
        let s0 = try #require(h.manager.health(of: key)).nextEvaluation
        for k in 0...20 { h.setCond(1, at: s0 + Int64(k) * 10_000) }
        for k in 0...2 { h.manager.evaluate(group: key, at: s0 + Int64(k) * 10_000) }
        #expect(h.manager.alert("Hot")?.state == .firing)
        return (dir, h, key, s0)
    }

    @Test func unchangedGroupKeepsRunningUntouched() throws {
        let (dir, h, key, s0) = try start()
        try h.manager.update(files: [dir.path("r.yml")], at: s0 + 25_000)
        let g = try #require(h.manager.health(of: key))
        #expect(g.iterations == 3)
        #expect(g.nextEvaluation == s0 + 30_000)
    }

    @Test func changedGroupCopiesAlertStateAndStalesRemovedRules() throws {
        let (dir, h, key, s0) = try start()
        let before = try #require(h.manager.alert("Hot"))
        try dir.write("r.yml", Self.v1.replacingOccurrences(of: "job:cond:sum", with: "job:cond:total"))
        try h.manager.update(files: [dir.path("r.yml")], at: s0 + 25_000)
        let g = try #require(h.manager.health(of: key))
        #expect(g.iterations == 0)
        #expect(g.nextEvaluation == s0 + 30_000)
        // Hot is matched by name + labels: its whole alert map (ActiveAt, FiredAt, LastSentAt…) is copied.
        #expect(h.manager.alert("Hot") == before)
        h.manager.evaluate(group: key, at: s0 + 30_000)
        #expect(h.manager.alert("Hot")?.firedAt == before.firedAt)
        // The renamed recording rule's old series is marked stale at the new group's first evaluation.
        #expect(StaleNaN.isStale(try #require(h.sample(["__name__": "job:cond:sum"], at: s0 + 30_000)).v))
        #expect(h.sample(["__name__": "job:cond:total"], at: s0 + 30_000)?.v == 1)
    }

    @Test func aRuleWithNewLabelsStartsOver() throws {
        let (dir, h, key, s0) = try start()
        try dir.write("r.yml", Self.v1 + "\n        labels:\n          severity: page\n")
        try h.manager.update(files: [dir.path("r.yml")], at: s0 + 25_000)
        #expect(h.manager.alert("Hot") == nil)
        h.manager.evaluate(group: key, at: s0 + 30_000)
        #expect(h.manager.alert("Hot")?.firedAt == s0 + 30_000)
        let old = try #require(h.sample(["__name__": "ALERTS", "alertname": "Hot", "alertstate": "firing"], at: s0 + 30_000))
        #expect(StaleNaN.isStale(old.v))
        let new = ["__name__": "ALERTS", "alertname": "Hot", "alertstate": "firing", "severity": "page"]
        #expect(h.sample(new, at: s0 + 30_000)?.v == 1)
    }

    @Test func aBadFileKeepsTheOldRuleSet() throws {
        let (dir, h, key, s0) = try start()
        try dir.write("bad.yml", "groups:\n  - name: x\n    rules:\n      - record: a\n        expr: sum(\n")
        #expect {
            try h.manager.update(files: [dir.path("*.yml")], at: s0 + 25_000)
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix(dir.path("bad.yml") + ": 5:") && text.contains("group \"x\", rule 1, \"a\": could not parse expression")
        }
        #expect(h.manager.groupKeys == [key])
        #expect(h.manager.health(of: key)?.iterations == 3)
    }

    @Test func removedGroupGetsStaleMarkersAfterTwoIntervals() throws {
        let (dir, h, key, s0) = try start()
        try dir.remove("r.yml")
        let removedAt = s0 + 25_000
        try h.manager.update(files: [dir.path("*.yml")], at: removedAt)
        #expect(h.manager.groupKeys.isEmpty)
        #expect(h.manager.evaluate(group: key, at: s0 + 30_000).isEmpty)
        #expect(h.manager.nextDeadline == removedAt + 20_000)
        h.manager.cleanUpStaleSeries(at: removedAt + 19_999)
        #expect(h.sample(["__name__": "job:cond:sum"], at: removedAt)?.v == 1)
        h.manager.cleanUpStaleSeries(at: removedAt + 20_000)
        // Stamped with the removal time, for the recording rule and the ALERTS series alike.
        let rec = try #require(h.sample(["__name__": "job:cond:sum"], at: removedAt))
        #expect(rec.t == removedAt && StaleNaN.isStale(rec.v))
        let alerts = try #require(h.sample(["__name__": "ALERTS", "alertname": "Hot", "alertstate": "firing"], at: removedAt))
        #expect(alerts.t == removedAt && StaleNaN.isStale(alerts.v))
    }
}


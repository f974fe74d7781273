import Model
import Testing
@testable import Rules

/// Restoring `for` state after a restart (rules-spec §6): a second manager on the same store.
@Suite struct ManagerRestoreTests {
    static let rules = """
        groups:
          - name: slow
            interval: 1m
            rules:
              - alert: Slow
                expr: cond == 1
                for: 5m
              - alert: Quick
                expr: cond == 1
                for: 30s
        """

    /// Runs a first manager for evaluations `0...lastK`, then starts a second one 30s later.
    func restart(grace: Int64, lastK: Int) throws -> (ManagerHarness, GroupKey, Int64) {
        let dir = try RuleDir()
        let path = try dir.write("slow.yml", Self.rules)
        let key = GroupKey(file: path, name: "slow")
        let options = RuleManagerOptions(forGracePeriod: grace)
        let first = ManagerHarness(options: options)
        try first.manager.update(files: [path], at: t0)
        let s0 = try #require(first.manager.health(of: key)).nextEvaluation
        for k in 0...12 { first.setCond(1, at: s0 + Int64(k) * 60_000) }
        for k in 0...lastK { first.manager.evaluate(group: key, at: s0 + Int64(k) * 60_000) }
        #expect(first.manager.alert("Slow")?.activeAt == s0)

        let second = ManagerHarness(options: options, store: first.db)
        try second.manager.update(files: [path], at: s0 + Int64(lastK) * 60_000 + 30_000)
        #expect(second.manager.health(of: key)?.nextEvaluation == s0 + Int64(lastK + 1) * 60_000)
        return (second, key, s0)
    }

    /// Evaluates the second manager from slot `fromK` to `toK`; returns Slow's state per slot.
    func states(_ h: ManagerHarness, _ key: GroupKey, _ s0: Int64, _ ks: ClosedRange<Int>) -> [Alert.State?] {
        ks.map { k in
            h.manager.evaluate(group: key, at: s0 + Int64(k) * 60_000)
            return h.manager.alert("Slow")?.state
        }
    }

    @Test("a 5m `for` alert pending 3m before a restart does not start over")
    func restoreKeepsPendingTime() throws {
        let (h, key, s0) = try restart(grace: 60_000, lastK: 3)
        // Without restore it would become active at s0+4m and fire at s0+9m.
        #expect(states(h, key, s0, 4...7) == [.pending, .pending, .pending, .firing])
        let slow = try #require(h.manager.alert("Slow"))
        // 3m pending before the restart + 2m after the restore = 5m at s0+7m.
        #expect(slow.activeAt == s0 + 2 * 60_000)
        #expect(slow.firedAt == s0 + 7 * 60_000)
        // `for` shorter than the grace period: not restored, fresh ActiveAt.
        #expect(h.manager.alertingRule("Quick")?.active.values.first?.activeAt == s0 + 4 * 60_000)
        // The restored ActiveAt is what ALERTS_FOR_STATE carries from now on.
        let forState = ["__name__": "ALERTS_FOR_STATE", "alertname": "Slow"]
        #expect(h.sample(forState, at: s0 + 7 * 60_000)?.v == Double((s0 + 2 * 60_000) / 1000))
    }

    @Test("remaining hold shorter than the grace period fires one grace period after the restore")
    func gracePeriod() throws {
        let (h, key, s0) = try restart(grace: 2 * 60_000, lastK: 4)
        // Restore at s0+6m (second evaluation): 1m remaining < 2m grace → ActiveAt = now + 2m − 5m.
        #expect(states(h, key, s0, 5...8) == [.pending, .pending, .pending, .firing])
        #expect(h.manager.alert("Slow")?.activeAt == s0 + 3 * 60_000)
        #expect(h.manager.alert("Slow")?.firedAt == s0 + 8 * 60_000)
    }

    @Test("an alert firing before the restart fires again at the first evaluation after the restore")
    func firingBeforeRestart() throws {
        let (h, key, s0) = try restart(grace: 60_000, lastK: 6)
        #expect(states(h, key, s0, 7...9) == [.pending, .pending, .firing])
        // The stored ActiveAt has whole seconds.
        #expect(h.manager.alert("Slow")?.activeAt == s0 / 1000 * 1000)
    }

    @Test("a restore finds nothing older than the outage tolerance")
    func outageTolerance() throws {
        let dir = try RuleDir()
        let path = try dir.write("slow.yml", Self.rules)
        let key = GroupKey(file: path, name: "slow")
        let options = RuleManagerOptions(outageTolerance: 60_000, forGracePeriod: 60_000)
        let first = ManagerHarness(options: options)
        try first.manager.update(files: [path], at: t0)
        let s0 = try #require(first.manager.health(of: key)).nextEvaluation
        for k in 0...3 { first.setCond(1, at: s0 + Int64(k) * 60_000) }
        for k in 0...3 { first.manager.evaluate(group: key, at: s0 + Int64(k) * 60_000) }
        // Down for 10m.
        let second = ManagerHarness(options: options, store: first.db)
        try second.manager.update(files: [path], at: s0 + 13 * 60_000 + 30_000)
        for k in 14...16 { second.setCond(1, at: s0 + Int64(k) * 60_000) }
        for k in 14...15 { second.manager.evaluate(group: key, at: s0 + Int64(k) * 60_000) }
        #expect(second.manager.alert("Slow")?.activeAt == s0 + 14 * 60_000)
    }
}

import Alerting
import Model
import Testing

@Suite struct PipelineInhibitTests {
    typealias F = PipelineFixtures

    static let yaml = """
        global: {resolve_timeout: 1h}
        route: {receiver: r, group_by: [alertname], group_wait: 1s, group_interval: 10s}
        receivers: [{name: r, webhook_configs: [{url: 'http://sink/'}]}]
        inhibit_rules:
          - source_matchers: ['severity="critical"']
            target_matchers: ['severity="warning"']
            equal: [cluster]
        """

    // §8 oracle: Warn{c9} inhibited by Crit{c9}; WarnOther{c8} not; WarnNoCluster by CritNoCluster.
    @Test func equalLabels_spec8() throws {
        var core = AlertmanagerCore(config: try F.config(Self.yaml), now: 0)
        let crit = ["alertname": "Crit", "severity": "critical", "cluster": "c9"]
        let critNo = ["alertname": "CritNoCluster", "severity": "critical"]
        _ = core.receive([F.alert(crit), F.alert(critNo)], now: 0)
        func inhibitor(_ l: [String: String]) -> String? { core.inhibitor.inhibitor(of: Labels(l), now: 1_000)?.description }
        #expect(inhibitor(["alertname": "Warn", "severity": "warning", "cluster": "c9"]) == Fingerprint(Labels(crit)).description)
        #expect(inhibitor(["alertname": "WarnOther", "severity": "warning", "cluster": "c8"]) == nil)
        #expect(inhibitor(["alertname": "WarnNoCluster", "severity": "warning"]) == Fingerprint(Labels(critNo)).description)
        // A resolved source no longer inhibits.
        _ = core.receive([F.alert(crit, startsAt: 0, endsAt: 2_000)], now: 1_500)
        #expect(core.inhibitor.inhibitor(of: Labels(["alertname": "Warn", "severity": "warning", "cluster": "c9"]), now: 2_000) == nil)
    }

    // §8 condition 3: an alert matching both sides never inhibits itself or peers matching both sides.
    @Test func noSelfInhibition_spec8() throws {
        let cfg = try F.config("""
            route: {receiver: r}
            receivers: [{name: r}]
            inhibit_rules: [{source_matchers: ['team="a"'], target_matchers: ['team="a"']}]
            """)
        var core = AlertmanagerCore(config: cfg, now: 0)
        _ = core.receive([F.alert(["alertname": "X", "team": "a"]), F.alert(["alertname": "Y", "team": "a"])], now: 0)
        #expect(core.inhibitor.inhibitor(of: Labels(["alertname": "X", "team": "a"]), now: 1) == nil)
        #expect(core.status(of: Fingerprint(Labels(["alertname": "Y", "team": "a"])), now: 1)?.state == .active)
    }

    // §5 stage 2: inhibited alerts are dropped from the notification; status shows inhibitedBy.
    @Test func inhibitedAlertsAreNotNotified_spec5() throws {
        var core = AlertmanagerCore(config: try F.config(Self.yaml), now: 0)
        let crit = ["alertname": "Crit", "severity": "critical", "cluster": "c9"]
        let warn = ["alertname": "Warn", "severity": "warning", "cluster": "c9"]
        _ = core.receive([F.alert(crit), F.alert(warn)], now: 0)
        let sent = core.advance(to: 1_000).map(\.notification)
        #expect(sent.map(\.groupKey) == [#"{}:{alertname="Crit"}"#])
        let st = core.status(of: Fingerprint(Labels(warn)), now: 1_000)
        #expect(st == AlertStatus(state: .suppressed, silencedBy: [], inhibitedBy: [Fingerprint(Labels(crit)).description]))
        // The source resolves: the target is new to its group's log → notified at the next tick.
        _ = core.receive([F.alert(crit, startsAt: 0, endsAt: 5_000)], now: 5_000)
        let later = core.advance(to: 11_000).map(\.notification)
        #expect(later.map(\.groupKey).sorted() == [#"{}:{alertname="Crit"}"#, #"{}:{alertname="Warn"}"#])
    }
}

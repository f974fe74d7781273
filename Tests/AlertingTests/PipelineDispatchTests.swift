import Alerting
import Model
import Testing

@Suite struct PipelineDispatchTests {
    typealias F = PipelineFixtures
    static let t0: Int64 = 1_700_000_000_000

    // Spec §4.2 "Verified timeline" (oracle): group_wait 1s, group_interval 5s, repeat_interval 12s.
    @Test func oracleTimeline_spec4_2() throws {
        let cfg = try F.config("""
            route: {receiver: web, group_by: [alertname], group_wait: 1s, group_interval: 5s, repeat_interval: 12s}
            receivers: [{name: web, webhook_configs: [{url: 'http://sink/'}]}]
            """)
        let t0 = Self.t0
        var core = AlertmanagerCore(config: cfg, now: t0)
        let r1 = core.receive([F.alert(["alertname": "A", "i": "1"])], now: t0)
        #expect(r1.actions == [.scheduleWakeup(at: t0 + 1_000)], "first flush after group_wait")
        var sent = core.advance(to: t0 + 3_000)
        #expect(sent.map(\.at) == [t0 + 1_000])
        #expect(sent.first?.notification.alerts.map(\.labels) == [Labels(["alertname": "A", "i": "1"])])
        #expect(sent.first?.notification.groupKey == #"{}:{alertname="A"}"#)
        #expect(sent.first?.notification.alerts.first?.endsAt == nil, "firing alerts carry the zero endsAt (§4.3)")

        _ = core.receive([F.alert(["alertname": "A", "i": "2"])], now: t0 + 3_000)
        sent = core.advance(to: t0 + 27_999)
        // t0+6 change; nothing at t0+11 and t0+16; repeat at t0+21.
        #expect(sent.map(\.at) == [t0 + 6_000, t0 + 21_000])
        #expect(sent.map { $0.notification.alerts.count } == [2, 2])

        _ = core.receive([F.alert(["alertname": "A", "i": "2"], startsAt: t0 + 3_000, endsAt: t0 + 28_000)], now: t0 + 28_000)
        sent = core.advance(to: t0 + 31_000)
        #expect(sent.map(\.at) == [t0 + 31_000])
        let n = try #require(sent.first?.notification)
        #expect(n.status == .firing)
        #expect(n.alerts.map(\.status) == [.firing, .resolved])
        #expect(n.alerts[1].endsAt == t0 + 28_000, "resolved alerts carry their real endsAt")
        // The resolved alert is sent once, then leaves the group (§4.3 step 4).
        #expect(core.aggregationGroups.first?.alerts.count == 1)
        #expect(core.advance(to: t0 + 40_000).isEmpty)
    }

    // Defaults (§1.3): group_wait 30s, group_interval 5m, repeat_interval 4h. Repeats are checked
    // only on group_interval ticks and need `timestamp < now - repeat` (§6 rule 5, §15 row 5).
    @Test(arguments: [
        (30_000 as Int64, 1),          // first flush after group_wait
        (330_000, 2),                  // the change (second alert) waits for the next tick
        (14_730_000, 0),               // 4h after the last send exactly: not strictly before → no repeat
        (15_030_000, 2),               // next tick: repeat of the unchanged group
    ])
    func defaultTimingTable(at: Int64, expectedAlerts: Int) throws {
        let cfg = try F.config("""
            global: {resolve_timeout: 24h}
            route: {receiver: web, group_by: [alertname]}
            receivers: [{name: web, webhook_configs: [{url: 'http://sink/'}]}]
            """)
        var core = AlertmanagerCore(config: cfg, now: 0)
        _ = core.receive([F.alert(["alertname": "A", "i": "1"])], now: 0)
        var sent = core.advance(to: 60_000)
        _ = core.receive([F.alert(["alertname": "A", "i": "2"])], now: 60_000)
        sent += core.advance(to: at)
        let atTime = sent.filter { $0.at == at }
        #expect(atTime.first?.notification.alerts.count ?? 0 == expectedAlerts)
        // Between the second flush and the repeat nothing is sent.
        #expect(sent.filter { $0.at > 330_000 && $0.at < 15_030_000 }.isEmpty)
    }

    @Test func groupTimerStateMachine_spec4_2() throws {
        let cfg = try F.config("route: {receiver: web, group_wait: 30s, group_interval: 5m}\nreceivers: [{name: web}]")
        let route = Route(root: cfg.route)
        var g = AggregationGroup(route: route, groupLabels: .empty, now: 1_000)
        #expect(g.creationAction == .scheduleFlush(at: 31_000))
        let fresh = Alert(labels: Labels(["a": "1"]), startsAt: 1_000, endsAt: 999_999, updatedAt: 1_000)
        #expect(g.insert(fresh, now: 1_000) == nil)
        // An alert older than group_wait makes an unflushed group due now.
        let old = Alert(labels: Labels(["a": "2"]), startsAt: 0, endsAt: 999_999, updatedAt: 30_500)
        #expect(g.insert(old, now: 30_500) == .scheduleFlush(at: 30_500))
        let firing = g.fire(now: 30_500)
        let fired = try #require(firing)
        #expect(fired.alerts.count == 2 && fired.action == .scheduleFlush(at: 330_500))
        #expect(g.fire(now: 30_501) == nil)
        // After the first flush an insert never advances the timer (0.25).
        let older = Alert(labels: Labels(["a": "3"]), startsAt: 0, endsAt: 999_999, updatedAt: 50_000)
        #expect(g.insert(older, now: 50_000) == nil)
        #expect(g.nextFlush == 330_500)
    }

    // §2 step 3 + "Resolution semantics": no endsAt → endsAt = now + resolve_timeout; the next
    // flush after that sends the resolved notification (oracle: resolve_timeout 1m).
    @Test func resolveTimeoutResolves_spec2() throws {
        let cfg = try F.config("""
            global: {resolve_timeout: 1m, slack_api_url: 'http://slack/'}
            route: {receiver: team}
            receivers: [{name: team, webhook_configs: [{url: 'http://sink/'}], slack_configs: [{channel: '#a'}]}]
            """)
        var core = AlertmanagerCore(config: cfg, now: 0)
        _ = core.receive([F.alert(["alertname": "A"])], now: 0)
        let stored = try #require(core.store.all.first)
        #expect(stored.endsAt == 60_000 && stored.isTimeout && stored.startsAt == 0)
        var sent = core.advance(to: 30_000)
        #expect(sent.map { "\($0.notification.integration)" } == ["webhook[0]", "slack[0]"])
        sent = core.advance(to: 330_000)
        // webhook (send_resolved default true) gets the resolution; slack (false) gets nothing (§11.1)…
        #expect(sent.map { "\($0.notification.integration)" } == ["webhook[0]"])
        #expect(sent.first?.notification.status == .resolved)
        #expect(sent.first?.notification.alerts.first?.endsAt == 60_000)
        // …but its log entry records the all-resolved state.
        let key = NotificationLog.Key(groupKey: "{}:{}", receiver: "team", integration: IntegrationID(kind: "slack", index: 0))
        #expect(core.notificationLog[key]?.firing.isEmpty == true)
        #expect(core.notificationLog[key]?.timestamp == 330_000)
        #expect(core.advance(to: 2_000_000).isEmpty, "resolved alerts are notified once")
        // The store keeps resolved alerts until the 30m alert GC.
        #expect(core.store.count == 0)
    }

    // §2 step 7: merge rules of repeated posts.
    @Test func storeMerge_spec2_7() {
        var store = AlertStore()
        let labels = Labels(["alertname": "A"])
        // Prometheus re-send: same startsAt, later endsAt → replacement.
        store.put(Alert(labels: labels, startsAt: 1_000, endsAt: 5_000, updatedAt: 1_000), now: 1_000)
        store.put(Alert(labels: labels, startsAt: 1_000, endsAt: 9_000, updatedAt: 2_000), now: 2_000)
        #expect(store[labels.fingerprint.asFingerprint]?.endsAt == 9_000)
        // Overlap: the earlier startsAt survives; an older explicit later endsAt wins over a newer firing one.
        store.put(Alert(labels: labels, startsAt: 3_000, endsAt: 8_000, updatedAt: 3_000), now: 3_000)
        #expect(store[labels.fingerprint.asFingerprint]?.startsAt == 1_000)
        #expect(store[labels.fingerprint.asFingerprint]?.endsAt == 9_000)
        // …unless the older endsAt came from resolve_timeout.
        var s2 = AlertStore()
        s2.put(Alert(labels: labels, startsAt: 1_000, endsAt: 301_000, updatedAt: 1_000, isTimeout: true), now: 1_000)
        s2.put(Alert(labels: labels, startsAt: 1_000, endsAt: 100_000, updatedAt: 2_000), now: 2_000)
        #expect(s2[labels.fingerprint.asFingerprint]?.endsAt == 100_000)
        // Both resolved: the later resolution wins.
        var s3 = AlertStore()
        s3.put(Alert(labels: labels, startsAt: 1_000, endsAt: 50_000, updatedAt: 1_000), now: 1_000)
        s3.put(Alert(labels: labels, startsAt: 2_000, endsAt: 40_000, updatedAt: 60_000), now: 60_000)
        #expect(s3[labels.fingerprint.asFingerprint]?.endsAt == 50_000)
        #expect(s3[labels.fingerprint.asFingerprint]?.startsAt == 1_000)
        #expect(s3.collectGarbage(now: 60_000).count == 1 && s3.count == 0)
    }

    // §2 steps 5–6: invalid alerts are reported, valid ones of the same request stored.
    @Test func validation_spec2_5() throws {
        let cfg = try F.config("route: {receiver: web}\nreceivers: [{name: web}]")
        var core = AlertmanagerCore(config: cfg, now: 0)
        let r = core.receive([
            F.alert([:]),
            F.alert(["a": "1"], startsAt: 5_000, endsAt: 4_000),
            F.alert(["bad-name": "1"]),
            F.alert(["ok": "1", "empty": ""]),
        ], now: 10_000)
        #expect(r.errors.map(\.message) == ["at least one label pair required", "start time must be before end time",
                                            #"invalid label set: invalid name "bad-name""#])
        #expect(r.errorMessage == #"at least one label pair required; start time must be before end time; invalid label set: invalid name "bad-name""#)
        #expect(core.store.all.map(\.labels) == [Labels(["ok": "1"])], "empty label values are dropped (§2 step 4)")
        // startsAt zero with endsAt set → startsAt = endsAt (§2 step 2).
        _ = core.receive([F.alert(["b": "1"], endsAt: 20_000)], now: 10_000)
        #expect(core.store.all.first { $0.labels == Labels(["b": "1"]) }?.startsAt == 20_000)
    }

    @Test func fingerprintAndHashes_spec2_1() {
        let l = Labels(["alertname": "HighLoad", "cluster": "c1", "instance": "h1:9100", "job": "node", "severity": "warning"])
        #expect(Fingerprint(l).description == "b6f27a251ef24a84")
        #expect(Fingerprint(Labels.empty).description == "cbf29ce484222325")
    }

    // §4.4: job, then instance (having the label sorts first), then label sets.
    @Test func alertOrder_spec4_4() throws {
        let cfg = try F.config("""
            global: {resolve_timeout: 1h}
            route: {receiver: web, group_wait: 1s}
            receivers: [{name: web, webhook_configs: [{url: 'http://sink/'}]}]
            """)
        var core = AlertmanagerCore(config: cfg, now: 0)
        _ = core.receive([
            F.alert(["alertname": "E"]),
            F.alert(["alertname": "D", "instance": "b"]),
            F.alert(["alertname": "C", "job": "z"]),
            F.alert(["alertname": "B", "job": "a", "instance": "y"]),
            F.alert(["alertname": "A", "job": "a", "instance": "x"]),
        ], now: 0)
        let firstSent = core.advance(to: 1_000).first?.notification
        let n = try #require(firstSent)
        #expect(n.alerts.map { $0.labels.get("alertname") } == ["A", "B", "C", "D", "E"])
    }

    // §3: `continue: true` sends the alert to both routes, each with its own group and key.
    @Test func continueFansOut_spec3() throws {
        let cfg = try F.config("""
            route:
              receiver: web
              group_by: [alertname]
              group_wait: 1s
              routes:
                - {matchers: ['team="multi"'], continue: true, receiver: web}
                - {matchers: ['team="multi"'], receiver: slack}
            receivers:
              - {name: web, webhook_configs: [{url: 'http://web/'}]}
              - {name: slack, webhook_configs: [{url: 'http://slack/'}]}
            """)
        var core = AlertmanagerCore(config: cfg, now: 0)
        _ = core.receive([F.alert(["alertname": "MultiTest", "team": "multi"])], now: 0)
        #expect(core.receivers(for: Labels(["alertname": "MultiTest", "team": "multi"])) == ["web", "slack"])
        let sent = core.advance(to: 1_000).map(\.notification)
        #expect(sent.map(\.receiver).sorted() == ["slack", "web"])
        #expect(Set(sent.map(\.groupKey)) == [#"{}/{team="multi"}:{alertname="MultiTest"}"#], "sibling keys collide (§3)")
        #expect(core.aggregationGroups.count == 2, "but the groups are kept apart")
    }

    // §4.3 step 4, §11.2: a failed integration is retried at the next tick; the others are deduped.
    @Test func failedDeliveryRetriesAtNextTick_spec4_3() throws {
        let cfg = try F.config("""
            global: {resolve_timeout: 1h}
            route: {receiver: r, group_wait: 1s, group_interval: 10s}
            receivers: [{name: r, webhook_configs: [{url: 'http://ok/'}, {url: 'http://fail/'}]}]
            """)
        var core = AlertmanagerCore(config: cfg, now: 0)
        _ = core.receive([F.alert(["alertname": "A"])], now: 0)
        let deliver: (Alerting.Notification) -> DeliveryResult = { $0.integration.index == 1 ? .failed(reason: "500") : .delivered }
        var sent = core.advance(to: 1_000, deliver: deliver)
        #expect(sent.map { "\($0.notification.integration)" } == ["webhook[0]", "webhook[1]"])
        #expect(sent.first?.notification.deadline == 11_000, "deadline = max(group_interval, 10s)")
        sent = core.advance(to: 11_000, deliver: deliver)
        #expect(sent.map { "\($0.notification.integration)" } == ["webhook[1]"])
        sent = core.advance(to: 21_000)
        #expect(sent.map { "\($0.notification.integration)" } == ["webhook[1]"])
        #expect(core.advance(to: 31_000).isEmpty)
    }

    // A group whose flush is still being delivered does not flush again; it is due right after.
    @Test func inFlightFlushDefersTimer() throws {
        let cfg = try F.config("""
            global: {resolve_timeout: 1h}
            route: {receiver: r, group_wait: 1s, group_interval: 2s, repeat_interval: 1s}
            receivers: [{name: r, webhook_configs: [{url: 'http://ok/'}]}]
            """)
        var core = AlertmanagerCore(config: cfg, now: 0)
        _ = core.receive([F.alert(["alertname": "A"])], now: 0)
        let first = core.tick(now: 1_000).deliveries.first
        let d = try #require(first)
        #expect(core.tick(now: 3_000).deliveries.isEmpty)
        #expect(core.outstandingDeliveries == 1)
        let after = core.complete(d.id, result: .delivered, now: 2_000)
        #expect(after.contains(.persistNotificationLog))
        #expect(core.nextFlush == 3_000)
        #expect(core.tick(now: 12_000).deliveries.count == 1, "repeat due")
    }
}

extension UInt64 {
    var asFingerprint: Fingerprint { Fingerprint(self) }
}

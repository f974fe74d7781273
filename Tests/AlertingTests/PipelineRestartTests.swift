@testable import Alerting
import Foundation
import Model
import Testing

@Suite struct PipelineRestartTests {
    typealias F = PipelineFixtures

    static let yaml = """
        global: {resolve_timeout: 1h}
        route: {receiver: r, group_by: [alertname], group_wait: 30s, group_interval: 5m, repeat_interval: 4h}
        receivers: [{name: r, webhook_configs: [{url: 'http://sink/'}]}]
        """

    // §6 last bullet + §1.1 "Reload": the notification log survives a restart, so the restarted
    // core neither repeats what was sent nor drops what was not.
    @Test func restartInTheMiddle_noDuplicateNoDrop_spec6() throws {
        let cfg = try F.config(Self.yaml)
        let a1 = F.alert(["alertname": "A", "i": "1"], startsAt: 0)
        let a2 = F.alert(["alertname": "A", "i": "2"], startsAt: 60_000)
        var before = AlertmanagerCore(config: cfg, now: 0)
        _ = before.receive([a1], now: 0)
        #expect(before.advance(to: 30_000).count == 1)
        _ = before.receive([a2], now: 60_000)
        // Crash at 90s: a2 was received but its flush (at 330s) never happened.
        let snapshot = try before.notificationLog.snapshot()

        var log = NotificationLog()
        try log.restore(from: snapshot)
        var after = AlertmanagerCore(config: cfg, now: 100_000, notificationLog: log)
        // The rules re-send what is firing. Old alerts make the new group due immediately (§4.2).
        let r = after.receive([a1], now: 100_000)
        #expect(r.actions.wakeup == 100_000)
        #expect(after.advance(to: 100_000).isEmpty, "a1 was already notified: no duplicate")
        _ = after.receive([a2], now: 110_000)
        let sent = after.advance(to: 400_000)
        #expect(sent.map(\.at) == [400_000], "a2 goes out at the next group_interval tick: no drop")
        #expect(sent.first?.notification.alerts.count == 2)
    }

    // §1.1 Reload: groups are recreated, silences and the log survive → no re-notification.
    @Test func reloadKeepsLog_spec1_1() throws {
        let cfg = try F.config(Self.yaml)
        var core = AlertmanagerCore(config: cfg, now: 0)
        _ = core.receive([F.alert(["alertname": "A"], startsAt: 0)], now: 0)
        #expect(core.advance(to: 30_000).count == 1)
        let actions = core.reload(config: cfg, now: 40_000)
        #expect(actions.wakeup == 40_000, "old alerts in a new group flush at once (§4.2)")
        #expect(core.advance(to: 40_000).isEmpty)
        #expect(core.aggregationGroups.first?.hasFlushed == true)
    }

    @Test func notificationLogSnapshotRoundTrip_spec6() throws {
        var log = NotificationLog()
        let key = NotificationLog.Key(groupKey: #"{}:{alertname="A"}"#, receiver: "r", integration: IntegrationID(kind: "webhook", index: 1))
        log.record(key, firing: [1, 0xffff_ffff_ffff_ffff], resolved: [7], repeatInterval: 3_600_000, now: 1_000)
        let expiresAt = log[key]?.expiresAt
        #expect(expiresAt == Int64(7_201_000), "expires after min(retention, 2 × repeat_interval)")
        var back = NotificationLog()
        try back.restore(from: try log.snapshot())
        #expect(back[key] == log[key])
        #expect(back.collectGarbage(now: 7_201_000) == 1)
    }

    // §6 dedup rules, one per line.
    @Test func needsUpdate_spec6() {
        var log = NotificationLog()
        let k = NotificationLog.Key(groupKey: "g", receiver: "r", integration: IntegrationID(kind: "webhook", index: 0))
        #expect(!log.needsUpdate(k, firing: [], resolved: [1], sendResolved: true, repeatInterval: 100, now: 0), "1: no entry, nothing firing")
        #expect(log.needsUpdate(k, firing: [1], resolved: [], sendResolved: true, repeatInterval: 100, now: 0), "1: no entry, firing")
        log.record(k, firing: [1, 2], resolved: [], repeatInterval: 100, now: 0)
        #expect(log.needsUpdate(k, firing: [1, 3], resolved: [], sendResolved: false, repeatInterval: 100, now: 1), "2: new firing alert")
        #expect(!log.needsUpdate(k, firing: [1], resolved: [], sendResolved: true, repeatInterval: 100, now: 1), "disappearing alert: nothing")
        #expect(log.needsUpdate(k, firing: [], resolved: [1, 2], sendResolved: false, repeatInterval: 100, now: 1), "3: all resolved")
        #expect(log.needsUpdate(k, firing: [1], resolved: [2], sendResolved: true, repeatInterval: 100, now: 1), "4: new resolved")
        #expect(!log.needsUpdate(k, firing: [1], resolved: [2], sendResolved: false, repeatInterval: 100, now: 1), "4: send_resolved off")
        #expect(!log.needsUpdate(k, firing: [1, 2], resolved: [], sendResolved: true, repeatInterval: 100, now: 100), "5: not strictly past")
        #expect(log.needsUpdate(k, firing: [1, 2], resolved: [], sendResolved: true, repeatInterval: 100, now: 101), "5: repeat")
    }

    @Test func xxHash64Vectors() {
        // Published xxHash64 (seed 0) test vectors; the nflog hashes alerts with it (§6).
        #expect(XXHash64.hash(Array("".utf8)) == 0xef46_db37_51d8_e999)
        #expect(XXHash64.hash(Array("abc".utf8)) == 0x44bc_2cf5_ad77_0999)
        #expect(XXHash64.hash(Array("Nobody inspects the spammish repetition".utf8)) == 0xfbce_a83c_8a37_8bf1)
    }

    // The real-time driver: injected clock, files on disk, restart with the same directory.
    @Test func dispatcherPersistsAndRestores() async throws {
        let dir = F.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cfg = try F.config(Self.yaml)
        let clock = ManualClock(0)
        let sender = RecordingSender()
        let d1 = try Dispatcher.restoring(config: cfg, sender: sender, clock: clock, storage: PipelineStorage(directory: dir))
        let errors = await d1.receive([F.alert(["alertname": "A"], startsAt: 0)])
        #expect(errors.isEmpty)
        clock.set(10_000)
        #expect(await d1.step() == 30_000)
        #expect(await sender.sent.isEmpty)
        clock.set(30_000)
        await d1.step()
        #expect(await sender.sent.count == 1)
        let sid = try await d1.setSilence(Silence(matchers: try MatcherParser.parseMatchers("alertname=B"), startsAt: 30_000,
                                                  endsAt: 3_600_000, createdBy: "t", comment: "c"))
        #expect(FileManager.default.fileExists(atPath: dir + "/nflog"))
        #expect(FileManager.default.fileExists(atPath: dir + "/silences"))

        // Restart at 60s with the same storage: the silence and the log are back.
        clock.set(60_000)
        let sender2 = RecordingSender()
        let d2 = try Dispatcher.restoring(config: cfg, sender: sender2, clock: clock, storage: PipelineStorage(directory: dir))
        #expect(await d2.withCore { $0.silences[sid]?.comment } == "c")
        _ = await d2.receive([F.alert(["alertname": "A"], startsAt: 0), F.alert(["alertname": "B"], startsAt: 0)])
        await d2.step()
        #expect(await sender2.sent.isEmpty, "A was notified before the restart; B is silenced")
        // A failing receiver is retried at the next tick.
        _ = await d2.receive([F.alert(["alertname": "C"], startsAt: 60_000)])
        await sender2.setResult(.failed(reason: "boom"))
        clock.set(90_000)
        await d2.step()
        #expect(await sender2.sent.map(\.groupKey) == [#"{}:{alertname="C"}"#])
        await sender2.setResult(.delivered)
        clock.set(390_000)
        await d2.step()
        #expect(await sender2.sent.count == 2)
    }

    // run(): wakes for new alerts, ticks at deadlines, stops on cancellation.
    @Test func dispatcherRunLoop() async throws {
        let cfg = try F.config(Self.yaml)
        let clock = ManualClock(0)
        let sender = RecordingSender()
        let d = Dispatcher(core: AlertmanagerCore(config: cfg, now: 0), sender: sender, clock: clock)
        try await withThrowingTaskGroup(of: Void.self) { g in
            g.addTask { await d.run() }
            _ = await d.receive([F.alert(["alertname": "A"], startsAt: 0)])
            clock.set(30_000)
            while await sender.sent.isEmpty { await Task.yield() }
            g.cancelAll()
        }
        #expect(await sender.sent.count == 1)
    }
}

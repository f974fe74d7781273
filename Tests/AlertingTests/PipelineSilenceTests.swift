import Alerting
import Foundation
import Model
import Testing

@Suite struct PipelineSilenceTests {
    typealias F = PipelineFixtures
    static let hour: Int64 = 3_600_000

    func m(_ s: String) throws -> [Matcher] { try MatcherParser.parseMatchers(s) }

    // §7: create clamps a past start to now; the silence mutes matching alerts while active.
    @Test func createMatchAndExpire_spec7() throws {
        var s = F.silences()
        let id = try s.set(Silence(matchers: try m(#"{alertname="A",env=~"prod|stage"}"#), startsAt: 500, endsAt: Self.hour,
                                   createdBy: "me", comment: "c"), now: 1_000)
        #expect(id == "s1")
        #expect(s[id]?.startsAt == 1_000 && s[id]?.updatedAt == 1_000)
        #expect(s.silencedBy(Labels(["alertname": "A", "env": "prod"]), now: 2_000) == ["s1"])
        #expect(s.silencedBy(Labels(["alertname": "A", "env": "dev"]), now: 2_000).isEmpty)
        #expect(s.silencedBy(Labels(["alertname": "A"]), now: 2_000).isEmpty, "missing label = empty string")
        // endsAt itself still mutes; the API shows expired from endsAt on.
        #expect(s.silencedBy(Labels(["alertname": "A", "env": "prod"]), now: Self.hour) == ["s1"])
        #expect(s[id]?.apiState(at: Self.hour) == .expired)
        try s.expire(id: id, now: 10_000)
        #expect(s[id]?.endsAt == 10_000 && s[id]?.state(at: 10_001) == .expired)
        #expect(s.silencedBy(Labels(["alertname": "A", "env": "prod"]), now: 10_001).isEmpty)
        try s.expire(id: id, now: 20_000)  // already expired: no-op
        #expect(s[id]?.endsAt == 10_000)
        #expect(throws: SilenceError.notFound) { try s.expire(id: "nope", now: 20_000) }
        // A pending silence expires with start = end = now.
        let p = try s.set(Silence(matchers: try m("a=b"), startsAt: Self.hour, endsAt: 2 * Self.hour, createdBy: "", comment: ""), now: 20_000)
        try s.expire(id: p, now: 30_000)
        #expect(s[p]?.startsAt == 30_000 && s[p]?.endsAt == 30_000)
    }

    // §7 validation messages.
    @Test(arguments: [
        ("", 2_000 as Int64, 3_000 as Int64, "silence invalid: at least one matcher required"),
        (#"a=~".*""#, 2_000, 3_000, "silence invalid: at least one matcher must not match the empty string"),
        ("a=b", 3_000, 3_000, "Failed to create silence: start time must be before end time"),
        ("a=b", 3_000, 2_000, "Failed to create silence: start time must be before end time"),
        ("a=b", 100, 500, "Failed to create silence: end time can't be in the past"),
    ])
    func validation_spec7(matchers: String, start: Int64, end: Int64, message: String) throws {
        var s = F.silences()
        let ms = matchers.isEmpty ? [] : try m(matchers)
        do {
            _ = try s.set(Silence(matchers: ms, startsAt: start, endsAt: end, createdBy: "", comment: ""), now: 1_000)
            Issue.record("accepted")
        } catch {
            #expect(error.description == message)
        }
        #expect(s.count == 0)
    }

    // §7 update: in place when allowed, otherwise the old one expires and a new id is returned.
    @Test func updateGivesNewIDWhenActiveSilenceChanges_spec7() throws {
        var s = F.silences()
        let id = try s.set(Silence(matchers: try m("a=b"), startsAt: 1_000, endsAt: Self.hour, createdBy: "x", comment: "c"), now: 1_000)
        // Same matchers, same start second, later end: in place.
        var upd = try #require(s[id])
        upd.endsAt = 2 * Self.hour
        upd.comment = "longer"
        #expect(try s.set(upd, now: 5_000) == id)
        #expect(s[id]?.endsAt == 2 * Self.hour && s[id]?.updatedAt == 5_000)
        // Changed matcher: new id, the old one expired at now.
        var changed = try #require(s[id])
        changed.matchers = try m("a=c")
        let newID = try s.set(changed, now: 6_000)
        #expect(newID == "s2")
        #expect(s[id]?.endsAt == 6_000)
        #expect(s[newID]?.startsAt == 6_000, "start clamped to now")
        // Changed start of an active silence: new id too.
        var moved = try #require(s[newID])
        moved.startsAt = 7_000
        #expect(try s.set(moved, now: 7_000) == "s3")
        // Unknown id → not found (amtool `silence import` retries without id).
        var unknown = moved
        unknown.id = "zzz"
        #expect(throws: SilenceError.notFound) { try s.set(unknown, now: 8_000) }
        // Pending silence: start may move as long as it is not in the past.
        let p = try s.set(Silence(matchers: try m("p=1"), startsAt: Self.hour, endsAt: 2 * Self.hour, createdBy: "", comment: ""), now: 8_000)
        var pend = try #require(s[p])
        pend.startsAt = Self.hour / 2
        #expect(try s.set(pend, now: 9_000) == p)
    }

    @Test func queryFilterAndOrder_spec12() throws {
        var s = F.silences()
        let a = try s.set(Silence(matchers: try m(#"c=~"x.*""#), startsAt: 1_000, endsAt: 50_000, createdBy: "", comment: ""), now: 1_000)
        let b = try s.set(Silence(matchers: try m("d=1"), startsAt: 1_000, endsAt: 40_000, createdBy: "", comment: ""), now: 1_000)
        let c = try s.set(Silence(matchers: try m("d=1"), startsAt: 20_000, endsAt: 40_000, createdBy: "", comment: ""), now: 1_000)
        try s.expire(id: b, now: 2_000)
        #expect(s.query(now: 3_000).map(\.id) == [a, c, b])
        #expect(s.query(filter: try m(#"c=~"x.*""#), now: 3_000).map(\.id) == [a])
        #expect(s.query(filter: try m("c=x.*"), now: 3_000).isEmpty, "filters compare text, no evaluation")
        // Retention: gone after endsAt + retention.
        #expect(s.collectGarbage(now: 2_000 + Silences.defaultRetention + 1) == 1)
    }

    // §7 "snapshotted": written atomically, reloaded on start.
    @Test func persistenceAcrossRestart_spec7() throws {
        let dir = F.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = SnapshotFile(path: dir + "/silences")
        var s = F.silences()
        _ = try s.set(Silence(matchers: try m(#"{a="b",c!~"x|y"}"#), startsAt: 1_000, endsAt: Self.hour, createdBy: "me", comment: "why"), now: 1_000)
        let e = try s.set(Silence(matchers: try m("z=1"), startsAt: 1_000, endsAt: Self.hour, createdBy: "me", comment: ""), now: 1_000)
        try s.expire(id: e, now: 2_000)
        try file.write(try s.snapshot())
        #expect(!FileManager.default.fileExists(atPath: dir + "/silences.tmp"))
        var restored = Silences()
        try restored.restore(from: try #require(try file.read()))
        #expect(restored.all == s.all)
        #expect(restored.silencedBy(Labels(["a": "b", "c": "q"]), now: 3_000) == ["s1"])
        #expect(try SnapshotFile(path: dir + "/missing").read() == nil)
    }

    // §5 stage 5 + §6 consequences: a silenced alert is not sent; when the silence expires the
    // group is sent again once the alert is new to the log.
    @Test func silencedAlertsAreNotNotified_spec5() throws {
        let cfg = try F.config("""
            global: {resolve_timeout: 1h}
            route: {receiver: r, group_wait: 1s, group_interval: 10s}
            receivers: [{name: r, webhook_configs: [{url: 'http://sink/'}]}]
            """)
        var core = AlertmanagerCore(config: cfg, now: 0, silences: F.silences())
        let id = try core.silences.set(Silence(matchers: try m("alertname=A"), startsAt: 0, endsAt: 15_000, createdBy: "", comment: ""), now: 0)
        _ = core.receive([F.alert(["alertname": "A"]), F.alert(["alertname": "B"])], now: 0)
        var sent = core.advance(to: 1_000)
        #expect(sent.first?.notification.summary == ["B:firing"])
        #expect(core.status(of: Labels(["alertname": "A"]), now: 1_000) == AlertStatus(state: .suppressed, silencedBy: [id], inhibitedBy: []))
        sent = core.advance(to: 21_000)
        #expect(sent.map(\.at) == [21_000], "A is new to the log once the silence ended at 15s")
        #expect(sent.first?.notification.summary == ["A:firing", "B:firing"])
    }
}

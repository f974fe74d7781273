import Model
import PromQL
import Testing
@testable import Rules

/// Step-indexed alert life cycle (rules-spec §4.3), evaluating at explicit times.
@Suite struct AlertingRuleTests {
    func makeRule(for hold: Int64, keepFiringFor: Int64 = 0) throws -> AlertingRule {
        var r = AlertingRule(name: "Down", expr: try PromQLParser.parse("up == 0"), holdDuration: hold, keepFiringFor: keepFiringFor,
                             labels: ["severity": "page"], annotations: [:], externalLabels: [:], externalURL: "")
        r.isRestored = true
        return r
    }

    /// `up` is 0 for minutes 0...3, then 1.
    func store() -> MemoryStore {
        let s = MemoryStore()
        let l = Labels(["__name__": "up", "instance": "a"])
        for m in 0..<10 { s.add(l, Int64(m) * 60_000, m <= 3 ? 0 : 1) }
        return s
    }

    @Test func inactiveToPendingToFiringToResolved() throws {
        let s = store()
        let q = EngineQuerier(engine: Engine(), store: s)
        var r = try makeRule(for: 120_000)
        var states: [Alert.State?] = []
        for m in 0..<6 {
            _ = try r.evaluate(at: Int64(m) * 60_000, using: q, limit: 0)
            states.append(r.active.values.first?.state)
        }
        #expect(states == [.pending, .pending, .firing, .firing, .inactive, .inactive])
        #expect(r.active.values.first?.resolvedAt == 240_000)
    }

    @Test func keepFiringForHoldsAfterTheConditionClears() throws {
        let q = EngineQuerier(engine: Engine(), store: store())
        var r = try makeRule(for: 0, keepFiringFor: 120_000)
        var firing: [Bool] = []
        for m in 0..<7 {
            _ = try r.evaluate(at: Int64(m) * 60_000, using: q, limit: 0)
            firing.append(!r.firingAlerts.isEmpty)
        }
        // Condition false from 4m: kept at 4m and 5m, resolved once 2m have elapsed (6m).
        #expect(firing == [true, true, true, true, true, true, false])
    }

    @Test func alertsSeriesCarryStateAndActiveAt() throws {
        let q = EngineQuerier(engine: Engine(), store: store())
        var r = try makeRule(for: 60_000)
        _ = try r.evaluate(at: 0, using: q, limit: 0)
        let out = try r.evaluate(at: 60_000, using: q, limit: 0)
        #expect(out.map(\.labels.description).sorted() == [
            "{__name__=\"ALERTS\", alertname=\"Down\", alertstate=\"firing\", instance=\"a\", severity=\"page\"}",
            "{__name__=\"ALERTS_FOR_STATE\", alertname=\"Down\", instance=\"a\", severity=\"page\"}",
        ])
        #expect(out.map(\.v).sorted() == [0, 1])
    }

    @Test func duplicateLabelSetsFailBeforeStateChanges() throws {
        let s = store()
        s.add(Labels(["__name__": "up", "instance": "b"]), 0, 0)
        let q = EngineQuerier(engine: Engine(), store: s)
        // The rule label overwrites `instance`, so both samples yield the same alert labels.
        var r = AlertingRule(name: "Dup", expr: try PromQLParser.parse("up == 0"),
                             holdDuration: 0, keepFiringFor: 0, labels: ["instance": "same"], annotations: [:], externalLabels: [:], externalURL: "")
        #expect(throws: AlertingRule.DuplicateError.self) { try r.evaluate(at: 0, using: q, limit: 0) }
        #expect(r.active.isEmpty)
    }
}

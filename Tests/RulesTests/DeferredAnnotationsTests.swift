import Model
import PromQL
import Testing
@testable import Rules

/// Annotations expanded when read (`DeferredAnnotations`) say what expanding at the evaluation
/// said; templates that query the store are still expanded at the evaluation.
@Suite struct DeferredAnnotationsTests {
    func rule(_ annotations: [String: String], labels: [String: String] = ["severity": "page"]) throws -> AlertingRule {
        AlertingRule(name: "Slow", expr: try PromQLParser.parse("latency > 1"), holdDuration: 0, keepFiringFor: 0,
                     labels: labels, annotations: annotations, externalLabels: ["region": "eu"], externalURL: "http://k")
    }

    func store() -> MemoryStore {
        let s = MemoryStore()
        for (i, m) in ["a", "b"].enumerated() {
            for k in 0..<5 { s.add(Labels(["__name__": "latency", "model": m]), Int64(k) * 60_000, 1.5 + Double(i * 100 + k)) }
        }
        return s
    }

    static let texts = [
        "summary": "{{ $labels.model }} is slow in {{ $externalLabels.region }}",
        "description": "p95 {{ $value | humanizeDuration }} ({{ printf \"%.3f\" $value }}) see {{ $externalURL }}",
        "runbook_url": "https://example.com/Slow.md",
        "broken": "{{ $value | nosuchfunction }}",
    ]

    @Test func deferredTextsEqualEagerOnes() throws {
        let s = store()
        let q = EngineQuerier(engine: Engine(), store: s)
        var deferred = try rule(Self.texts)
        // A label template with an action makes the rule expand at once: the reference.
        var eager = try rule(Self.texts, labels: ["severity": "{{ \"page\" }}"])
        for m in 0..<4 {
            _ = try deferred.evaluate(at: Int64(m) * 60_000, using: q, limit: 0)
            _ = try eager.evaluate(at: Int64(m) * 60_000, using: q, limit: 0)
        }
        #expect(deferred.active.values.allSatisfy { $0.deferred != nil })
        #expect(eager.active.values.allSatisfy { $0.deferred == nil })
        let got = deferred.active.values.sorted { $0.labels < $1.labels }.map(\.annotations)
        let want = eager.active.values.sorted { $0.labels < $1.labels }.map(\.annotations)
        #expect(got.count == 2 && got == want)
        #expect(got[1].first { $0.name == "description" }?.value == "p95 1m 44s (104.500) see http://k")
        #expect(got[0].first { $0.name == "broken" }?.value.contains("nosuchfunction") == true)
    }

    @Test func templatesThatQueryAreExpandedAtTheEvaluation() throws {
        let s = store()
        let q = EngineQuerier(engine: Engine(), store: s)
        var r = try rule(["count": "{{ query \"count(latency)\" | first | value }}"])
        _ = try r.evaluate(at: 60_000, using: q, limit: 0)
        #expect(r.active.values.allSatisfy { $0.deferred == nil })
        // More series after the evaluation do not change what it said.
        s.add(Labels(["__name__": "latency", "model": "c"]), 60_000, 9)
        #expect(r.active.values.map { $0.annotations.first?.value } == ["2", "2"])
    }
}

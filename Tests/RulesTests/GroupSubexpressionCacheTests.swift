import Model
import PromQL
import Testing
@testable import Rules

/// One group evaluation shares identical subexpressions between its rules
/// (`SubexpressionCache`), and a rule's output stays visible to the rules after it.
@Suite struct GroupSubexpressionCacheTests {
    /// Records the cache statistics each query saw.
    final class Spy: InstantQuerier {
        let inner: EngineQuerier
        var hitsSeen: [Int] = []
        init(_ inner: EngineQuerier) { self.inner = inner }
        func query(_ expr: Expr, at t: Int64) throws -> [VectorSample] { try inner.query(expr, at: t) }
        func query(_ expr: Expr, at t: Int64, sharing cache: SubexpressionCache?) throws -> [VectorSample] {
            defer { hitsSeen.append(cache?.hits ?? -1) }
            return try inner.query(expr, at: t, sharing: cache)
        }
    }

    func record(_ name: String, _ expr: String) throws -> Rule {
        .recording(RecordingRule(name: name, expr: try PromQLParser.parse(expr), labels: [:]))
    }

    func value(_ q: String, _ s: MemoryStore, at t: Int64) throws -> [VectorSample] {
        guard case .vector(let v) = try Engine().instantQuery(q, at: t, on: s) else { return [] }
        return v
    }

    @Test func identicalSubexpressionsAreEvaluatedOncePerGroupEvaluation() throws {
        let s = MemoryStore()
        for i in 0..<3 {
            for k in 0...40 { s.add(Labels(["__name__": "x", "i": String(i)]), Int64(k) * 15_000, Double(k * i)) }
        }
        let spy = Spy(EngineQuerier(engine: Engine(), store: s))
        var g = RuleGroup(name: "g", file: "f", interval: 60_000, limit: 0, rules: [
            try record("high", "sum by (i) (rate(x[5m])) > 0.05"),
            try record("higher", "sum by (i) (rate(x[5m])) > 0.1"),
        ])
        g.evaluate(at: 600_000, using: spy, storage: s)
        #expect(g.lastErrors == [nil, nil])
        #expect(spy.hitsSeen == [0, 1])
        // The same outputs as evaluating each expression on its own.
        #expect(try value("high", s, at: 600_000).map(\.v) == (try value("sum by (i) (rate(x[5m])) > 0.05", s, at: 600_000)).map(\.v))
        #expect(try value("higher", s, at: 600_000).count == 1)
        // A new evaluation starts empty.
        g.evaluate(at: 615_000, using: spy, storage: s)
        #expect(spy.hitsSeen == [0, 1, 0, 1])
    }

    @Test func aRuleSeesWhatAnEarlierRuleWroteAtTheSameTimestamp() throws {
        let s = MemoryStore()
        s.add(Labels(["__name__": "other"]), 0, 1)
        var g = RuleGroup(name: "g", file: "f", interval: 60_000, limit: 0, rules: [
            try record("before", "count(level)"),
            try record("level", "vector(7)"),
            try record("after", "count(level)"),
        ])
        g.evaluate(at: 60_000, using: EngineQuerier(engine: Engine(), store: s), storage: s)
        #expect(g.lastErrors == [nil, nil, nil])
        #expect(try value("before", s, at: 60_000).isEmpty)
        #expect(try value("after", s, at: 60_000).map(\.v) == [1])
    }
}

import Foundation
import Model
import PromQL
import PromQLTesting
import Testing

/// Klaxon's own engine scripts in fixtures/promql/ (expectations taken from promtool 2.42).
@Suite struct FixtureScriptTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/promql")

    static var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".test") }.sorted()
    }

    @Test(arguments: files)
    func script(_ name: String) throws {
        let text = try String(contentsOf: Self.directory.appendingPathComponent(name), encoding: .utf8)
        let results = ScriptRunner().run(try TestScript(parsing: text))
        for r in results {
            if case .failed(let why) = r.outcome { Issue.record("\(name):\(r.line): \(r.expr)\n  \(why)") }
        }
        #expect(results.count > 10)
    }

    @Test func fixturesExist() { #expect(!Self.files.isEmpty) }
}

/// The runner itself must notice wrong expectations, or conformance proves nothing.
@Suite struct ScriptRunnerTests {
    func outcomes(_ script: String) throws -> [ScriptRunner.Outcome] {
        ScriptRunner().run(try TestScript(parsing: script)).map(\.outcome)
    }

    @Test func wrongValueFails() throws {
        let o = try outcomes("load 1m\n  x{a=\"1\"} 1 2 3\n\neval instant at 2m x\n  x{a=\"1\"} 4\n")
        guard case .failed = o[0] else { Issue.record("expected failure, got \(o)"); return }
    }

    @Test func missingAndExtraSamplesFail() throws {
        let o = try outcomes("load 1m\n  x{a=\"1\"} 1\n  x{a=\"2\"} 1\n\neval instant at 0m x\n  x{a=\"1\"} 1\n\neval instant at 0m x{a=\"1\"}\n  x{a=\"1\"} 1\n  x{a=\"3\"} 1\n")
        #expect(o.allSatisfy { if case .failed = $0 { true } else { false } })
    }

    @Test func wrongOrderFailsOnlyWhenOrdered() throws {
        let base = "load 1m\n  x{a=\"1\"} 1\n  x{a=\"2\"} 2\n\n"
        let ordered = try outcomes(base + "eval_ordered instant at 0m sort_desc(x)\n  x{a=\"1\"} 1\n  x{a=\"2\"} 2\n")
        guard case .failed = ordered[0] else { Issue.record("expected failure"); return }
        let unordered = try outcomes(base + "eval instant at 0m sort_desc(x)\n  x{a=\"1\"} 1\n  x{a=\"2\"} 2\n")
        #expect(unordered == [.passed])
    }

    @Test func evalFailNeedsAnError() throws {
        let o = try outcomes("load 1m\n  x 1\n\neval_fail instant at 0m x\n")
        guard case .failed = o[0] else { Issue.record("expected failure"); return }
    }

    @Test func seriesNotationSlots() throws {
        let slots = try SeriesNotation.expand("1 _ 3 _x2 stale 7 0+10x2 5-1x1 2x1")
        #expect(slots.count == 14)
        #expect(slots[1] == nil && slots[3] == nil && slots[4] == nil)
        #expect(StaleNaN.isStale(slots[5]!))
        #expect(slots[6...].map { $0! } == [7, 0, 10, 20, 5, 4, 2, 2])
        #expect(try SeriesNotation.expand("0.1+0.2x3").map { $0! } == [0.1, 0.30000000000000004, 0.5, 0.7])
    }
}

@Suite struct EngineLimitTests {
    func store(series: Int, samples: Int) -> MemoryStore {
        let s = MemoryStore()
        for i in 0..<series {
            let l = Labels(["__name__": "x", "i": String(i)])
            for k in 0..<samples { s.add(l, Int64(k) * 15_000, Double(k)) }
        }
        return s
    }

    @Test func sampleLimitIsAnErrorNotACrash() throws {
        var opts = EngineOptions()
        opts.maxSamples = 100
        let e = Engine(options: opts)
        #expect(throws: EvalError.tooManySamples) {
            _ = try e.instantQuery("sum(rate(x[5m]))", at: 600_000, on: store(series: 20, samples: 41))
        }
        // Under the limit the same query works.
        opts.maxSamples = 10_000
        _ = try Engine(options: opts).instantQuery("sum(rate(x[5m]))", at: 600_000, on: store(series: 20, samples: 41))
    }

    @Test func timeoutIsAnError() throws {
        var opts = EngineOptions()
        opts.timeout = .zero
        #expect(throws: EvalError.timeout) {
            _ = try Engine(options: opts).instantQuery("x", at: 0, on: store(series: 1, samples: 1))
        }
    }

    @Test func manyToManyIsAnError() throws {
        let s = MemoryStore()
        s.add(Labels(["__name__": "a", "j": "1", "i": "1"]), 0, 1)
        s.add(Labels(["__name__": "b", "j": "1", "i": "1"]), 0, 1)
        s.add(Labels(["__name__": "b", "j": "1", "i": "2"]), 0, 1)
        do {
            _ = try Engine().instantQuery("a + on(j) b", at: 0, on: s)
            Issue.record("expected an error")
        } catch let e as EvalError {
            #expect(e.message.hasPrefix("found duplicate series for the match group {j=\"1\"} on the right hand-side of the operation"))
        }
    }

    @Test func rangeQueryIsSortedAndStepAligned() throws {
        let s = store(series: 3, samples: 10)
        let m = try Engine().rangeQuery(try PromQLParser.parse("x * 2"), start: 0, end: 60_000, step: 30_000, on: s)
        #expect(m.map { $0.labels.get("i") } == ["0", "1", "2"])
        #expect(m[0].points.map(\.t) == [0, 30_000, 60_000])
        #expect(m[0].points.map(\.v) == [0, 4, 8])
    }
}

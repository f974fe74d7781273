import Foundation
import Model
import PromQL
import PromQLTesting
import Testing
@testable import TSDB

/// The TSDB as a script store: `clear` starts a new directory.
///
/// With `cutBlocks`, every load is kept aside and, before the next query, the whole data set
/// is written as blocks by the importer into a new directory, so queries read only blocks.
final class DBScriptStorage: ScriptStorage, @unchecked Sendable {
    let dir = TestDirectory("klaxon-conformance")
    var db: DB
    var generation = 0
    let cutBlocks: Bool
    var loaded: [Labels: [Int64: Double]] = [:]
    var dirty = false

    init(cutBlocks: Bool) throws {
        self.cutBlocks = cutBlocks
        db = try DB.open(dir.sub("0"))
    }

    func clear() throws {
        db.close()
        generation += 1
        db = try DB.open(dir.sub("\(generation)"))
        loaded = [:]
        dirty = false
    }

    func load(_ series: [(Labels, [(Int64, Double)])]) throws {
        if cutBlocks {
            for (l, points) in series { for (t, v) in points { loaded[l, default: [:]][t] = v } }
            dirty = true
            return
        }
        let app = db.makeAppender()
        for (l, points) in series { for (t, v) in points { try app.append(l, t, v) } }
        try app.commit()
    }

    func querier(mint: Int64, maxt: Int64) throws -> any Querier {
        if dirty {
            db.close()
            generation += 1
            let path = dir.sub("\(generation)")
            var samples: [(Labels, Int64, Double)] = []
            for (l, points) in loaded { for (t, v) in points { samples.append((l, t, v)) } }
            _ = try Importer.importSamples(samples, into: path)
            db = try DB.open(path)
            precondition(db.stats.headSeries == 0)
            dirty = false
        }
        return try db.querier(mint: mint, maxt: maxt)
    }
}

/// PromQL over the TSDB gives what it gives over the in-memory store, on Prometheus' own scripts:
/// once with everything in the head, once with everything cut into blocks.
@Suite struct DBConformanceTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/conformance/promql")

    static let files = ["aggregators", "at_modifier", "collision", "functions", "histograms", "literals",
                        "operators", "selectors", "staleness", "subquery"]

    @Test(arguments: files, [false, true])
    func upstreamScriptOnTSDB(_ name: String, _ blocks: Bool) throws {
        let dir = ProcessInfo.processInfo.environment["KLAXON_CONFORMANCE_DIR"].map(URL.init(fileURLWithPath:)) ?? Self.directory
        let text = try String(contentsOf: dir.appendingPathComponent("\(name).test"), encoding: .utf8)
        let script = try TestScript(parsing: text)
        let runner = ScriptRunner(skips: [(substring: "holt_winters(", reason: "outside the subset")])
        let results = try runner.run(script, on: DBScriptStorage(cutBlocks: blocks))
        var passed = 0
        for r in results {
            switch r.outcome {
            case .passed: passed += 1
            case .skipped: break
            case .failed(let why): Issue.record("\(name).test:\(r.line) (\(blocks ? "blocks" : "head")): \(r.expr)\n  \(why)")
            }
        }
        print("conformance on TSDB \(blocks ? "blocks" : "head") \(name).test: \(passed) passed")
        #expect(passed > 0)
    }
}

import Foundation
import Model
import PromQL
import PromQLTesting
import Testing

/// Prometheus' own engine test scripts (v2.42) run through our engine.
@Suite struct ConformanceTests {
    static let directory: URL = {
        if let d = ProcessInfo.processInfo.environment["KLAXON_CONFORMANCE_DIR"] { return URL(fileURLWithPath: d) }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/conformance/promql")
    }()

    static let files = ["aggregators", "at_modifier", "collision", "functions", "histograms", "literals",
                        "operators", "selectors", "staleness", "subquery"]

    /// The only skips: `holt_winters` was renamed in 3.x and is outside the subset.
    static let skips = [(substring: "holt_winters(", reason: "holt_winters is outside the supported subset")]

    @Test(arguments: files)
    func upstreamScript(_ name: String) throws {
        let url = Self.directory.appendingPathComponent("\(name).test")
        let text = try String(contentsOf: url, encoding: .utf8)
        let script = try TestScript(parsing: text)
        let results = ScriptRunner(skips: Self.skips).run(script)
        var passed = 0, failed = 0, skipped = 0
        for r in results {
            switch r.outcome {
            case .passed: passed += 1
            case .skipped: skipped += 1
            case .failed(let why):
                failed += 1
                Issue.record("\(name).test:\(r.line): \(r.expr)\n  \(why)")
            }
        }
        print("conformance \(name).test: \(passed) passed, \(failed) failed, \(skipped) skipped")
        #expect(passed + failed + skipped == results.count)
        #expect(!results.isEmpty)
    }
}

// A plain driver for the benchmark workloads, for profilers (perf, valgrind --tool=callgrind)
// and as a cross-check of the benchmark plugin's figures with ContinuousClock:
//
//   promql-profile rate|histogram|parse [iterations]
//
// Prints ms (or µs) per iteration and samples/s. Data set construction is not timed.

import Foundation
import KlaxonBenchData
import Model
import PromQL

let args = CommandLine.arguments
let workload = args.count > 1 ? args[1] : "rate"
let iterations = args.count > 2 ? Int(args[2])! : 10
let clock = ContinuousClock()

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}

func fmt(_ x: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", x) }

func timeQuery(_ name: String, _ query: String, _ makeStore: () -> MemoryStore, windowSamples: () -> Int, series: Int) {
    let t0 = clock.now
    let store = makeStore()
    let built = seconds(clock.now - t0)
    checkQueryShape(query, store, expectedSeries: 15)
    print("data set: \(series) series, \(windowSamples()) samples in the 5m windows (built in \(fmt(built, 1)) s)")
    let expr = try! PromQLParser.parse(query)
    let engine = Engine()
    var times: [Double] = []
    for _ in 0..<iterations {
        let s = clock.now
        let r = try! engine.instantQuery(expr, at: queryTime, on: store)
        times.append(seconds(clock.now - s))
        withExtendedLifetime(r) {}
    }
    times.sort()
    let median = times[times.count / 2]
    print("\(name): \(query)")
    print("  \(iterations) queries: min \(fmt(times[0] * 1e3)) ms, median \(fmt(median * 1e3)) ms, max \(fmt(times.last! * 1e3)) ms")
    print("  samples/s at median: \(fmt(Double(windowSamples()) / median / 1e6)) M")
}

switch workload {
case "rate":
    timeQuery("rate", rateQuery, { rateStore }, windowSamples: { rateWindowSamples }, series: rateSeriesCount)
case "histogram":
    timeQuery("histogram", histogramQuery, { histogramStore }, windowSamples: { histogramWindowSamples },
              series: histogramSeriesCount)
case "parse":
    let exprs = ruleExpressions
    var best = Double.infinity
    for _ in 0..<iterations {
        let s = clock.now
        for _ in 0..<100 { for e in exprs { withExtendedLifetime(try! PromQLParser.parse(e)) {} } }
        best = min(best, seconds(clock.now - s))
    }
    print("parse: \(exprs.count) expressions; best of \(iterations) rounds: \(fmt(best / Double(100 * exprs.count) * 1e6)) µs per expression")
default:
    print("usage: promql-profile rate|histogram|parse [iterations]")
    exit(2)
}

// PromQL engine benchmarks (ordo-one/benchmark). Run them with scripts/bench.sh.
//
// 1. `sum by (provider) (rate(x[5m]))` over 100,000 counter series, 15 s samples, 1 h loaded.
// 2. `histogram_quantile(0.95, sum by (le, provider) (rate(h_bucket[5m])))` over 10,080 bucket series.
// 3. Parsing the Gatewayz rule expressions in Benchmarks/Fixtures/rule-expressions.txt, plus every
//    `expr:` of the repository's rules/*.yml files when there are any.
// Data sets and queries: Sources/KlaxonBenchData/Datasets.swift.
//
// The query benchmarks also report `Ksamples/s`: samples inside the selector's 5m windows divided
// by the query's wall-clock time, measured per iteration.

import Benchmark
import Foundation
import KlaxonBenchData
import Model
import PromQL

let samplesPerSecond = BenchmarkMetric.custom("Ksamples/s", polarity: .prefersLarger, useScalingFactor: false)

let queryMetrics: [BenchmarkMetric] = [
    .wallClock, .cpuTotal, .throughput, .mallocCountTotal, .peakMemoryResident, samplesPerSecond,
]

func runQuery(_ benchmark: Benchmark, _ expr: Expr, _ store: MemoryStore, windowSamples: Int) throws {
    let engine = Engine()
    let clock = ContinuousClock()
    for _ in benchmark.scaledIterations {
        let start = clock.now
        let result = try engine.instantQuery(expr, at: queryTime, on: store)
        let elapsed = clock.now - start
        blackHole(result)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        benchmark.measurement(samplesPerSecond, Int((Double(windowSamples) / seconds / 1e3).rounded()))
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark(
        "Query: sum by (provider) (rate(x[5m])), 100k series",
        configuration: .init(
            metrics: queryMetrics, warmupIterations: 2, maxDuration: .seconds(15), maxIterations: 100,
            setup: {
                precondition(rateStore.seriesCount == rateSeriesCount)
                precondition(rateWindowSamples == rateSeriesCount * 20)
                checkQueryShape(rateQuery, rateStore, expectedSeries: 15)
            }
        )
    ) { benchmark in
        try runQuery(benchmark, try PromQLParser.parse(rateQuery), rateStore, windowSamples: rateWindowSamples)
    }

    Benchmark(
        "Query: histogram_quantile(0.95, sum by (le, provider) (rate(h_bucket[5m]))), 10k series",
        configuration: .init(
            metrics: queryMetrics, warmupIterations: 2, maxDuration: .seconds(10), maxIterations: 1000,
            setup: {
                precondition(histogramStore.seriesCount == histogramSeriesCount)
                precondition(histogramWindowSamples == histogramSeriesCount * 20)
                checkQueryShape(histogramQuery, histogramStore, expectedSeries: 15)
            }
        )
    ) { benchmark in
        try runQuery(benchmark, try PromQLParser.parse(histogramQuery), histogramStore,
                     windowSamples: histogramWindowSamples)
    }

    // One scaled iteration parses one expression, cycling through the list, so time and
    // allocations are reported per expression.
    Benchmark(
        "Parse: Gatewayz rule expressions (per expression)",
        configuration: .init(
            metrics: [.wallClock, .throughput, .mallocCountTotal], warmupIterations: 10,
            scalingFactor: .kilo, maxDuration: .seconds(5), maxIterations: 10_000,
            setup: { precondition(!ruleExpressions.isEmpty) }
        )
    ) { benchmark in
        let exprs = ruleExpressions
        var j = 0
        for _ in benchmark.scaledIterations {
            blackHole(try PromQLParser.parse(exprs[j]))
            j += 1
            if j == exprs.count { j = 0 }
        }
    }

    Benchmark(
        "Parse: error-ratio rule (issue example)",
        configuration: .init(
            metrics: [.wallClock, .throughput, .mallocCountTotal], warmupIterations: 10,
            scalingFactor: .kilo, maxDuration: .seconds(5), maxIterations: 10_000
        )
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try PromQLParser.parse(errorRatioRule))
        }
    }
}

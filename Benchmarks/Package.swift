// swift-tools-version: 6.1
import PackageDescription

// Benchmarks for Klaxon, in their own package so that `swift test` at the root stays fast.
// Run with scripts/bench.sh (ordo-one/benchmark's `swift package benchmark`).
let package = Package(
    name: "KlaxonBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        // Named, so that the product references below do not depend on the checkout folder's name.
        .package(name: "Klaxon", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Data sets, queries and rule expressions shared by the two executables below.
        .target(
            name: "KlaxonBenchData",
            dependencies: [
                .product(name: "Model", package: "Klaxon"),
                .product(name: "PromQL", package: "Klaxon"),
            ]
        ),
        // The benchmarks that `swift package benchmark` runs (scripts/bench.sh).
        .executableTarget(
            name: "PromQLBenchmarks",
            dependencies: [
                "KlaxonBenchData",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Model", package: "Klaxon"),
                .product(name: "PromQL", package: "Klaxon"),
            ],
            path: "Benchmarks/PromQLBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // A plain loop over the same workloads, for perf / callgrind and as a ContinuousClock cross-check.
        .executableTarget(
            name: "promql-profile",
            dependencies: [
                "KlaxonBenchData",
                .product(name: "Model", package: "Klaxon"),
                .product(name: "PromQL", package: "Klaxon"),
            ]
        ),
        // TSDB figures (bytes per sample, append, WAL replay, head memory, RSS, query) on realistic
        // scrape data; a plain executable timed with ContinuousClock (scripts/bench-tsdb.sh).
        .executableTarget(
            name: "tsdb-bench",
            dependencies: [
                .product(name: "Model", package: "Klaxon"),
                .product(name: "PromQL", package: "Klaxon"),
                .product(name: "TSDB", package: "Klaxon"),
            ]
        ),
    ]
)

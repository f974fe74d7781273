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
        // Direct dependencies only so that rules-bench can count mallocs and the Scrape mirror can
        // import Yams; both are already in the graph (through benchmark and Klaxon), same versions.
        .package(url: "https://github.com/ordo-one/malloc-interposer.git", exact: "1.6.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
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
        // The Gatewayz metric set (15 providers × 100 models) shared by rules-bench and scrape-bench.
        .target(name: "GatewayzData", dependencies: [.product(name: "Model", package: "Klaxon")]),
        // Rule evaluation: all rules/*.yml over 6 h of Gatewayz data (scripts/bench-rules.sh).
        .executableTarget(
            name: "rules-bench",
            dependencies: [
                "GatewayzData",
                .product(name: "Model", package: "Klaxon"),
                .product(name: "PromQL", package: "Klaxon"),
                .product(name: "Rules", package: "Klaxon"),
                .product(name: "TSDB", package: "Klaxon"),
                .product(name: "MallocInterposerSwift", package: "malloc-interposer"),
            ]
        ),
        // Klaxon does not export Exposition, Scrape or HTTPClient as products, and Sources/ and the
        // root Package.swift are not ours to change here, so the B* targets below compile the very
        // same files through symlinks (Sources/Mirror/*/ -> ../../../../Sources/*/). SwiftPM refuses
        // targets with the same names as Klaxon's, so they are renamed and `-module-alias` maps the
        // original names (`import Exposition`) onto them. The module map still declares `module CCurl`.
        .systemLibrary(name: "BCCurl", path: "Sources/Mirror/CCurl", pkgConfig: "libcurl"),
        .target(name: "BHTTPClient", dependencies: ["BCCurl", .product(name: "Model", package: "Klaxon")],
                path: "Sources/Mirror/HTTPClient"),
        .target(name: "BExposition", dependencies: [.product(name: "Model", package: "Klaxon")],
                path: "Sources/Mirror/Exposition"),
        .target(name: "BConfigYAML", dependencies: [.product(name: "Model", package: "Klaxon"), .product(name: "Yams", package: "Yams")],
                path: "Sources/Mirror/ConfigYAML"),
        .target(name: "BScrape",
                dependencies: ["BExposition", "BHTTPClient", "BConfigYAML", .product(name: "Model", package: "Klaxon"),
                               .product(name: "Yams", package: "Yams")],
                path: "Sources/Mirror/Scrape",
                swiftSettings: [.unsafeFlags(["-module-alias", "Exposition=BExposition", "-module-alias", "HTTPClient=BHTTPClient",
                                              "-module-alias", "ConfigYAML=BConfigYAML"])]),
        // Scrape parse-and-append throughput and steady scrape CPU (scripts/bench-scrape.sh).
        .executableTarget(
            name: "scrape-bench",
            dependencies: [
                "GatewayzData", "BExposition", "BScrape",
                .product(name: "Model", package: "Klaxon"),
                .product(name: "TSDB", package: "Klaxon"),
            ],
            swiftSettings: [.unsafeFlags(["-module-alias", "Exposition=BExposition", "-module-alias", "Scrape=BScrape",
                                          "-module-alias", "HTTPClient=BHTTPClient"])]
        ),
    ]
)

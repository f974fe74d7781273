// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Klaxon",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "klaxon", targets: ["klaxon"]),
        .library(name: "Model", targets: ["Model"]),
        .library(name: "PromQL", targets: ["PromQL"]),
        .library(name: "PromQLTesting", targets: ["PromQLTesting"]),
        .library(name: "Rules", targets: ["Rules"]),
        .library(name: "TSDB", targets: ["TSDB"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .target(name: "Model"),
        .target(name: "PromQL", dependencies: ["Model"]),
        .target(name: "PromQLTesting", dependencies: ["Model", "PromQL"]),
        .target(name: "TSDB", dependencies: ["Model"]),
        .target(name: "Exposition", dependencies: ["Model"]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(name: "HTTPClient", dependencies: ["CCurl", "Model"]),
        .target(name: "ConfigYAML", dependencies: ["Model", .product(name: "Yams", package: "Yams")]),
        .target(name: "Scrape", dependencies: ["Model", "Exposition", "ConfigYAML", "HTTPClient"]),
        .target(name: "Engine", dependencies: ["Model", "PromQL", "TSDB", "Exposition", "Scrape", "Rules", "ConfigYAML",
                                               .product(name: "Yams", package: "Yams")]),
        .target(name: "Rules", dependencies: ["Model", "PromQL", "PromQLTesting", "ConfigYAML", .product(name: "Yams", package: "Yams")]),
        .target(name: "Alerting", dependencies: ["Model", .product(name: "Yams", package: "Yams")]),
        .executableTarget(name: "klaxon", dependencies: [
            "Alerting",
            "Model", "PromQL", "Rules", "TSDB", "Exposition",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "ModelTests", dependencies: ["Model"]),
        .testTarget(name: "AlertingTests", dependencies: ["Alerting", "Model"]),
        .testTarget(name: "PromQLTests", dependencies: ["Model", "PromQL", "PromQLTesting"]),
        .testTarget(name: "RulesTests", dependencies: ["Rules", "PromQLTesting"]),
        .testTarget(name: "ExpositionTests", dependencies: ["Exposition", "Model"]),
        .testTarget(name: "HTTPClientTests", dependencies: ["HTTPClient", "Model"], exclude: ["Fixtures"]),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "Scrape", "TSDB", "Model", "PromQL", "Exposition"]),
        .testTarget(name: "ScrapeTests", dependencies: ["Scrape", "Model", "Exposition", "TSDB", "PromQL"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "TSDBTests", dependencies: ["TSDB", "Model", "PromQL", "PromQLTesting"]),
    ]
)

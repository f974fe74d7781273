// Data sets and workloads shared by the benchmark target and the profiling executable.

import Foundation
import Model
import PromQL

// MARK: - Data sets

/// Evaluation time of every query: one hour after the first sample.
public let queryTime: Int64 = 3_600_000
/// Scrape interval of the generated series.
public let scrapeInterval: Int64 = 15_000
/// Samples per series: one hour at 15 s.
public let samplesPerSeries = 240

/// A series' first sample lands 1..14 s into the hour, as scrape jitter does; this also keeps
/// samples off the window edges, so a 5m window holds exactly 20 samples.
public func phase(_ i: Int) -> Int64 { Int64(1 + i % 14) * 1000 }

public let providers = (0..<15).map { "provider-\($0)" }

/// 100,000 counter series `x{provider, model, instance, job}`: 15 providers × 100 models per
/// provider (1,500 combinations) × 67 instances (the last one partial).
public let rateSeriesCount = 100_000

public let rateStore: MemoryStore = {
    let store = MemoryStore()
    for i in 0..<rateSeriesCount {
        let p = i % 15, m = (i / 15) % 100, inst = i / 1500
        let labels = Labels([
            Label(name: Labels.metricName, value: "x"),
            Label(name: "job", value: "gatewayz-api"),
            Label(name: "provider", value: providers[p]),
            Label(name: "model", value: "\(providers[p])/model-\(m)"),
            Label(name: "instance", value: "10.0.\(inst / 256).\(inst % 256):8000"),
        ])
        let ph = phase(i)
        let perScrape = Double(1 + i % 7)
        var v = Double(i % 1000)
        for k in 0..<samplesPerSeries {
            // Every 97th series restarts (counter reset) inside the queried window.
            if i % 97 == 0 && k == 230 { v = 0 }
            v += perScrape
            store.add(labels, ph + Int64(k) * scrapeInterval, v)
        }
    }
    return store
}()

/// Classic histogram `h_bucket{provider, model, le}`: 15 providers × 56 models × 12 buckets
/// (incl. +Inf) = 10,080 cumulative counter series.
public let bucketBounds: [Double] = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60, 120, .infinity]
public let histogramModelsPerProvider = 56
public let histogramSeriesCount = 15 * histogramModelsPerProvider * bucketBounds.count

public let histogramStore: MemoryStore = {
    let store = MemoryStore()
    var pair = 0
    for p in 0..<15 {
        for m in 0..<histogramModelsPerProvider {
            // Latency ~ exponential with a per-model scale of 0.5 s ... 20 s.
            let scale = 0.5 + Double((pair * 7919) % 40) * 0.5
            let requestsPerScrape = Double(1 + pair % 50)
            let ph = phase(pair)
            for (j, le) in bucketBounds.enumerated() {
                let leText = le.isInfinite ? "+Inf" : GoFloat.formatG(le)
                let labels = Labels([
                    Label(name: Labels.metricName, value: "h_bucket"),
                    Label(name: "job", value: "gatewayz-api"),
                    Label(name: "provider", value: providers[p]),
                    Label(name: "model", value: "\(providers[p])/model-\(m)"),
                    Label(name: "le", value: leText),
                ])
                let fraction = j == bucketBounds.count - 1 ? 1 : 1 - exp(-le / scale)
                for k in 0..<samplesPerSeries {
                    let v = (Double(k + 1) * requestsPerScrape * fraction).rounded(.down)
                    store.add(labels, ph + Int64(k) * scrapeInterval, v)
                }
            }
            pair += 1
        }
    }
    return store
}()

/// Samples the engine reads for `metric[5m]` at `queryTime` (the window is closed at both ends).
public func samplesInWindow(_ store: MemoryStore, metric: String) -> Int {
    let q = try! store.querier(mint: queryTime - 300_000, maxt: queryTime)
    let sel = try! q.select([try! LabelMatcher(.equal, Labels.metricName, metric)],
                            mint: queryTime - 300_000, maxt: queryTime)
    return sel.reduce(0) { $0 + $1.count }
}

public let rateQuery = "sum by (provider) (rate(x[5m]))"
public let histogramQuery = "histogram_quantile(0.95, sum by (le, provider) (rate(h_bucket[5m])))"

public let rateWindowSamples = samplesInWindow(rateStore, metric: "x")
public let histogramWindowSamples = samplesInWindow(histogramStore, metric: "h_bucket")

// MARK: - Rule expressions

/// Repository root: this file is Benchmarks/Sources/KlaxonBenchData/Datasets.swift.
public let repoRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

public func fixtureExpressions() -> [String] {
    let url = repoRoot.appendingPathComponent("Benchmarks/Fixtures/rule-expressions.txt")
    guard let text = try? String(contentsOf: url, encoding: .utf8) else {
        fatalError("cannot read \(url.path)")
    }
    return text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        .filter { !$0.isEmpty && !$0.hasPrefix("#") }
}

/// Every `expr:` in rules/*.yml (and .yaml), line based: single-line values, quoted or not, and
/// `|` / `>` block scalars (their more-indented lines, joined).
public func rulesDirectoryExpressions() -> [String] {
    let dir = repoRoot.appendingPathComponent("rules")
    guard let files = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return [] }
    var out: [String] = []
    for f in files.sorted() where f.hasSuffix(".yml") || f.hasSuffix(".yaml") {
        guard let text = try? String(contentsOf: dir.appendingPathComponent(f), encoding: .utf8) else { continue }
        let lines = text.components(separatedBy: "\n")
        var i = 0
        while i < lines.count {
            let line = lines[i]
            let trimmed = line.drop { $0 == " " || $0 == "-" }
            i += 1
            guard trimmed.hasPrefix("expr:") else { continue }
            var value = trimmed.dropFirst("expr:".count).trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("|") || value.hasPrefix(">") {
                let indent = line.prefix { $0 == " " }.count
                var body: [String] = []
                while i < lines.count {
                    let l = lines[i]
                    let lIndent = l.prefix { $0 == " " }.count
                    if !l.trimmingCharacters(in: .whitespaces).isEmpty && lIndent <= indent { break }
                    body.append(l.trimmingCharacters(in: .whitespaces))
                    i += 1
                }
                value = body.filter { !$0.isEmpty }.joined(separator: value.hasPrefix("|") ? "\n" : " ")
            } else if value.count >= 2, let q = value.first, q == "\"" || q == "'", value.last == q {
                value = String(value.dropFirst().dropLast())
                if q == "'" { value = value.replacingOccurrences(of: "''", with: "'") }
            }
            if !value.isEmpty { out.append(value) }
        }
    }
    return out
}

public let ruleExpressions: [String] = {
    let all = fixtureExpressions() + rulesDirectoryExpressions()
    for e in all {
        do { _ = try PromQLParser.parse(e) } catch { fatalError("fixture does not parse: \(e)\n\(error)") }
    }
    return all
}()

/// The error-ratio rule from the issue, parsed on its own as the "typical expression".
public let errorRatioRule = "sum(rate(model_inference_requests_total{status=\"error\"}[5m])) by (provider) / sum(rate(model_inference_requests_total[5m])) by (provider) > 0.1"

/// Fails loudly if a data set or query changed so that the figures would mean something else.
public func checkQueryShape(_ query: String, _ store: MemoryStore, expectedSeries: Int) {
    guard case .vector(let v) = try! Engine().instantQuery(query, at: queryTime, on: store),
          v.count == expectedSeries, v.allSatisfy({ $0.v.isFinite && $0.v > 0 }) else {
        fatalError("unexpected result for \(query)")
    }
}

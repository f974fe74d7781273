import Exposition
import Foundation
import Model
import Testing
@testable import Demo

@Suite struct SimulatorTests {
    let sim = GatewayzSimulator(start: testStart)

    @Test func samePageForTheSameTimeWhateverWasAskedBefore() {
        let t = minutes(37.25)
        let fresh = GatewayzSimulator(start: testStart).render(at: t, format: .prometheusText)
        let other = GatewayzSimulator(start: testStart)
        _ = other.render(at: minutes(90), format: .prometheusText)  // later first: the cache must rewind
        #expect(other.render(at: t, format: .prometheusText) == fresh)
        #expect(other.render(at: t, format: .prometheusText) == fresh)
        #expect(GatewayzSimulator(start: testStart, seed: 7).render(at: t, format: .prometheusText) != fresh,
                "another seed gives other noise")
    }

    @Test func guideMetricReferenceIsComplete() throws {
        // The "Metric Reference" appendix of the monitoring guide, with its labels.
        let reference: [(String, [String])] = [
            ("model_inference_requests_total", ["provider", "model", "status"]),
            ("model_inference_duration_seconds_bucket", ["provider", "model", "le"]),
            ("model_inference_duration_seconds_sum", ["provider", "model"]),
            ("model_inference_duration_seconds_count", ["provider", "model"]),
            ("tokens_used_total", ["provider", "model", "token_type"]),
            ("credits_used_total", ["provider", "model"]),
            ("database_query_total", ["table", "operation", "status"]),
            ("database_query_duration_seconds_bucket", ["table", "operation", "le"]),
            ("active_database_connections", []),
            ("cache_hits_total", ["cache_type"]), ("cache_misses_total", ["cache_type"]), ("cache_total", ["cache_type"]),
            ("redis_connection_failures_total", []),
            ("http_requests_total", ["method", "endpoint", "status"]),
            ("http_request_duration_seconds_bucket", ["method", "endpoint", "le"]),
            ("provider_health_score", ["provider"]),
            ("circuit_breaker_state", ["provider", "model", "state"]),
            ("circuit_breaker_failure_count", ["provider", "model"]),
            ("rate_limit_hits_total", ["limit_type"]),
            ("trial_signups_total", []), ("trial_conversions_total", []),
            ("user_credits_remaining", ["user_id"]), ("active_subscriptions_total", ["tier"]),
            // Read by the system_health rules.
            ("node_memory_MemAvailable_bytes", []), ("node_memory_MemTotal_bytes", []), ("node_cpu_seconds_total", ["cpu", "mode"]),
        ]
        let snap = Snapshot(sim, at: minutes(0))
        for (name, labels) in reference {
            let series = snap.series(name)
            #expect(!series.isEmpty, "\(name) is missing")
            for s in series { #expect(Set(s.labels.keys) == Set(labels), "\(name) has labels \(s.labels.keys.sorted())") }
        }
        #expect(Set(snap.series("provider_health_score").map { $0.labels["provider"]! }).count == 15)
        #expect(Set(snap.series("credits_used_total").map { "\($0.labels["provider"]!)/\($0.labels["model"]!)" }).count >= 36,
                "dozens of models")
        #expect(Set(snap.series("circuit_breaker_state").map { $0.labels["state"]! }) == ["closed", "open", "half_open"])
        let endpoints = Set(snap.series("http_requests_total").map { $0.labels["endpoint"]! })
        for e in ["/v1/chat/completions", "/v1/messages", "/v1/images/generations"] { #expect(endpoints.contains(e)) }
        #expect(snap.series("node_cpu_seconds_total", where: ["mode": "idle"]).count == GatewayzCatalog.cpuCount)
    }

    /// Every metric name the shipped rules read is exposed (so a new rule on a new metric fails here).
    @Test func everyMetricTheRulesReadIsExposed() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let dir = root.appendingPathComponent("rules").path
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".yml") }
        #expect(files.count == 11)
        let exposed = Set(sim.seriesLabels.map { $0.first!.value })
        let regex = try NSRegularExpression(pattern: #"\b([a-zA-Z_][a-zA-Z0-9_]*)\s*(\{|\[|\)|\s|$|offset)"#)
        let functions: Set<String> = ["sum", "rate", "increase", "histogram_quantile", "avg_over_time", "count_over_time", "clamp_min",
                                      "changes", "count", "avg", "by", "without", "and", "on", "group_left", "offset", "or", "unless"]
        var names = Set<String>()
        for f in files {
            let text = try String(contentsOfFile: dir + "/" + f, encoding: .utf8)
            var inExpr = false
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.hasPrefix("expr:") { inExpr = true } else if trimmed.hasPrefix("for:") || trimmed.hasPrefix("labels:") { inExpr = false }
                guard inExpr else { continue }
                let s = String(line)
                for m in regex.matches(in: s, range: NSRange(s.startIndex..., in: s)) {
                    let word = (s as NSString).substring(with: m.range(at: 1))
                    // Metric names carry an underscore and are not label names inside by/on (…).
                    if word.contains("_") && !functions.contains(word) && !["provider", "model", "table", "cache_type", "endpoint",
                                                                           "limit_type", "tier", "instance", "state", "le", "expr"].contains(word) {
                        names.insert(word)
                    }
                }
            }
        }
        #expect(names.count >= 20, "found \(names.sorted())")
        for n in names.sorted() { #expect(exposed.contains(n), "rules read \(n), which the simulator does not expose") }
    }

    @Test func countersNeverDecreaseAndHistogramsStayCumulative() {
        var previous = sim.values(at: minutes(-360))
        let labels = sim.seriesLabels
        let counterLike = labels.map { l -> Bool in
            let n = l.first!.value
            return n.hasSuffix("_total") && n != "active_subscriptions_total" || n.hasSuffix("_bucket") || n.hasSuffix("_sum") || n.hasSuffix("_count")
                && n != "circuit_breaker_failure_count"
        }
        var t = minutes(-360)
        while t <= minutes(100) {
            t += 37_000  // off the 15 s grid on purpose
            let v = sim.values(at: t)
            for i in v.indices where counterLike[i] && v[i] < previous[i] {
                Issue.record("\(labels[i]) went from \(previous[i]) to \(v[i]) at minute \(sim.minute(at: t))")
                return
            }
            previous = v
        }
        // Buckets rise with le, and +Inf equals _count.
        let snap = Snapshot(sim, at: minutes(45))
        for pair in GatewayzCatalog.pairs.prefix(10) {
            let prov = GatewayzCatalog.providers[pair.provider].name
            let buckets = snap.series("model_inference_duration_seconds_bucket", where: ["provider": prov, "model": pair.model])
            let ordered = buckets.sorted { (Double($0.labels["le"]!) ?? .infinity) < (Double($1.labels["le"]!) ?? .infinity) }
            #expect(zip(ordered, ordered.dropFirst()).allSatisfy { $0.value <= $1.value })
            #expect(ordered.last!.value == snap.sum("model_inference_duration_seconds_count", where: ["provider": prov, "model": pair.model]))
        }
        #expect(snap.sum("cache_total") >= snap.sum("cache_hits_total") + snap.sum("cache_misses_total") - 4)
    }

    @Test func pageParsesInBothFormats() throws {
        let t = minutes(20)
        let text = try ExpositionParser(format: .prometheusText).parse(sim.render(at: t, format: .prometheusText))
        let om = try ExpositionParser(format: .openMetrics).parse(sim.render(at: t, format: .openMetrics))
        #expect(text.samples.count == sim.seriesCount)
        #expect(om.samples.count == sim.seriesCount)
        #expect(text.samples.map(\.value) == sim.values(at: t))
        #expect(text.metadata["http_requests_total"]?.type == "counter")
        #expect(om.metadata["http_requests"]?.type == "counter")
        #expect(om.metadata["model_inference_duration_seconds"]?.type == "histogram")
        #expect(sim.seriesCount > 1500 && sim.seriesCount < 3000, "\(sim.seriesCount) series")
    }
}

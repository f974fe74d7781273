import Foundation
import Testing
@testable import Demo

/// The scripted incident moves the metrics each rule reads across its threshold, for longer
/// than the rule's `for`, and back. Rates and quantiles are computed over 5 m as the rules do.
@Suite struct IncidentTests {
    let sim = GatewayzSimulator(start: testStart)

    /// Nothing crosses a threshold in steady state: before the script and during its first minutes.
    @Test(arguments: [-300.0, -120, -30, 2.9, 99]) func steadyStateIsQuiet(minute: Double) {
        let w = Window(sim, endingAt: minutes(minute))
        let snap = w.after
        for h in snap.series("provider_health_score") { #expect(h.value >= 80, "\(h.labels) health \(h.value)") }
        #expect(snap.series("circuit_breaker_state", where: ["state": "open"]).allSatisfy { $0.value == 0 })
        for pair in GatewayzCatalog.pairs {
            let m = ["provider": GatewayzCatalog.providers[pair.provider].name, "model": pair.model]
            let errors = w.rate("model_inference_requests_total", where: m.merging(["status": "error"]) { a, _ in a })
            let all = w.rate("model_inference_requests_total", where: m)
            #expect(all > 0 && errors / all < 0.1, "\(m) error ratio \(errors / all)")
            #expect(w.quantile(0.95, "model_inference_duration_seconds", where: m) < 30, "\(m)")
        }
        for t in GatewayzCatalog.databaseTables {
            #expect(w.quantile(0.95, "database_query_duration_seconds", where: ["table": t]) < 2, "\(t)")
        }
        for e in GatewayzCatalog.endpoints {
            #expect(w.quantile(0.95, "http_request_duration_seconds", where: ["endpoint": e.path]) < 10, "\(e.path)")
        }
        for c in GatewayzCatalog.cacheTypes {
            let hits = w.rate("cache_hits_total", where: ["cache_type": c]), misses = w.rate("cache_misses_total", where: ["cache_type": c])
            #expect(hits / (hits + misses) > 0.7, "\(c)")
        }
        let http = w.rate("http_requests_total")
        #expect(w.rate("http_requests_total", where: ["status": "500"]) + w.rate("http_requests_total", where: ["status": "503"]) < 0.05 * http)
        #expect(w.rate("http_requests_total", where: ["status": "429"]) + w.rate("http_requests_total", where: ["status": "400"])
            + w.rate("http_requests_total", where: ["status": "401"]) < 0.2 * http)
        for l in GatewayzCatalog.rateLimitTypes { #expect(w.rate("rate_limit_hits_total", where: ["limit_type": l]) < 0.1 * http) }
        #expect(w.rate("redis_connection_failures_total") == 0)
        #expect(snap.sum("active_database_connections") <= 80)
        #expect(1 - snap.sum("node_memory_MemAvailable_bytes") / snap.sum("node_memory_MemTotal_bytes") < 0.9)
        #expect(1 - w.rate("node_cpu_seconds_total", where: ["mode": "idle"]) / Double(GatewayzCatalog.cpuCount) < 0.8)
        for e in ["/v1/chat/completions", "/v1/messages", "/v1/images/generations"] {
            #expect(w.rate("http_requests_total", where: ["endpoint": e]) > 0)
        }
        for p in GatewayzCatalog.providers { #expect(w.rate("model_inference_requests_total", where: ["provider": p.name]) > 0) }
    }

    @Test func providerOutage() {
        let fw = ["provider": "fireworks"]
        // Degraded (3-16): health between 50 and 80, errors below the 10% threshold.
        for m in [4.0, 10, 15.5] {
            let h = Snapshot(sim, at: minutes(m)).sum("provider_health_score", where: fw)
            #expect(h >= 50 && h < 80, "minute \(m): health \(h)")
        }
        // Failing (16-19): more than 10% errors, far above the 6 h average; failures counted.
        let failing = Window(sim, endingAt: minutes(19))
        let errors = failing.rate("model_inference_requests_total", where: ["provider": "fireworks", "status": "error"])
        #expect(errors / failing.rate("model_inference_requests_total", where: fw) > 0.5)
        let baseline = Window(sim, endingAt: minutes(-60)).rate("model_inference_requests_total", where: ["provider": "fireworks", "status": "error"])
        #expect(errors > 5 * max(baseline, 1.0 / 60))
        #expect(failing.after.series("circuit_breaker_failure_count", where: fw).allSatisfy { $0.value - 0 > 3 })
        // Open (19-41): every fireworks breaker open, no traffic, health below 50.
        for m in [20.0, 30, 40.5] {
            let s = Snapshot(sim, at: minutes(m))
            let open = s.series("circuit_breaker_state", where: ["provider": "fireworks", "state": "open"])
            #expect(open.count == 4 && open.allSatisfy { $0.value == 1 }, "minute \(m)")
            #expect(s.sum("provider_health_score", where: fw) < 50)
        }
        #expect(Window(sim, endingAt: minutes(40)).rate("model_inference_requests_total", where: fw) == 0)
        // Open from minute 19 to 41: no requests in the 5 m window from 24 to 41, more than NoInferenceRequests' 15 m.
        // Half-open probes (41-44), then one breaker stays half-open to 55.
        #expect(Snapshot(sim, at: minutes(42)).sum("circuit_breaker_state", where: ["provider": "fireworks", "state": "half_open"]) == 4)
        let stuck = Snapshot(sim, at: minutes(54))
        #expect(stuck.sum("circuit_breaker_state", where: ["provider": "fireworks", "model": "deepseek-r1", "state": "half_open"]) == 1)
        #expect(stuck.sum("circuit_breaker_state", where: ["provider": "fireworks", "state": "half_open"]) == 1)
        #expect(Snapshot(sim, at: minutes(46)).sum("provider_health_score", where: fw) >= 80)
        // Traffic fails over to openrouter while fireworks is open.
        #expect(Window(sim, endingAt: minutes(30)).rate("model_inference_requests_total", where: ["provider": "openrouter"])
            > Window(sim, endingAt: minutes(2)).rate("model_inference_requests_total", where: ["provider": "openrouter"]) * 1.1)
        // Flapping: chutes/deepseek-r1 opens and closes at least four times between 22 and 34.
        var changes = 0, last = 0.0
        for s in stride(from: 20.0, through: 36, by: 0.25) {
            let v = Snapshot(sim, at: minutes(s)).sum("circuit_breaker_state", where: ["provider": "chutes", "model": "deepseek-r1", "state": "open"])
            if v != last { changes += 1 }
            last = v
        }
        #expect(changes >= 4)
    }

    @Test func latencySpike() {
        let w = Window(sim, endingAt: minutes(45))
        for model in GatewayzCatalog.providers[GatewayzCatalog.providerIndex("together")].models {
            let p95 = w.quantile(0.95, "model_inference_duration_seconds", where: ["provider": "together", "model": model])
            #expect(p95 > 30, "\(model) p95 \(p95)")
            if model == "llama-3.1-405b" { #expect(p95 > 60) }
        }
        #expect(w.quantile(0.95, "database_query_duration_seconds", where: ["table": "chat_history"]) > 2)
        #expect(w.quantile(0.95, "database_query_duration_seconds", where: ["table": "usage_records"]) > 5)
        #expect(w.rate("database_query_total", where: ["table": "usage_records", "status": "error"])
            / w.rate("database_query_total", where: ["table": "usage_records"]) > 0.05)
        #expect(w.quantile(0.95, "http_request_duration_seconds", where: ["endpoint": "/v1/chat/completions"]) > 10)
        #expect(w.after.sum("active_database_connections") > 80)
        let h = w.after.sum("provider_health_score", where: ["provider": "together"])
        #expect(h >= 50 && h < 80)
        // Over five minutes after the spike, latency is back under the thresholds.
        let after = Window(sim, endingAt: minutes(56))
        #expect(after.quantile(0.95, "model_inference_duration_seconds", where: ["provider": "together", "model": "llama-3.1-405b"]) < 30)
        #expect(after.quantile(0.95, "database_query_duration_seconds", where: ["table": "usage_records"]) < 2)
    }

    @Test func costSpike() {
        let before = Window(sim, endingAt: minutes(-30)), during = Window(sim, endingAt: minutes(60))
        let openai = ["provider": "openai"]
        #expect(during.rate("credits_used_total", where: openai) > 2.5 * before.rate("credits_used_total", where: openai))
        #expect(during.rate("tokens_used_total", where: openai) > 2.5 * before.rate("tokens_used_total", where: openai))
        #expect(during.rate("credits_used_total", where: ["provider": "anthropic"])
            < 1.5 * before.rate("credits_used_total", where: ["provider": "anthropic"]))
        let http = during.rate("http_requests_total")
        #expect(http > 3.5 * before.rate("http_requests_total"))
        #expect(during.rate("rate_limit_hits_total", where: ["limit_type": "per_key"]) > 0.25 * http)
        let clientErrors = ["400", "401", "429"].reduce(0.0) { $0 + during.rate("http_requests_total", where: ["status": $1]) }
        #expect(clientErrors > 0.2 * http)
    }

    @Test func cacheFailure() {
        let w = Window(sim, endingAt: minutes(80))
        #expect(w.rate("redis_connection_failures_total") > 0)
        for c in GatewayzCatalog.cacheTypes {
            let hits = w.rate("cache_hits_total", where: ["cache_type": c]), misses = w.rate("cache_misses_total", where: ["cache_type": c])
            #expect(hits / (hits + misses) < 0.7, "\(c)")
        }
        let http = w.rate("http_requests_total")
        #expect(w.rate("http_requests_total", where: ["status": "500"]) + w.rate("http_requests_total", where: ["status": "503"]) > 0.05 * http)
        #expect(w.rate("http_requests_total", where: ["endpoint": "/v1/images/generations"]) == 0)
        #expect(1 - w.after.sum("node_memory_MemAvailable_bytes") / w.after.sum("node_memory_MemTotal_bytes") > 0.9)
        #expect(1 - w.rate("node_cpu_seconds_total", where: ["mode": "idle"]) / Double(GatewayzCatalog.cpuCount) > 0.8)
        #expect(Window(sim, endingAt: minutes(94)).rate("redis_connection_failures_total") == 0)
    }

    /// The script covers every shipped rule except the four that need days of history.
    @Test func scriptCoversTheShippedRules() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let dir = root.appendingPathComponent("rules").path
        var names = Set<String>()
        for f in try FileManager.default.contentsOfDirectory(atPath: dir) where f.hasSuffix(".yml") {
            for line in try String(contentsOfFile: dir + "/" + f, encoding: .utf8).split(separator: "\n") {
                let t = line.trimmingCharacters(in: .whitespaces)
                if t.hasPrefix("- alert: ") { names.insert(String(t.dropFirst("- alert: ".count))) }
            }
        }
        #expect(names.count == 34)
        // 2 h of zero signups plus 1 h `for`, a 7 d ratio, and two `offset 1d` comparisons.
        let outOfReach: Set = ["NoTrialSignups", "TrialConversionRateLow", "ActiveSubscriptionsDropping", "CreditsPerTokenRising"]
        let scripted = Set(sim.timeline.phases.flatMap(\.expectedAlerts))
        #expect(scripted.union(outOfReach) == names, "unscripted: \(names.subtracting(scripted).subtracting(outOfReach).sorted())")
        #expect(scripted.isDisjoint(with: outOfReach))
    }

    @Test func phasesAtAGlance() {
        #expect(sim.phases(at: minutes(-10)).isEmpty)
        #expect(sim.phases(at: minutes(1)).map(\.name) == ["steady"])
        #expect(sim.phases(at: minutes(31)).map(\.name) == ["provider-outage", "breaker-flapping", "latency-spike"])
        #expect(sim.phases(at: minutes(90)).map(\.name) == ["recovery"])
        #expect(sim.timeline.length == 96)
    }
}

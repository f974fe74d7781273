// The Gatewayz metric set (monitoring guide, "Metric Reference"), shared by rules-bench and
// scrape-bench: 15 providers × 100 models of every per-model metric, plus the small
// per-table / per-endpoint / per-cache families and the node metrics the system rules read.
//
// One `GatewayzFleet` is a list of series with a deterministic value generator; `value(series:k:)`
// is the value at scrape k (counters grow, histograms stay cumulative, gauges wander).

import Foundation
import Model

public enum SeriesKind: Sendable { case counter, gauge, histogram }

public struct GSeries: Sendable {
    /// Metric name and labels as exposed (no job/instance: the scrape adds them).
    public let name: String
    public let labels: [(String, String)]
    public let family: String
    public let kind: SeriesKind
    /// Mean increase per scrape (counters), mean (gauges); for buckets the family's per-scrape
    /// observation count times the bucket's cumulative fraction.
    public let rate: Double
    /// 0 = plain, 1 = 0/1 gauge (circuit breaker state), 2 = histogram _sum
    public let style: Int
}

/// Buckets of the latency histograms: they reach past 60 s (the ModelLatencyCritical threshold).
public let latencyBuckets: [Double] = [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 7.5, 10, 15, 20, 30, 45, 60, 90, 120, .infinity]

public func leText(_ b: Double) -> String { b.isInfinite ? "+Inf" : GoFloat.formatG(b) }

public struct GatewayzFleet: Sendable {
    public let series: [GSeries]
    /// HELP/TYPE per family, in first-appearance order.
    public let families: [(String, SeriesKind, String)]

    public init(providers: Int = 15, modelsPerProvider: Int = 100, bucketBounds: [Double] = latencyBuckets) {
        var s: [GSeries] = []
        var fams: [(String, SeriesKind, String)] = []
        var famSeen = Set<String>()
        func fam(_ f: String, _ k: SeriesKind, _ help: String) {
            if famSeen.insert(f).inserted { fams.append((f, k, help)) }
        }
        func add(_ f: String, _ name: String, _ l: [(String, String)], _ k: SeriesKind, _ rate: Double, style: Int = 0) {
            s.append(GSeries(name: name, labels: l, family: f, kind: k, rate: rate, style: style))
        }
        func histogram(_ f: String, _ l: [(String, String)], perScrape: Double, scale: Double) {
            fam(f, .histogram, "Latency")
            for b in bucketBounds {
                let frac = b.isInfinite ? 1 : 1 - exp(-b / scale)
                add(f, f + "_bucket", l + [("le", leText(b))], .histogram, perScrape * frac)
            }
            add(f, f + "_sum", l, .histogram, perScrape * scale, style: 2)
            add(f, f + "_count", l, .histogram, perScrape)
        }
        let provs = ["openrouter", "openai", "anthropic", "google", "groq", "together", "fireworks", "deepinfra",
                     "mistral", "cohere", "perplexity", "xai", "cerebras", "featherless", "chutes",
                     "novita", "huggingface", "portkey", "nebius", "alibaba"]
        var pair = 0
        for p in 0..<providers {
            let prov = p < provs.count ? provs[p] : "provider-\(p)"
            for m in 0..<modelsPerProvider {
                let model = "\(prov)/model-\(m)"
                let pm = [("provider", prov), ("model", model)]
                let traffic = Double(1 + (pair * 7919) % 40)
                fam("model_inference_requests_total", .counter, "Total model inference requests")
                for (st, f) in [("success", 0.96), ("error", 0.03), ("timeout", 0.01)] {
                    add("model_inference_requests_total", "model_inference_requests_total", pm + [("status", st)], .counter, traffic * f)
                }
                histogram("model_inference_duration_seconds", pm, perScrape: traffic, scale: 0.5 + Double((pair * 31) % 40) * 0.5)
                fam("tokens_used_total", .counter, "Tokens used")
                add("tokens_used_total", "tokens_used_total", pm + [("token_type", "input")], .counter, traffic * 900)
                add("tokens_used_total", "tokens_used_total", pm + [("token_type", "output")], .counter, traffic * 300)
                fam("credits_used_total", .counter, "Credits used")
                add("credits_used_total", "credits_used_total", pm, .counter, traffic * 0.013)
                fam("circuit_breaker_state", .gauge, "Circuit breaker state (1 = in this state)")
                for st in ["closed", "open", "half_open"] {
                    let isOpen = pair % 150 == 7
                    let on = isOpen ? st == "open" : st == "closed"
                    add("circuit_breaker_state", "circuit_breaker_state", pm + [("state", st)], .gauge, on ? 1 : 0, style: 1)
                }
                fam("circuit_breaker_failure_count", .counter, "Circuit breaker failures")
                add("circuit_breaker_failure_count", "circuit_breaker_failure_count", pm, .counter, 0.05)
                pair += 1
            }
            fam("provider_health_score", .gauge, "Provider health score 0-100")
            add("provider_health_score", "provider_health_score", [("provider", prov)], .gauge, 60 + Double(p * 13 % 40))
        }
        let tables = ["users", "api_keys", "chat_history", "credits", "subscriptions", "models", "providers", "usage", "trials", "payments"]
        for t in tables {
            for op in ["select", "insert", "update", "delete"] {
                fam("database_query_total", .counter, "Database queries")
                add("database_query_total", "database_query_total", [("operation", op), ("status", "success"), ("table", t)], .counter, 40)
                add("database_query_total", "database_query_total", [("operation", op), ("status", "error"), ("table", t)], .counter, 0.1)
                histogram("database_query_duration_seconds", [("operation", op), ("table", t)], perScrape: 40, scale: 0.05)
            }
        }
        fam("active_database_connections", .gauge, "Open database connections")
        add("active_database_connections", "active_database_connections", [], .gauge, 25)
        for c in ["model_catalog", "api_key", "rate_limit", "response"] {
            fam("cache_hits_total", .counter, "Cache hits")
            add("cache_hits_total", "cache_hits_total", [("cache_type", c)], .counter, 300)
            fam("cache_misses_total", .counter, "Cache misses")
            add("cache_misses_total", "cache_misses_total", [("cache_type", c)], .counter, 30)
            fam("cache_total", .counter, "Cache lookups")
            add("cache_total", "cache_total", [("cache_type", c)], .counter, 330)
        }
        fam("redis_connection_failures_total", .counter, "Redis connection failures")
        add("redis_connection_failures_total", "redis_connection_failures_total", [], .counter, 0)
        let endpoints = ["/v1/chat/completions", "/v1/messages", "/v1/images/generations", "/v1/models", "/v1/embeddings",
                         "/health", "/metrics", "/api/keys", "/api/credits", "/api/monitoring"]
        for e in endpoints {
            for method in ["GET", "POST"] {
                for (st, f) in [("200", 0.93), ("201", 0.01), ("400", 0.02), ("401", 0.01), ("429", 0.02), ("500", 0.01)] {
                    fam("http_requests_total", .counter, "HTTP requests")
                    add("http_requests_total", "http_requests_total", [("endpoint", e), ("method", method), ("status", st)], .counter, 200 * f)
                }
                histogram("http_request_duration_seconds", [("endpoint", e), ("method", method)], perScrape: 200, scale: 1.5)
            }
        }
        for l in ["per_user", "per_key", "global", "burst"] {
            fam("rate_limit_hits_total", .counter, "Rate limit hits")
            add("rate_limit_hits_total", "rate_limit_hits_total", [("limit_type", l)], .counter, 3)
        }
        fam("trial_signups_total", .counter, "Trial signups")
        add("trial_signups_total", "trial_signups_total", [], .counter, 0.2)
        fam("trial_conversions_total", .counter, "Trial conversions")
        add("trial_conversions_total", "trial_conversions_total", [], .counter, 0.01)
        for t in ["free", "starter", "pro", "enterprise"] {
            fam("active_subscriptions_total", .gauge, "Active subscriptions")
            add("active_subscriptions_total", "active_subscriptions_total", [("tier", t)], .gauge, 1000)
        }
        for u in 0..<20 {
            fam("user_credits_remaining", .gauge, "Credits left (top users)")
            add("user_credits_remaining", "user_credits_remaining", [("user_id", "u\(u)")], .gauge, 500)
        }
        fam("node_memory_MemAvailable_bytes", .gauge, "Memory available")
        add("node_memory_MemAvailable_bytes", "node_memory_MemAvailable_bytes", [], .gauge, 9.1e9)
        fam("node_memory_MemTotal_bytes", .gauge, "Memory total")
        add("node_memory_MemTotal_bytes", "node_memory_MemTotal_bytes", [], .gauge, 3.2e10)
        for cpu in 0..<8 {
            for (mode, r) in [("idle", 12.0), ("user", 2.0), ("system", 0.7), ("iowait", 0.1), ("irq", 0.0), ("softirq", 0.1), ("steal", 0.0), ("nice", 0.0)] {
                fam("node_cpu_seconds_total", .counter, "CPU seconds")
                add("node_cpu_seconds_total", "node_cpu_seconds_total", [("cpu", "\(cpu)"), ("mode", mode)], .counter, r)
            }
        }
        series = s
        families = fams
    }

    /// Value of series `i` at scrape `k` (k ≥ 0), deterministic.
    @inline(__always) public func value(_ i: Int, _ k: Int) -> Double {
        let s = series[i]
        let h = UInt64(truncatingIfNeeded: i &* 0x9E37_79B9 &+ k &* 0x85EB_CA6B)
        let jitter = Double((h ^ (h >> 13)) % 1000) / 1000 // 0..1
        switch s.kind {
        case .gauge:
            if s.style == 1 {
                return s.rate
            }
            return (s.rate * (0.9 + 0.2 * jitter) * 100).rounded() / 100
        case .counter, .histogram:
            if s.style == 2 { return (Double(k) * s.rate * 1000).rounded() / 1000 + jitter }
            return (Double(k) * s.rate).rounded(.down)
        }
    }

    public func labels(_ i: Int, extra: [(String, String)] = []) -> Labels {
        let s = series[i]
        var l = [Label(name: Labels.metricName, value: s.name)]
        for (n, v) in s.labels + extra { l.append(Label(name: n, value: v)) }
        return Labels(l)
    }

    /// The page at scrape k in the Prometheus text format (0.0.4) or OpenMetrics 1.0.
    public func page(k: Int, openMetrics: Bool) -> String {
        var out = ""
        out.reserveCapacity(series.count * 110)
        var described = Set<String>()
        let kinds = Dictionary(families.map { ($0.0, ($0.1, $0.2)) }, uniquingKeysWith: { a, _ in a })
        for i in series.indices {
            let s = series[i]
            if described.insert(s.family).inserted, let (kind, help) = kinds[s.family] {
                var fname = s.family
                if openMetrics && kind == .counter && fname.hasSuffix("_total") { fname.removeLast(6) }
                out += "# HELP \(fname) \(help)\n"
                out += "# TYPE \(fname) \(kind == .counter ? "counter" : kind == .gauge ? "gauge" : "histogram")\n"
            }
            out += s.name
            if !s.labels.isEmpty {
                out += "{"
                var first = true
                for (n, v) in s.labels {
                    if !first { out += "," }
                    first = false
                    out += n; out += "=\""; out += v; out += "\""
                }
                out += "}"
            }
            out += " "
            let v = value(i, k)
            if v == v.rounded() && abs(v) < 1e15 { out += String(Int64(v)) } else { out += String(v) }
            out += "\n"
        }
        if openMetrics { out += "# EOF\n" }
        return out
    }
}

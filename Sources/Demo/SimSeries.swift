import Model

/// What drives one exposed series. Counters (and histogram parts) integrate a rate over
/// simulated time; gauges are read off the moment.
enum SeriesRole: Sendable {
    case inferenceRequests(pair: Int, error: Bool)
    case inferenceBucket(pair: Int, le: Double)
    case inferenceSum(pair: Int)
    case inferenceCount(pair: Int)
    case tokens(pair: Int, output: Bool)
    case credits(pair: Int)
    case breakerState(pair: Int, state: BreakerState)
    case breakerFailures(pair: Int)
    case health(provider: Int)
    case databaseQueries(table: Int, op: Int, error: Bool)
    case databaseBucket(table: Int, op: Int, le: Double)
    case databaseSum(table: Int, op: Int)
    case databaseCount(table: Int, op: Int)
    case connections
    case cacheHits(Int), cacheMisses(Int), cacheLookups(Int)
    case redisFailures
    case http(endpoint: Int, status: Int)
    case httpBucket(endpoint: Int, le: Double)
    case httpSum(endpoint: Int)
    case httpCount(endpoint: Int)
    case rateLimit(Int)
    case trialSignups, trialConversions
    case userCredits(Int)
    case subscriptions(Int)
    case memoryAvailable, memoryTotal
    case cpu(cpu: Int, mode: Int)

    var isCounter: Bool {
        switch self {
        case .breakerState, .breakerFailures, .health, .connections, .userCredits, .subscriptions, .memoryAvailable, .memoryTotal:
            return false
        default:
            return true
        }
    }

    /// Counters are exposed rounded down to 1/scale (whole events for counts), so they never
    /// decrease; dividing by the scale keeps the printed decimals short.
    var scale: Double {
        switch self {
        case .inferenceSum, .databaseSum, .httpSum: return 100
        case .credits: return 10_000
        case .cpu: return 100
        default: return 1
        }
    }
}

/// One exposed series: its labels (sorted, `__name__` first) and role.
struct SimSeries: Sendable {
    let name: String
    let labels: [Label]
    let role: SeriesRole
}

/// A metric family as the exposition declares it.
struct SimFamily: Sendable {
    let name: String
    let type: String
    let help: String
}

/// The series list, family by family, in exposition order.
struct SeriesCatalog: Sendable {
    var series: [SimSeries] = []
    var families: [SimFamily] = []

    static func leText(_ b: Double) -> String { b.isInfinite ? "+Inf" : GoFloat.formatG(b) }

    static func build() -> SeriesCatalog {
        var c = SeriesCatalog()
        func family(_ name: String, _ type: String, _ help: String) { c.families.append(SimFamily(name: name, type: type, help: help)) }
        func add(_ name: String, _ labels: [(String, String)], _ role: SeriesRole) {
            var l = [Label(name: Labels.metricName, value: name)]
            l += labels.map { Label(name: $0.0, value: $0.1) }.sorted { $0.name.utf8Precedes($1.name) }
            c.series.append(SimSeries(name: name, labels: l, role: role))
        }
        let cat = GatewayzCatalog.self
        let pairs = cat.pairs
        func pm(_ p: Int) -> [(String, String)] { [("provider", cat.providers[pairs[p].provider].name), ("model", pairs[p].model)] }

        family("model_inference_requests_total", "counter", "Total model inference requests")
        for p in pairs.indices {
            add("model_inference_requests_total", pm(p) + [("status", "success")], .inferenceRequests(pair: p, error: false))
            add("model_inference_requests_total", pm(p) + [("status", "error")], .inferenceRequests(pair: p, error: true))
        }
        family("model_inference_duration_seconds", "histogram", "Model inference duration in seconds")
        for p in pairs.indices {
            for b in cat.inferenceBuckets {
                add("model_inference_duration_seconds_bucket", pm(p) + [("le", leText(b))], .inferenceBucket(pair: p, le: b))
            }
            add("model_inference_duration_seconds_sum", pm(p), .inferenceSum(pair: p))
            add("model_inference_duration_seconds_count", pm(p), .inferenceCount(pair: p))
        }
        family("tokens_used_total", "counter", "Tokens used, by token type")
        for p in pairs.indices {
            add("tokens_used_total", pm(p) + [("token_type", "input")], .tokens(pair: p, output: false))
            add("tokens_used_total", pm(p) + [("token_type", "output")], .tokens(pair: p, output: true))
        }
        family("credits_used_total", "counter", "Credits charged for inference")
        for p in pairs.indices { add("credits_used_total", pm(p), .credits(pair: p)) }

        family("provider_health_score", "gauge", "Provider health score (0-100) from active and passive checks")
        for (i, prov) in cat.providers.enumerated() { add("provider_health_score", [("provider", prov.name)], .health(provider: i)) }
        family("circuit_breaker_state", "gauge", "Circuit breaker state: 1 for the current state, 0 otherwise")
        for p in pairs.indices {
            for s in BreakerState.allCases { add("circuit_breaker_state", pm(p) + [("state", s.rawValue)], .breakerState(pair: p, state: s)) }
        }
        family("circuit_breaker_failure_count", "gauge", "Consecutive failures counted by the circuit breaker (reset when it closes)")
        for p in pairs.indices { add("circuit_breaker_failure_count", pm(p), .breakerFailures(pair: p)) }

        family("database_query_total", "counter", "Database queries, by table, operation and status")
        for (t, table) in cat.databaseTables.enumerated() {
            for (o, op) in cat.databaseOperations.enumerated() {
                add("database_query_total", [("table", table), ("operation", op), ("status", "success")], .databaseQueries(table: t, op: o, error: false))
                add("database_query_total", [("table", table), ("operation", op), ("status", "error")], .databaseQueries(table: t, op: o, error: true))
            }
        }
        family("database_query_duration_seconds", "histogram", "Database query duration in seconds")
        for (t, table) in cat.databaseTables.enumerated() {
            for (o, op) in cat.databaseOperations.enumerated() {
                let l = [("table", table), ("operation", op)]
                for b in cat.databaseBuckets { add("database_query_duration_seconds_bucket", l + [("le", leText(b))], .databaseBucket(table: t, op: o, le: b)) }
                add("database_query_duration_seconds_sum", l, .databaseSum(table: t, op: o))
                add("database_query_duration_seconds_count", l, .databaseCount(table: t, op: o))
            }
        }
        family("active_database_connections", "gauge", "Open connections in the database pool")
        add("active_database_connections", [], .connections)

        family("cache_hits_total", "counter", "Cache hits")
        for (i, ct) in cat.cacheTypes.enumerated() { add("cache_hits_total", [("cache_type", ct)], .cacheHits(i)) }
        family("cache_misses_total", "counter", "Cache misses")
        for (i, ct) in cat.cacheTypes.enumerated() { add("cache_misses_total", [("cache_type", ct)], .cacheMisses(i)) }
        family("cache_total", "counter", "Cache lookups (hits and misses)")
        for (i, ct) in cat.cacheTypes.enumerated() { add("cache_total", [("cache_type", ct)], .cacheLookups(i)) }
        family("redis_connection_failures_total", "counter", "Failed connections to Redis")
        add("redis_connection_failures_total", [], .redisFailures)

        family("http_requests_total", "counter", "HTTP requests, by method, endpoint and status")
        for (e, ep) in cat.endpoints.enumerated() {
            for (s, st) in cat.httpStatuses.enumerated() {
                add("http_requests_total", [("method", ep.method), ("endpoint", ep.path), ("status", st)], .http(endpoint: e, status: s))
            }
        }
        family("http_request_duration_seconds", "histogram", "HTTP request duration in seconds")
        for (e, ep) in cat.endpoints.enumerated() {
            let l = [("method", ep.method), ("endpoint", ep.path)]
            for b in cat.httpBuckets { add("http_request_duration_seconds_bucket", l + [("le", leText(b))], .httpBucket(endpoint: e, le: b)) }
            add("http_request_duration_seconds_sum", l, .httpSum(endpoint: e))
            add("http_request_duration_seconds_count", l, .httpCount(endpoint: e))
        }
        family("rate_limit_hits_total", "counter", "Requests rejected by a rate limit")
        for (i, lt) in cat.rateLimitTypes.enumerated() { add("rate_limit_hits_total", [("limit_type", lt)], .rateLimit(i)) }

        family("trial_signups_total", "counter", "Trial signups")
        add("trial_signups_total", [], .trialSignups)
        family("trial_conversions_total", "counter", "Trials converted to a paid plan")
        add("trial_conversions_total", [], .trialConversions)
        family("user_credits_remaining", "gauge", "Credits left on the top accounts by spend")
        for (i, u) in cat.topUsers.enumerated() { add("user_credits_remaining", [("user_id", u)], .userCredits(i)) }
        family("active_subscriptions_total", "gauge", "Active subscriptions, by tier")
        for (i, t) in cat.subscriptionTiers.enumerated() { add("active_subscriptions_total", [("tier", t)], .subscriptions(i)) }

        family("node_memory_MemAvailable_bytes", "gauge", "Memory information field MemAvailable_bytes.")
        add("node_memory_MemAvailable_bytes", [], .memoryAvailable)
        family("node_memory_MemTotal_bytes", "gauge", "Memory information field MemTotal_bytes.")
        add("node_memory_MemTotal_bytes", [], .memoryTotal)
        family("node_cpu_seconds_total", "counter", "Seconds the CPUs spent in each mode.")
        for cpu in 0..<cat.cpuCount {
            for (m, mode) in cat.cpuModes.enumerated() { add("node_cpu_seconds_total", [("cpu", String(cpu)), ("mode", mode)], .cpu(cpu: cpu, mode: m)) }
        }
        return c
    }
}

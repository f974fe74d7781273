// The scripted incident `klaxon demo` plays, in simulated minutes after the demo starts.
// Magnitudes and lengths are chosen against the shipped rules (rules/*.yml): each condition
// holds longer than its rule's `for` plus the 5m rate window, so the rule goes pending,
// firing, and resolved once the phase ends.

/// One stretch of the script.
public struct IncidentPhase: Sendable, Equatable {
    /// Short id, e.g. `provider-outage`.
    public let name: String
    /// One line for the terminal.
    public let title: String
    /// Minutes after the demo start (inclusive) and end (exclusive).
    public let start: Double
    public let end: Double
    /// Alerts the phase is meant to fire (a rule whose `for` is not met stays pending).
    public let expectedAlerts: [String]

    public func contains(_ minute: Double) -> Bool { minute >= start && minute < end }
}

/// The script: phases may overlap (a latency spike begins while the outage is still open).
public struct IncidentTimeline: Sendable {
    public let phases: [IncidentPhase]
    /// When the script is over and every alert has had time to resolve (minutes).
    public let length: Double

    // Providers and models the script picks on (the guide's own examples where it has one).
    static let outageProvider = GatewayzCatalog.providerIndex("fireworks")
    static let stuckHalfOpenModel = "deepseek-r1"
    static let flappingProvider = GatewayzCatalog.providerIndex("chutes")
    static let flappingModel = "deepseek-r1"
    static let failoverProvider = GatewayzCatalog.providerIndex("openrouter")
    static let slowProvider = GatewayzCatalog.providerIndex("together")
    static let criticalModel = "llama-3.1-405b"
    static let costProvider = GatewayzCatalog.providerIndex("openai")

    public static let gatewayz = IncidentTimeline(phases: [
        IncidentPhase(name: "steady", title: "steady state: 47 models on 15 providers, all healthy", start: 0, end: 3,
                      expectedAlerts: []),
        IncidentPhase(name: "provider-degraded", title: "fireworks degraded: health 68, error rate 6%", start: 3, end: 16,
                      expectedAlerts: ["ProviderDegraded"]),
        IncidentPhase(name: "provider-outage",
                      title: "fireworks outage: errors, then all 4 circuit breakers open; traffic fails over to openrouter",
                      start: 16, end: 44,
                      expectedAlerts: ["HighModelErrorRate", "UnusualErrorPattern", "ProviderUnhealthy", "CircuitBreakerOpen",
                                       "AllProviderCircuitBreakersOpen", "MultipleCircuitBreakersOpen",
                                       "CircuitBreakerFailuresAccumulating", "NoInferenceRequests"]),
        IncidentPhase(name: "breaker-flapping", title: "chutes/deepseek-r1 circuit breaker flapping", start: 22, end: 34,
                      expectedAlerts: ["CircuitBreakerFlapping"]),
        IncidentPhase(name: "latency-spike",
                      title: "latency spike: together P95 > 30s (llama-3.1-405b > 60s), slow chat_history/usage_records queries",
                      start: 30, end: 50,
                      expectedAlerts: ["ModelLatencyHigh", "ModelLatencyCritical", "HighRequestLatency", "DatabaseQuerySlow",
                                       "DatabaseQueryCritical", "HighDatabaseErrorRate", "TooManyOpenConnections",
                                       "ProviderDegraded"]),
        IncidentPhase(name: "breaker-half-open", title: "fireworks/deepseek-r1 circuit breaker stuck half-open", start: 41, end: 55,
                      expectedAlerts: ["CircuitBreakerStuckHalfOpen"]),
        IncidentPhase(name: "cost-spike",
                      title: "cost spike: a runaway batch client on openai (3.5x tokens and credits, 4x traffic, rate limited)",
                      start: 48, end: 72,
                      expectedAlerts: ["TokenUsageSpike", "CreditCostSpike", "TrafficAnomalyDetected", "HighRateLimitHitRate",
                                       "RateLimitSystemOverload", "HighHTTP4xxRate"]),
        IncidentPhase(name: "cache-failure",
                      title: "cache failure: Redis connections failing, hit rate 30%, 5xx errors, images endpoint down",
                      start: 68, end: 88,
                      expectedAlerts: ["CacheConnectionFailure", "LowCacheHitRate", "HighHTTP5xxRate", "APIEndpointDown",
                                       "HighCPUUsage", "HighMemoryUsage"]),
        IncidentPhase(name: "recovery", title: "recovery: everything back to normal, alerts resolve", start: 88, end: 96,
                      expectedAlerts: []),
    ], length: 96)

    /// The phases active at `minute` (none before the start: that is history).
    public func active(at minute: Double) -> [IncidentPhase] {
        phases.filter { $0.contains(minute) }
    }

    func phase(_ name: String) -> IncidentPhase {
        guard let p = phases.first(where: { $0.name == name }) else { preconditionFailure("no phase \(name)") }
        return p
    }

    /// What the script does to the backend at `minute` after the start.
    public func effects(at minute: Double) -> Effects {
        var e = Effects()
        let degraded = phase("provider-degraded"), outage = phase("provider-outage")
        if degraded.contains(minute) {
            e.outageErrorRatio = 0.06
            e.outageHealth = 68
        }
        if outage.contains(minute) {
            let m = minute - outage.start
            // 0-3 min: requests fail and breakers count failures; 3-25 min: all breakers open,
            // no traffic; 25-28 min: half-open probes; then closed and healthy.
            if m < 3 {
                e.outageErrorRatio = 0.8
                e.outageHealth = 25
                e.outageBreaker = .closed
                e.outageFailures = (m * 6).rounded(.down)  // one failure every 10 s
            } else if m < 25 {
                e.outageHealth = 22
                e.outageBreaker = .open
                e.outageTraffic = 0
                e.outageFailures = 18
            } else {
                e.outageHealth = 55
                e.outageBreaker = .halfOpen
                e.outageTraffic = 0.1
                e.outageFailures = 18
                e.outageErrorRatio = 0.05
            }
        }
        if phase("breaker-half-open").contains(minute) && !(outage.contains(minute) && minute - outage.start < 25) {
            e.stuckHalfOpen = true
        }
        let flap = phase("breaker-flapping")
        if flap.contains(minute) {
            // Open 90 s, closed 90 s: four transitions in six minutes, never open for the 2 m
            // CircuitBreakerOpen needs.
            let cycle = Int(((minute - flap.start) / 1.5).rounded(.down))
            e.flappingOpen = cycle % 2 == 0
            e.flappingFailures = Double((cycle + 2) / 2 * 5)
            e.flappingHealth = 76
        }
        let latency = phase("latency-spike")
        if latency.contains(minute) {
            e.slowProviderMedian = 20
            e.criticalModelMedian = 35
            e.slowProviderHealth = 72
            e.slowTables = ["chat_history": 0.9, "usage_records": 2.5]
            e.tableErrorRatio = ["usage_records": 0.1]
            e.connections = 92
            e.chatLatencyMedian = 6
        }
        let cost = phase("cost-spike")
        if cost.contains(minute) {
            e.costTokenFactor = 2.5
            e.costRequestFactor = 1.4
            e.runawayRequests = 130
            e.runawayLimitedRatio = 0.75
        }
        let cache = phase("cache-failure")
        if cache.contains(minute) {
            e.cacheFailing = true
            e.cacheHitRatio = 0.3
            e.redisFailuresPerSecond = 0.5
            e.serverErrorRatio = 0.09
            e.imagesDown = true
            e.cpuBusy = 0.88
            e.memoryUsed = 0.94
        }
        return e
    }
}

/// A circuit breaker's state, as `circuit_breaker_state{state}` exposes it (one-hot).
public enum BreakerState: String, Sendable, CaseIterable {
    case closed, open, halfOpen = "half_open"
}

/// What the script changes at one moment; `nil`/neutral values mean "as usual".
public struct Effects: Sendable, Equatable {
    // Provider outage (fireworks).
    public var outageErrorRatio: Double?
    public var outageHealth: Double?
    public var outageBreaker: BreakerState?
    /// Share of the usual traffic the provider still gets (0 while its breakers are open).
    public var outageTraffic = 1.0
    public var outageFailures = 0.0
    public var stuckHalfOpen = false
    public var flappingOpen: Bool?
    public var flappingFailures = 0.0
    public var flappingHealth: Double?
    // Latency spike.
    public var slowProviderMedian: Double?
    public var criticalModelMedian: Double?
    public var slowProviderHealth: Double?
    /// Median query seconds per slow table.
    public var slowTables: [String: Double] = [:]
    public var tableErrorRatio: [String: Double] = [:]
    public var connections: Double?
    public var chatLatencyMedian: Double?
    // Cost spike (openai).
    public var costTokenFactor = 1.0
    public var costRequestFactor = 1.0
    /// Extra requests per second on /v1/chat/completions from the runaway client.
    public var runawayRequests = 0.0
    /// Share of those requests the per-key limit rejects with 429.
    public var runawayLimitedRatio = 0.0
    // Cache failure.
    public var cacheFailing = false
    public var cacheHitRatio: Double?
    public var redisFailuresPerSecond = 0.0
    public var serverErrorRatio: Double?
    public var imagesDown = false
    public var cpuBusy: Double?
    public var memoryUsed: Double?

    public init() {}
}

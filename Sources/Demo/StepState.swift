import Foundation

/// The backend's condition during one 15 s simulation step: request rates, error ratios and
/// latency distributions per entity, after the script's effects and the seeded noise. Every
/// series of an entity reads the same numbers, so histogram buckets stay cumulative and
/// `cache_total` equals hits plus misses.
struct StepState {
    var minute: Double
    var effects: Effects
    // Per provider/model pair.
    var pairTraffic: [Double]
    var pairErrorRatio: [Double]
    var pairMedian: [Double]
    var pairTokensIn: [Double]
    var pairTokensOut: [Double]
    var pairCredits: [Double]
    var pairBreaker: [BreakerState]
    var pairFailures: [Double]
    var providerHealth: [Double]
    // Per table × operation.
    var dbRate: [[Double]]
    var dbErrorRatio: [[Double]]
    var dbMedian: [[Double]]
    var dbSigma: [Double]
    var connections: Double
    // Caches.
    var cacheLookups: [Double]
    var cacheHitRatio: [Double]
    var redisFailures: Double
    // HTTP per endpoint.
    var httpRate: [Double]
    var httpStatusShare: [[Double]]
    var httpMedian: [Double]
    var httpSigma: [Double]
    var rateLimits: [Double]
    // Business and host.
    var signups: Double
    var conversions: Double
    var cpuBusy: [Double]
    var memoryUsed: Double

    static let inferenceSigma = 0.7
    static let spikeSigma = 0.45

    /// Fixed per-pair traits (drawn once from the seed).
    struct PairTraits {
        var baseErrorRatio: Double
        var baseMedian: Double
        var tokensIn: Double
        var tokensOut: Double
        var pricePer1k: Double
        var health: Double
    }

    static func traits(seed: UInt64) -> [PairTraits] {
        GatewayzCatalog.pairs.indices.map { p in
            let k = UInt64(10_000 + p * 16)
            let u = (0..<6).map { unit(seed, k + UInt64($0)) }
            return PairTraits(baseErrorRatio: 0.008 + 0.02 * u[0], baseMedian: 0.6 + 3.4 * u[1],
                              tokensIn: 400 + 1200 * u[2], tokensOut: 150 + 450 * u[3],
                              pricePer1k: 0.0005 + 0.02 * u[4] * u[4], health: 88 + 10 * u[5])
        }
    }

    // swiftlint:disable:next function_body_length
    init(step: Int, timeMs: Int64, minute: Double, timeline: IncidentTimeline, traits: [PairTraits], seed: UInt64) {
        let cat = GatewayzCatalog.self
        let e = minute >= 0 ? timeline.effects(at: minute) : Effects()
        self.minute = minute
        self.effects = e
        // A gentle daily cycle (±12 %) so history is not flat; absolute time keeps it deterministic.
        let day = sin(2 * Double.pi * Double(timeMs % 86_400_000) / 86_400_000)
        let diurnal = 1 + 0.12 * day
        func jitter(_ key: UInt64, _ amount: Double) -> Double { 1 + amount * noise(seed, key, step) }

        let pairs = cat.pairs
        let outage = IncidentTimeline.outageProvider
        var traffic = [Double](repeating: 0, count: pairs.count)
        var lost = 0.0, failoverBase = 0.0
        for (p, pair) in pairs.enumerated() {
            var t = cat.providers[pair.provider].traffic * pair.share * diurnal * jitter(UInt64(100 + p), 0.08)
            if pair.provider == IncidentTimeline.costProvider { t *= e.costRequestFactor }
            if pair.provider == outage {
                lost += t * (1 - e.outageTraffic)
                t *= e.outageTraffic
            }
            if pair.provider == IncidentTimeline.failoverProvider { failoverBase += t }
            traffic[p] = t
        }
        // Open breakers fail traffic over to openrouter.
        if lost > 0, failoverBase > 0 {
            for (p, pair) in pairs.enumerated() where pair.provider == IncidentTimeline.failoverProvider {
                traffic[p] *= 1 + lost / failoverBase
            }
        }
        pairTraffic = traffic
        pairErrorRatio = pairs.indices.map { p in
            let base = traits[p].baseErrorRatio * jitter(UInt64(200 + p), 0.15)
            if pairs[p].provider == outage, let r = e.outageErrorRatio { return max(base, r) }
            return base
        }
        pairMedian = pairs.indices.map { p in
            var m = traits[p].baseMedian * jitter(UInt64(300 + p), 0.05)
            if pairs[p].provider == IncidentTimeline.slowProvider, let s = e.slowProviderMedian {
                m = pairs[p].model == IncidentTimeline.criticalModel ? (e.criticalModelMedian ?? s) : s
            }
            return m
        }
        pairTokensIn = pairs.indices.map { p in
            traits[p].tokensIn * (pairs[p].provider == IncidentTimeline.costProvider ? e.costTokenFactor : 1) * jitter(UInt64(400 + p), 0.1)
        }
        pairTokensOut = pairs.indices.map { p in
            traits[p].tokensOut * (pairs[p].provider == IncidentTimeline.costProvider ? e.costTokenFactor : 1) * jitter(UInt64(500 + p), 0.1)
        }
        var credits = [Double](repeating: 0, count: pairs.count)
        for p in pairs.indices {
            credits[p] = traffic[p] * (pairTokensIn[p] + 3 * pairTokensOut[p]) * traits[p].pricePer1k / 1000
        }
        pairCredits = credits
        var breaker = [BreakerState](repeating: .closed, count: pairs.count)
        var failures = [Double](repeating: 0, count: pairs.count)
        for (p, pair) in pairs.enumerated() {
            if pair.provider == outage {
                breaker[p] = e.outageBreaker ?? .closed
                failures[p] = e.outageFailures
                if e.stuckHalfOpen && pair.model == IncidentTimeline.stuckHalfOpenModel {
                    breaker[p] = .halfOpen
                    failures[p] = max(failures[p], 18)
                }
            }
            if pair.provider == IncidentTimeline.flappingProvider && pair.model == IncidentTimeline.flappingModel, let open = e.flappingOpen {
                breaker[p] = open ? .open : .closed
                failures[p] = e.flappingFailures
            }
        }
        pairBreaker = breaker
        pairFailures = failures
        providerHealth = cat.providers.indices.map { i in
            if i == outage, let h = e.outageHealth { return h + 2 * noise(seed, UInt64(600 + i), step) }
            if i == IncidentTimeline.slowProvider, let h = e.slowProviderHealth { return h + 2 * noise(seed, UInt64(600 + i), step) }
            if i == IncidentTimeline.flappingProvider, let h = e.flappingHealth { return h + 2 * noise(seed, UInt64(600 + i), step) }
            let base = pairs.indices.filter { pairs[$0].provider == i }.map { traits[$0].health }.reduce(0, +)
                / Double(cat.providers[i].models.count)
            return min(100, base + 1.5 * noise(seed, UInt64(600 + i), step))
        }

        let tableWeight: [Double] = [1.5, 2.0, 0.8, 1.2, 1.0, 0.2]
        let opRate: [Double] = [20, 5, 3, 0.5]
        let opMedian: [Double] = [0.006, 0.012, 0.015, 0.01]
        dbRate = cat.databaseTables.indices.map { t in
            cat.databaseOperations.indices.map { o in tableWeight[t] * opRate[o] * diurnal * jitter(UInt64(700 + t * 8 + o), 0.1) }
        }
        dbErrorRatio = cat.databaseTables.indices.map { t in
            cat.databaseOperations.indices.map { o in
                e.tableErrorRatio[cat.databaseTables[t]] ?? 0.002 * jitter(UInt64(800 + t * 8 + o), 0.3)
            }
        }
        dbMedian = cat.databaseTables.indices.map { t in
            cat.databaseOperations.indices.map { o in
                e.slowTables[cat.databaseTables[t]] ?? opMedian[o] * (1 + 0.5 * Double(t % 3)) * jitter(UInt64(900 + t * 8 + o), 0.05)
            }
        }
        dbSigma = cat.databaseTables.map { e.slowTables[$0] != nil ? 0.6 : 1.0 }
        let connectionNoise: Double = noise(seed, 1000, step)
        if let c = e.connections {
            connections = c + 3 * connectionNoise
        } else {
            connections = 22 + 8 * diurnal + 5 * connectionNoise
        }

        let lookups: [Double] = [50, 40, 40, 30]
        let hits: [Double] = [0.93, 0.97, 0.95, 0.82]
        cacheLookups = cat.cacheTypes.indices.map { lookups[$0] * diurnal * jitter(UInt64(1100 + $0), 0.08) }
        cacheHitRatio = cat.cacheTypes.indices.map { i in
            e.cacheHitRatio.map { $0 * jitter(UInt64(1200 + i), 0.05) } ?? min(0.995, hits[i] * jitter(UInt64(1200 + i), 0.01))
        }
        redisFailures = e.redisFailuresPerSecond

        let inferenceTotal = traffic.reduce(0, +)
        var http: [Double] = [0.8 * inferenceTotal + e.runawayRequests, 0.2 * inferenceTotal, e.imagesDown ? 0 : 1.2 * diurnal,
                              3 * diurnal, 2 * diurnal, 1, 0.5, 0.4 * diurnal, 0.1 * diurnal]
        for i in http.indices where i >= 2 { http[i] *= jitter(UInt64(1300 + i), 0.08) }
        httpRate = http
        let baseShare: [Double] = [0, 0.02, 0.01, 0.01, 0.003, 0.002]  // 200 takes the rest
        httpStatusShare = cat.endpoints.indices.map { i in
            var s = baseShare.enumerated().map { k, v in v * jitter(UInt64(1400 + i * 8 + k), 0.2) }
            if let r = e.serverErrorRatio, cat.endpoints[i].path.hasPrefix("/v1/") {
                s[4] = r * 2 / 3
                s[5] = r / 3
            }
            if i == 0, e.runawayRequests > 0, http[0] > 0 {
                // The runaway client's rejected requests are 429s.
                let limited = e.runawayRequests * e.runawayLimitedRatio
                let rest = http[0] - limited
                s = s.map { $0 * rest / http[0] }
                s[3] += limited / http[0]
            }
            s[0] = max(0, 1 - s.dropFirst().reduce(0, +))
            return s
        }
        httpMedian = cat.endpoints.indices.map { i in
            switch i {
            case 0: return e.chatLatencyMedian ?? 1.6
            case 1: return 1.4
            case 2: return 2.5
            case 3: return 0.15
            default: return 0.012
            }
        }
        httpSigma = cat.endpoints.indices.map { i in i <= 2 ? 0.7 : 0.5 }
        let httpTotal = http.reduce(0, +)
        let limitShare: [Double] = [0.003, 0.005, 0.001, 0.004]
        let limitedRunaway = e.runawayRequests * e.runawayLimitedRatio
        rateLimits = cat.rateLimitTypes.indices.map { i -> Double in
            let base: Double = httpTotal * limitShare[i] * jitter(UInt64(1500 + i), 0.2)
            return i == 1 ? base + limitedRunaway : base
        }
        signups = 0.02 * diurnal * jitter(1600, 0.3)
        conversions = 0.0015 * jitter(1601, 0.3)
        cpuBusy = (0..<cat.cpuCount).map { c -> Double in
            let n: Double = noise(seed, UInt64(1700 + c), step)
            if let busy = e.cpuBusy { return busy + 0.03 * n }
            return 0.32 + 0.06 * day + 0.05 * n
        }
        memoryUsed = e.memoryUsed ?? (0.62 + 0.01 * noise(seed, 1800, step))
    }
}

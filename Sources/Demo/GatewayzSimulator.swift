import Exposition
import Foundation
import Model
import Synchronization

/// The simulated Gatewayz backend: every metric of the monitoring guide's metric reference,
/// as a deterministic function of simulated time.
///
/// Time is split into 15 s steps from `historyStart`. During a step every rate is constant;
/// a counter's value is the integral of its rates since `historyStart` (when the simulated
/// process started, so counters begin at 0 there), rounded down to its resolution. Noise is
/// seeded by (seed, entity, step), so the same time always gives the same page, whatever
/// was asked before. The scripted incident (`timeline`) is laid out in minutes after `start`.
public final class GatewayzSimulator: Sendable {
    /// Where the incident timeline's minute 0 is (ms since the epoch).
    public let start: Int64
    /// When the simulated process started: counters are 0 there.
    public let historyStart: Int64
    public let timeline: IncidentTimeline
    public let seed: UInt64
    /// Step length of the simulation (ms).
    public static let step: Int64 = 15_000

    let catalog: SeriesCatalog
    let traits: [StepState.PairTraits]
    /// Per-family metadata for each format, and the series' label arrays.
    let textMetadata: [String: MetricMetadata]
    let openMetricsMetadata: [String: MetricMetadata]

    /// Integrated counter values at the start of step `step`, plus hourly checkpoints so an
    /// earlier time does not restart from zero. Guarded by the mutex; only ever a cache.
    private struct Integral {
        var step = 0
        var sums: [Double]
        var checkpoints: [Int: [Double]] = [:]
    }
    private let integral: Mutex<Integral>
    static let checkpointEvery = 240

    /// - Parameters:
    ///   - start: minute 0 of the incident timeline.
    ///   - history: how long the simulated backend has been up at `start` (default 6 h: the
    ///     spike rules compare against a 6 h average and need 5 h of it).
    public init(start: Int64, history: Int64 = 6 * 3_600_000, timeline: IncidentTimeline = .gatewayz, seed: UInt64 = 0x6A7E_2A11) {
        self.start = start
        self.historyStart = start - history
        self.timeline = timeline
        self.seed = seed
        catalog = SeriesCatalog.build()
        traits = StepState.traits(seed: seed)
        var text: [String: MetricMetadata] = [:], om: [String: MetricMetadata] = [:]
        for f in catalog.families {
            var md = MetricMetadata()
            md.type = f.type
            md.help = f.help
            text[f.name] = md
            // OpenMetrics names a counter family without its `_total` suffix.
            let omName = f.type == "counter" && f.name.hasSuffix("_total") ? String(f.name.dropLast(6)) : f.name
            om[omName] = md
        }
        textMetadata = text
        openMetricsMetadata = om
        integral = Mutex(Integral(sums: [Double](repeating: 0, count: catalog.series.count)))
    }

    /// How many series a page holds.
    public var seriesCount: Int { catalog.series.count }

    /// Metric names, one per family, in exposition order.
    public var familyNames: [String] { catalog.families.map(\.name) }

    /// The series' label sets (with `__name__`), in exposition order.
    public var seriesLabels: [[Label]] { catalog.series.map(\.labels) }

    /// Minutes after the timeline's start.
    public func minute(at t: Int64) -> Double { Double(t - start) / 60_000 }

    /// The phases of the script active at `t`.
    public func phases(at t: Int64) -> [IncidentPhase] { timeline.active(at: minute(at: t)) }

    func state(step k: Int) -> StepState {
        let t = historyStart + Int64(k) * Self.step
        return StepState(step: k, timeMs: t, minute: minute(at: t), timeline: timeline, traits: traits, seed: seed)
    }

    /// Every series' value at `t` (ms), in exposition order.
    public func values(at t: Int64) -> [Double] {
        let clamped = max(t, historyStart)
        let k = Int((clamped - historyStart) / Self.step)
        let into = Double(clamped - historyStart - Int64(k) * Self.step) / 1000
        let sums = integrated(toStep: k)
        let s = state(step: k)
        var out = [Double](repeating: 0, count: catalog.series.count)
        for (i, series) in catalog.series.enumerated() {
            if series.role.isCounter {
                let raw = sums[i] + rate(series.role, s) * into
                let scale = series.role.scale
                out[i] = (raw * scale).rounded(.down) / scale
            } else {
                out[i] = gauge(series.role, s, t: clamped)
            }
        }
        return out
    }

    /// Counter integrals at the start of step `k`.
    private func integrated(toStep k: Int) -> [Double] {
        integral.withLock { g in
            if g.step > k {
                let cp = g.checkpoints.keys.filter { $0 <= k }.max() ?? 0
                g.step = cp
                g.sums = g.checkpoints[cp] ?? [Double](repeating: 0, count: catalog.series.count)
            }
            while g.step < k {
                if g.step % Self.checkpointEvery == 0 && g.checkpoints[g.step] == nil { g.checkpoints[g.step] = g.sums }
                let s = state(step: g.step)
                let dt = Double(Self.step) / 1000
                for (i, series) in catalog.series.enumerated() where series.role.isCounter {
                    g.sums[i] += rate(series.role, s) * dt
                }
                g.step += 1
            }
            return g.sums
        }
    }

    /// Events per second of a counter series during a step.
    func rate(_ role: SeriesRole, _ s: StepState) -> Double {
        func sigma(_ p: Int) -> Double {
            GatewayzCatalog.pairs[p].provider == IncidentTimeline.slowProvider && s.effects.slowProviderMedian != nil
                ? StepState.spikeSigma : StepState.inferenceSigma
        }
        switch role {
        case .inferenceRequests(let p, let error):
            return s.pairTraffic[p] * (error ? s.pairErrorRatio[p] : 1 - s.pairErrorRatio[p])
        case .inferenceBucket(let p, let le):
            return s.pairTraffic[p] * logNormalCDF(le, median: s.pairMedian[p], sigma: sigma(p))
        case .inferenceSum(let p):
            let sg = sigma(p)
            return s.pairTraffic[p] * s.pairMedian[p] * exp(sg * sg / 2)
        case .inferenceCount(let p):
            return s.pairTraffic[p]
        case .tokens(let p, let output):
            return s.pairTraffic[p] * (output ? s.pairTokensOut[p] : s.pairTokensIn[p])
        case .credits(let p):
            return s.pairCredits[p]
        case .databaseQueries(let t, let o, let error):
            return s.dbRate[t][o] * (error ? s.dbErrorRatio[t][o] : 1 - s.dbErrorRatio[t][o])
        case .databaseBucket(let t, let o, let le):
            return s.dbRate[t][o] * logNormalCDF(le, median: s.dbMedian[t][o], sigma: s.dbSigma[t])
        case .databaseSum(let t, let o):
            return s.dbRate[t][o] * s.dbMedian[t][o] * exp(s.dbSigma[t] * s.dbSigma[t] / 2)
        case .databaseCount(let t, let o):
            return s.dbRate[t][o]
        case .cacheHits(let c):
            return s.cacheLookups[c] * s.cacheHitRatio[c]
        case .cacheMisses(let c):
            return s.cacheLookups[c] * (1 - s.cacheHitRatio[c])
        case .cacheLookups(let c):
            return s.cacheLookups[c]
        case .redisFailures:
            return s.redisFailures
        case .http(let e, let st):
            return s.httpRate[e] * s.httpStatusShare[e][st]
        case .httpBucket(let e, let le):
            return s.httpRate[e] * logNormalCDF(le, median: s.httpMedian[e], sigma: s.httpSigma[e])
        case .httpSum(let e):
            return s.httpRate[e] * s.httpMedian[e] * exp(s.httpSigma[e] * s.httpSigma[e] / 2)
        case .httpCount(let e):
            return s.httpRate[e]
        case .rateLimit(let i):
            return s.rateLimits[i]
        case .trialSignups:
            return s.signups
        case .trialConversions:
            return s.conversions
        case .cpu(let c, let mode):
            let b = s.cpuBusy[c]
            let share: [Double] = [0, 0.62, 0.28, 0.04, 0.01, 0.04, 0.005, 0.005]
            return mode == 0 ? 1 - b : b * share[mode]
        case .breakerState, .breakerFailures, .health, .connections, .userCredits, .subscriptions, .memoryAvailable, .memoryTotal:
            return 0
        }
    }

    static let memoryTotal = 34_359_738_368.0

    /// A gauge's value at `t`.
    func gauge(_ role: SeriesRole, _ s: StepState, t: Int64) -> Double {
        switch role {
        case .breakerState(let p, let state):
            return s.pairBreaker[p] == state ? 1 : 0
        case .breakerFailures(let p):
            return s.pairFailures[p]
        case .health(let i):
            return (s.providerHealth[i] * 10).rounded() / 10
        case .connections:
            return s.connections.rounded()
        case .userCredits(let i):
            // Each top account burns credits steadily and tops up every few hours.
            let period = Double(3 + i % 4) * 3_600_000
            let into = Double(t).truncatingRemainder(dividingBy: period) / period
            let top = 500.0 + 250 * Double(i % 5)
            return ((top * (1 - 0.9 * into)) * 100).rounded() / 100
        case .subscriptions(let i):
            let base: [Double] = [5200, 840, 410, 38]
            let drift = 1 + 0.004 * sin(Double(t) / 10_800_000 + Double(i))
            return (base[i] * drift).rounded()
        case .memoryAvailable:
            return ((Self.memoryTotal * (1 - s.memoryUsed)) / 4096).rounded() * 4096
        case .memoryTotal:
            return Self.memoryTotal
        default:
            return 0
        }
    }

    /// The page at `t`: samples in exposition order with the format's metadata.
    /// - Parameter extraLabels: labels added to every sample (a recording adds `job`/`instance`).
    public func page(at t: Int64, format: ExpositionFormat, timestamp: Bool = false, extraLabels: [Label] = []) -> ParsedPage {
        let v = values(at: t)
        var page = ParsedPage()
        page.metadata = format == .openMetrics ? openMetricsMetadata : textMetadata
        page.samples.reserveCapacity(v.count)
        for (i, series) in catalog.series.enumerated() {
            var labels = series.labels
            if !extraLabels.isEmpty {
                labels = labels + extraLabels
                labels.sort { $0.name.utf8Precedes($1.name) }
            }
            page.samples.append(ParsedSample(labels: labels, value: v[i], timestamp: timestamp ? t : nil))
        }
        return page
    }

    /// The `/metrics` body at `t`.
    public func render(at t: Int64, format: ExpositionFormat) -> String {
        ExpositionWriter(format: format).write(page(at: t, format: format))
    }
}

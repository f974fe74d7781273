// Realistic scrape data for the TSDB benchmarks: what one node_exporter-plus-application target
// exports, 100 series per target, advanced one scrape (15 s) at a time.

import Foundation
import Model

/// SplitMix64: small, fast, deterministic.
struct RNG {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 0x1234_5678 }
    @inline(__always) mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    @inline(__always) mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }
    @inline(__always) mutating func int(_ lo: Int, _ hi: Int) -> Int { lo + Int(next() % UInt64(hi - lo + 1)) }
    /// Roughly normal (sum of 4 uniforms), mean 0, sd ≈ 1.
    @inline(__always) mutating func gauss() -> Double { (unit() + unit() + unit() + unit() - 2) * 1.732 }
}

enum Kind: String, CaseIterable { case counter, gauge, histogram }

/// How a series' value moves from one scrape to the next.
enum Gen {
    /// Counter in hundredths (USER_HZ = 100, like node_cpu_seconds_total): + step·U(lo, hi), 2 decimals.
    case centiCounter(lo: Double, hi: Double)
    /// Counter with integer increments in lo...hi; `zeroProb` of scrapes add nothing.
    case intCounter(lo: Int, hi: Int, zeroProb: Double)
    /// Gauge in bytes, multiples of 4096, random walk with sd `pages` pages, kept within lo...hi.
    case pageGauge(start: Double, pages: Double, lo: Double, hi: Double, changeProb: Double)
    /// Gauge with `decimals` decimals (load average, temperature), mean-reverting random walk.
    case decimalGauge(mean: Double, sd: Double, decimals: Int, changeProb: Double)
    /// Integer gauge (goroutines, open fds), random walk.
    case intGauge(mean: Double, sd: Double)
    /// Integer gauge that is not page-aligned (go_memstats_alloc_bytes).
    case byteGauge(mean: Double, sd: Double)
    /// A full-precision float measured each scrape (scrape_duration_seconds).
    case rawFloat(lo: Double, hi: Double)
    case constant(Double)
    /// Histogram parts; filled by the target's histogram step.
    case bucket(handler: Int, index: Int)
    case histSum(handler: Int)
    case histCount(handler: Int)
}

struct SeriesSpec {
    let name: String
    let extra: [(String, String)]
    let kind: Kind
    let gen: Gen
}

let bucketBoundsSeconds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, .infinity]
let histogramHandlers = ["/v1/chat/completions", "/v1/models"]

/// The 100 series every target exports: 49 counters, 23 gauges, 28 histogram series.
let template: [SeriesSpec] = {
    var t: [SeriesSpec] = []
    // node_cpu_seconds_total: 4 CPUs × 8 modes. Idle takes most of the 15 s; steal and nice stay 0.
    let modes: [(String, Double, Double)] = [
        ("idle", 9.0, 14.5), ("user", 0.2, 4.0), ("system", 0.1, 1.2), ("iowait", 0.0, 0.3),
        ("irq", 0, 0), ("softirq", 0.0, 0.15), ("steal", 0, 0), ("nice", 0, 0),
    ]
    for cpu in 0..<4 {
        for (mode, lo, hi) in modes {
            t.append(SeriesSpec(name: "node_cpu_seconds_total", extra: [("cpu", "\(cpu)"), ("mode", mode)],
                                kind: .counter, gen: .centiCounter(lo: lo, hi: hi)))
        }
    }
    for dev in ["eth0", "lo"] {
        let big = dev == "eth0"
        t.append(SeriesSpec(name: "node_network_receive_bytes_total", extra: [("device", dev)], kind: .counter,
                            gen: .intCounter(lo: big ? 20_000 : 500, hi: big ? 3_000_000 : 40_000, zeroProb: 0)))
        t.append(SeriesSpec(name: "node_network_transmit_bytes_total", extra: [("device", dev)], kind: .counter,
                            gen: .intCounter(lo: big ? 10_000 : 500, hi: big ? 1_500_000 : 40_000, zeroProb: 0)))
        t.append(SeriesSpec(name: "node_network_receive_packets_total", extra: [("device", dev)], kind: .counter,
                            gen: .intCounter(lo: big ? 100 : 5, hi: big ? 3_000 : 200, zeroProb: 0)))
        t.append(SeriesSpec(name: "node_network_transmit_packets_total", extra: [("device", dev)], kind: .counter,
                            gen: .intCounter(lo: big ? 80 : 5, hi: big ? 2_500 : 200, zeroProb: 0)))
    }
    let http: [(String, String, Int, Int, Double)] = [
        ("200", "GET", 100, 260, 0), ("200", "POST", 20, 80, 0), ("201", "POST", 0, 12, 0.2),
        ("404", "GET", 1, 3, 0.7), ("429", "POST", 1, 9, 0.9), ("500", "POST", 1, 2, 0.97),
    ]
    for (code, method, lo, hi, z) in http {
        t.append(SeriesSpec(name: "http_requests_total", extra: [("code", code), ("method", method)], kind: .counter,
                            gen: .intCounter(lo: lo, hi: hi, zeroProb: z)))
    }
    t.append(SeriesSpec(name: "node_context_switches_total", extra: [], kind: .counter,
                        gen: .intCounter(lo: 20_000, hi: 45_000, zeroProb: 0)))
    t.append(SeriesSpec(name: "node_intr_total", extra: [], kind: .counter,
                        gen: .intCounter(lo: 10_000, hi: 25_000, zeroProb: 0)))
    t.append(SeriesSpec(name: "process_cpu_seconds_total", extra: [], kind: .counter,
                        gen: .centiCounter(lo: 0.05, hi: 0.6)))
    // Gauges.
    for (m, start) in [("MemAvailable", 9.1e9), ("MemFree", 2.3e9), ("Cached", 5.2e9), ("Buffers", 3.1e8)] {
        t.append(SeriesSpec(name: "node_memory_\(m)_bytes", extra: [], kind: .gauge,
                            gen: .pageGauge(start: start, pages: 300, lo: start * 0.5, hi: start * 1.5, changeProb: 1)))
    }
    for (n, mean) in [("node_load1", 1.2), ("node_load5", 1.1), ("node_load15", 1.0)] {
        t.append(SeriesSpec(name: n, extra: [], kind: .gauge,
                            gen: .decimalGauge(mean: mean, sd: mean * 0.15, decimals: 2, changeProb: 1)))
    }
    for s in 0..<4 {
        t.append(SeriesSpec(name: "node_hwmon_temp_celsius", extra: [("chip", "coretemp"), ("sensor", "temp\(s + 1)")],
                            kind: .gauge, gen: .decimalGauge(mean: 48 + Double(s), sd: 0.6, decimals: 1, changeProb: 0.6)))
    }
    for (mp, start) in [("/", 3.1e10), ("/boot", 7.9e8), ("/var/lib/docker", 1.2e11)] {
        t.append(SeriesSpec(name: "node_filesystem_avail_bytes", extra: [("fstype", "ext4"), ("mountpoint", mp)],
                            kind: .gauge, gen: .pageGauge(start: start, pages: 40, lo: start * 0.9, hi: start * 1.1, changeProb: 0.3)))
    }
    t.append(SeriesSpec(name: "process_resident_memory_bytes", extra: [], kind: .gauge,
                        gen: .pageGauge(start: 2.1e8, pages: 60, lo: 1.5e8, hi: 3e8, changeProb: 0.9)))
    t.append(SeriesSpec(name: "go_goroutines", extra: [], kind: .gauge, gen: .intGauge(mean: 42, sd: 3)))
    t.append(SeriesSpec(name: "up", extra: [], kind: .gauge, gen: .constant(1)))
    t.append(SeriesSpec(name: "process_open_fds", extra: [], kind: .gauge, gen: .intGauge(mean: 18, sd: 1)))
    t.append(SeriesSpec(name: "go_memstats_alloc_bytes", extra: [], kind: .gauge, gen: .byteGauge(mean: 4.8e7, sd: 2e6)))
    t.append(SeriesSpec(name: "scrape_duration_seconds", extra: [], kind: .gauge, gen: .rawFloat(lo: 0.004, hi: 0.02)))
    t.append(SeriesSpec(name: "process_start_time_seconds", extra: [], kind: .gauge, gen: .constant(1_764_201_612.37)))
    t.append(SeriesSpec(name: "node_boot_time_seconds", extra: [], kind: .gauge, gen: .constant(1_763_990_114)))
    t.append(SeriesSpec(name: "scrape_samples_scraped", extra: [], kind: .gauge, gen: .constant(100)))
    // Histograms: 2 handlers × (12 buckets + sum + count).
    for (h, path) in histogramHandlers.enumerated() {
        for (i, le) in bucketBoundsSeconds.enumerated() {
            t.append(SeriesSpec(name: "http_request_duration_seconds_bucket",
                                extra: [("handler", path), ("le", le.isInfinite ? "+Inf" : formatLe(le))],
                                kind: .histogram, gen: .bucket(handler: h, index: i)))
        }
        t.append(SeriesSpec(name: "http_request_duration_seconds_sum", extra: [("handler", path)], kind: .histogram,
                            gen: .histSum(handler: h)))
        t.append(SeriesSpec(name: "http_request_duration_seconds_count", extra: [("handler", path)], kind: .histogram,
                            gen: .histCount(handler: h)))
    }
    precondition(t.count == 100, "template has \(t.count) series")
    return t
}()

func formatLe(_ x: Double) -> String {
    var s = String(x)
    if s.hasSuffix(".0") { s.removeLast(2) }
    return s
}

/// The label set of template series `k` on target `target`.
func seriesLabels(target: Int, _ k: Int) -> Labels {
    let spec = template[k]
    var pairs = [
        Label(name: Labels.metricName, value: spec.name),
        Label(name: "instance", value: "10.\(target / 65536).\((target / 256) % 256).\(target % 256):9100"),
        Label(name: "job", value: "node"),
    ]
    for (n, v) in spec.extra { pairs.append(Label(name: n, value: v)) }
    return Labels(pairs)
}

/// One target's current values; `step()` advances them by one scrape.
struct Target {
    var values: [Double]
    var rng: RNG
    var hist: [[Double]]  // per handler: 12 cumulative counts, then sum, then count

    init(seed: Int) {
        rng = RNG(seed: UInt64(seed) &+ 17)
        values = [Double](repeating: 0, count: template.count)
        hist = Array(repeating: Array(repeating: 0, count: bucketBoundsSeconds.count + 2), count: histogramHandlers.count)
        for (k, s) in template.enumerated() {
            switch s.gen {
            case .centiCounter: values[k] = Double(rng.int(0, 50_000_000)) / 100  // days of uptime, 2 decimals
            case .intCounter(_, let hi, _): values[k] = Double(rng.int(0, max(hi, 1) * 5_000))
            case .pageGauge(let start, _, _, _, _): values[k] = (start / 4096).rounded() * 4096
            case .decimalGauge(let mean, _, let d, _): values[k] = round(mean, d)
            case .intGauge(let mean, _): values[k] = mean
            case .byteGauge(let mean, _): values[k] = mean.rounded()
            case .rawFloat(let lo, let hi): values[k] = lo + rng.unit() * (hi - lo)
            case .constant(let c): values[k] = c
            case .bucket, .histSum, .histCount: values[k] = 0
            }
        }
        // Histograms start from a running process's totals.
        for _ in 0..<200 { stepHistograms() }
        fillHistogramValues()
    }

    @inline(__always) func round(_ x: Double, _ d: Int) -> Double {
        let p = d == 1 ? 10.0 : 100.0
        return (x * p).rounded() / p
    }

    mutating func stepHistograms() {
        for h in 0..<hist.count {
            let n = h == 0 ? rng.int(20, 80) : rng.int(0, 6)
            for _ in 0..<n {
                // Log-uniform latencies 3 ms … 8 s (chat completions are slow; /v1/models fast).
                let u = rng.unit()
                let d = h == 0 ? 0.05 * Foundation.exp(u * 5.1) : 0.003 * Foundation.exp(u * 3.0)
                hist[h][bucketBoundsSeconds.count] += d
                for (i, le) in bucketBoundsSeconds.enumerated() where d <= le { hist[h][i] += 1 }
            }
            hist[h][bucketBoundsSeconds.count + 1] += Double(n)
        }
    }

    mutating func fillHistogramValues() {
        for (k, s) in template.enumerated() {
            switch s.gen {
            case .bucket(let h, let i): values[k] = hist[h][i]
            case .histSum(let h): values[k] = hist[h][bucketBoundsSeconds.count]
            case .histCount(let h): values[k] = hist[h][bucketBoundsSeconds.count + 1]
            default: break
            }
        }
    }

    mutating func step() {
        for k in 0..<values.count {
            switch template[k].gen {
            case .centiCounter(let lo, let hi):
                if hi > 0 { values[k] = ((values[k] * 100).rounded() + (100 * (lo + rng.unit() * (hi - lo))).rounded()) / 100 }
            case .intCounter(let lo, let hi, let z):
                if z == 0 || rng.unit() >= z { values[k] += Double(rng.int(lo, hi)) }
            case .pageGauge(_, let pages, let lo, let hi, let p):
                if p >= 1 || rng.unit() < p {
                    let v = values[k] + (rng.gauss() * pages).rounded() * 4096
                    values[k] = Swift.min(Swift.max(v, lo), hi)
                }
            case .decimalGauge(let mean, let sd, let d, let p):
                if p >= 1 || rng.unit() < p {
                    let v = values[k] + 0.2 * (mean - values[k]) + rng.gauss() * sd * 0.5
                    values[k] = round(Swift.max(v, 0), d)
                }
            case .intGauge(let mean, let sd):
                values[k] = Swift.max(0, (values[k] + 0.2 * (mean - values[k]) + rng.gauss() * sd).rounded())
            case .byteGauge(let mean, let sd):
                values[k] = Swift.max(0, (values[k] + 0.3 * (mean - values[k]) + rng.gauss() * sd).rounded())
            case .rawFloat(let lo, let hi):
                values[k] = lo + rng.unit() * (hi - lo)
            case .constant, .bucket, .histSum, .histCount:
                break
            }
        }
        stepHistograms()
        fillHistogramValues()
    }
}

/// Targets × template series, with a scrape clock.
struct Fleet {
    let targets: Int
    var state: [Target]
    let labels: [Labels]
    var seriesCount: Int { targets * template.count }

    init(targets: Int, buildLabels: Bool = true) {
        self.targets = targets
        state = (0..<targets).map { Target(seed: $0) }
        var ls: [Labels] = []
        if buildLabels {
            ls.reserveCapacity(targets * template.count)
            for t in 0..<targets { for k in 0..<template.count { ls.append(seriesLabels(target: t, k)) } }
        }
        labels = ls
    }

    /// Advances every target by one scrape.
    mutating func step() { for i in state.indices { state[i].step() } }

    /// Value of series `i` (target-major order, as `labels`).
    @inline(__always) func value(_ i: Int) -> Double { state[i / template.count].values[i % template.count] }
}

/// Timestamps: a realistic epoch (2026-11-28 00:00 UTC), scrapes every 15 s, optionally
/// with a few ms of jitter per scrape and target (as when scrape timestamps are not aligned).
let epochStart: Int64 = 1_795_824_000_000
let scrapeMs: Int64 = 15_000

@inline(__always) func scrapeTime(_ k: Int, target: Int, jitterMs: Int) -> Int64 {
    let base = epochStart + Int64(k) * scrapeMs + Int64(target % 1000) * 11  // targets spread over the interval
    guard jitterMs > 0 else { return base }
    var r = RNG(seed: UInt64(k) &* 1_000_003 &+ UInt64(target))
    return base + Int64(r.int(-jitterMs, jitterMs))
}

import Foundation
import Model
@testable import Demo

/// Test helpers over the simulator's raw values: series selected by label, rates and
/// quantiles computed the way the rules compute them (rates over a 5 m window).
struct Snapshot {
    let values: [String: [(labels: [String: String], value: Double)]]

    init(_ sim: GatewayzSimulator, at t: Int64) {
        let v = sim.values(at: t)
        var byName: [String: [(labels: [String: String], value: Double)]] = [:]
        for (i, labels) in sim.seriesLabels.enumerated() {
            var d: [String: String] = [:]
            for l in labels where l.name != Labels.metricName { d[l.name] = l.value }
            let name = labels.first { $0.name == Labels.metricName }!.value
            byName[name, default: []].append((d, v[i]))
        }
        values = byName
    }

    func sum(_ name: String, where match: [String: String] = [:]) -> Double {
        (values[name] ?? []).filter { s in match.allSatisfy { s.labels[$0.key] == $0.value } }.reduce(0) { $0 + $1.value }
    }

    func series(_ name: String, where match: [String: String] = [:]) -> [(labels: [String: String], value: Double)] {
        (values[name] ?? []).filter { s in match.allSatisfy { s.labels[$0.key] == $0.value } }
    }
}

/// A window of two snapshots 5 minutes apart ending at `t`.
struct Window {
    let before: Snapshot
    let after: Snapshot
    let seconds = 300.0

    init(_ sim: GatewayzSimulator, endingAt t: Int64) {
        before = Snapshot(sim, at: t - 300_000)
        after = Snapshot(sim, at: t)
    }

    func rate(_ name: String, where match: [String: String] = [:]) -> Double {
        (after.sum(name, where: match) - before.sum(name, where: match)) / seconds
    }

    /// histogram_quantile over the summed bucket increases of the matching series.
    func quantile(_ q: Double, _ histogram: String, where match: [String: String] = [:]) -> Double {
        var byLE: [Double: Double] = [:]
        for s in after.series(histogram + "_bucket", where: match) {
            let le = s.labels["le"] == "+Inf" ? Double.infinity : Double(s.labels["le"]!)!
            byLE[le, default: 0] += s.value
        }
        for s in before.series(histogram + "_bucket", where: match) {
            let le = s.labels["le"] == "+Inf" ? Double.infinity : Double(s.labels["le"]!)!
            byLE[le, default: 0] -= s.value
        }
        let buckets = byLE.sorted { $0.key < $1.key }
        guard let total = buckets.last?.value, total > 0 else { return .nan }
        let rank = q * total
        var prevLE = 0.0, prevCount = 0.0
        for (le, count) in buckets {
            if count >= rank {
                if le.isInfinite { return prevLE }
                return prevLE + (le - prevLE) * (rank - prevCount) / (count - prevCount)
            }
            prevLE = le
            prevCount = count
        }
        return prevLE
    }
}

/// A clock that always says the same time.
struct FixedClock: Model.Clock {
    let t: Int64
    func now() -> Int64 { t }
}

/// The demo's default start in tests: a fixed, 15 s aligned instant.
let testStart: Int64 = 1_764_400_000_000 - 1_764_400_000_000 % 15_000

func minutes(_ m: Double) -> Int64 { testStart + Int64(m * 60_000) }

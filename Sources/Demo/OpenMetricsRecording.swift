import Exposition
import Foundation
import Model
import Synchronization

/// Collects timestamped samples (every scrape of a demo run) and writes them as one
/// OpenMetrics file ending with `# EOF`, the input `klaxon tsdb import` and
/// `promtool tsdb create-blocks-from openmetrics` read.
///
/// OpenMetrics wants each family's samples together, so nothing is written until `write`:
/// families in the order given by `metadata` (then first-seen), series in first-seen order,
/// each series' samples by time. Staleness markers are dropped (the format cannot carry them).
public final class OpenMetricsRecording: Sendable {
    private struct Series {
        var labels: [Label]
        var name: String
        var timestamps: [Int64] = []
        var values: [Double] = []
    }
    private struct State {
        var index: [Labels: Int] = [:]
        var series: [Series] = []
    }
    private let state = Mutex(State())
    /// OpenMetrics family metadata by family name, in exposition order.
    let families: [(String, MetricMetadata)]

    /// - Parameter families: the known families in order (the simulator's `openMetricsFamilies`);
    ///   samples of other metrics (`up`, the scrape series) are written as `unknown`.
    public init(families: [(String, MetricMetadata)]) {
        self.families = families
    }

    /// Adds one sample.
    public func add(_ labels: Labels, t: Int64, v: Double) {
        if StaleNaN.isStale(v) { return }
        state.withLock { s in
            let i: Int
            if let known = s.index[labels] {
                i = known
            } else {
                i = s.series.count
                s.index[labels] = i
                s.series.append(Series(labels: Array(labels.pairs), name: labels.metricName ?? ""))
            }
            s.series[i].timestamps.append(t)
            s.series[i].values.append(v)
        }
    }

    /// How many samples have been added.
    public var sampleCount: Int { state.withLock { $0.series.reduce(0) { $0 + $1.values.count } } }

    /// The whole recording as OpenMetrics text.
    public func render() -> String {
        let series = state.withLock { $0.series }
        let known = Dictionary(families.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
        func family(of name: String) -> String {
            if known[name] != nil { return name }
            for suffix in ["_bucket", "_count", "_sum", "_total"] where name.hasSuffix(suffix) {
                let base = String(name.dropLast(suffix.count))
                if known[base] != nil { return base }
            }
            return name
        }
        var order = families.map(\.0)
        var members: [String: [Int]] = [:]
        for (i, s) in series.enumerated() {
            let f = family(of: s.name)
            if members[f] == nil && known[f] == nil { order.append(f) }
            members[f, default: []].append(i)
        }
        let writer = ExpositionWriter(format: .openMetrics)
        var out = ""
        for f in order {
            guard let list = members[f] else { continue }
            let md = known[f] ?? MetricMetadata()
            if !md.help.isEmpty { out += "# HELP \(f) \(md.help)\n" }
            out += "# TYPE \(f) \(md.type)\n"
            for i in list {
                let s = series[i]
                let order = s.timestamps.indices.sorted { s.timestamps[$0] < s.timestamps[$1] }
                var last: Int64?
                for k in order where s.timestamps[k] != last {
                    last = s.timestamps[k]
                    out += writer.line(ParsedSample(labels: s.labels, value: s.values[k], timestamp: s.timestamps[k]), name: s.name)
                }
            }
        }
        out += "# EOF\n"
        return out
    }

    /// Writes `render()` to `path`.
    public func write(to path: String) throws {
        try render().write(toFile: path, atomically: true, encoding: .utf8)
    }
}

extension GatewayzSimulator {
    /// OpenMetrics family metadata in exposition order (for `OpenMetricsRecording`).
    public var openMetricsFamilies: [(String, MetricMetadata)] {
        catalog.families.map { f in
            let name = f.type == "counter" && f.name.hasSuffix("_total") ? String(f.name.dropLast(6)) : f.name
            return (name, openMetricsMetadata[name] ?? MetricMetadata())
        }
    }

    /// Renders the simulator directly (no scraping) from `from` to `to` every `step` ms into
    /// `recording`, with `extraLabels` (the scrape's `job`/`instance`) on every series.
    public func record(from: Int64, to: Int64, step: Int64 = GatewayzSimulator.step, extraLabels: [Label],
                       into recording: OpenMetricsRecording) {
        let labels = catalog.series.map { s -> Labels in
            var l = s.labels + extraLabels
            l.sort { $0.name.utf8Precedes($1.name) }
            return Labels(sorted: l)
        }
        var t = from
        while t <= to {
            let v = values(at: t)
            for i in labels.indices { recording.add(labels[i], t: t, v: v[i]) }
            t += step
        }
    }
}

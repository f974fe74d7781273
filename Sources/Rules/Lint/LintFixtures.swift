import Exposition
import Foundation
import Model
import PromQL

/// What the lint knows about the monitored system: series label sets (with their values, to
/// tell gauges from counters), `# TYPE` metadata and histogram bucket bounds. Loaded from
/// promtool test files (`input_series`), OpenMetrics / Prometheus text recordings, or a
/// directory of them (searched recursively).
public struct LintFixtures: Sendable {
    /// Every distinct series, with the values seen for it (in file order).
    public private(set) var series: [Labels: [Double]] = [:]
    /// `# TYPE` per metric family (as written: `foo` in OpenMetrics, `foo_total` in text format 0.0.4).
    public private(set) var types: [String: String] = [:]
    /// The files read.
    public private(set) var sources: [String] = []
    private var byName: [String: [Labels]] = [:]

    public init() {}

    public struct LoadError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Loads a file or a directory. An explicitly named file that does not parse is an error; in a
    /// directory, YAML files that are not promtool test files (e.g. rule files) are skipped.
    public static func load(path: String) throws(LoadError) -> LintFixtures {
        var f = LintFixtures()
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw LoadError(description: "no such file or directory")
        }
        if isDir.boolValue {
            let base = URL(fileURLWithPath: path)
            let items = (FileManager.default.enumerator(atPath: path)?.allObjects as? [String] ?? []).sorted()
            for rel in items {
                let full = base.appendingPathComponent(rel).path
                var d: ObjCBool = false
                guard FileManager.default.fileExists(atPath: full, isDirectory: &d), !d.boolValue else { continue }
                if isYAML(full) {
                    try? f.addTestFile(full)
                } else if isExposition(full) {
                    try f.addExposition(full)
                }
            }
        } else if isYAML(path) {
            try f.addTestFile(path)
        } else {
            try f.addExposition(path)
        }
        return f
    }

    static func isYAML(_ p: String) -> Bool { p.hasSuffix(".yml") || p.hasSuffix(".yaml") }
    static func isExposition(_ p: String) -> Bool {
        [".om", ".prom", ".txt", ".openmetrics", ".metrics"].contains { p.hasSuffix($0) }
    }

    static func read(_ path: String) throws(LoadError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(description: "open \(path): cannot read file")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// A promtool rule unit-test file: every `input_series` of every test group.
    public mutating func addTestFile(_ path: String) throws(LoadError) {
        let text = try Self.read(path)
        let file: UnitTestFile
        do { file = try UnitTestFile.decode(text) } catch { throw LoadError(description: "\(path): \(error)") }
        for g in file.tests {
            for s in g.inputSeries {
                let line = s.series + " " + s.values
                let (metric, offset) = InputSeriesLoader.split(line)
                let labels: Labels
                do { labels = try SeriesNotation.parseLabels(metric) } catch {
                    throw LoadError(description: "\(path): series \(s.series): \(error)")
                }
                let values = (try? SeriesNotation.expand(String(decoding: Array(line.utf8)[offset...], as: UTF8.self))) ?? []
                add(labels, values.compactMap { $0 })
            }
        }
        sources.append(path)
    }

    /// An OpenMetrics (ends with `# EOF`) or Prometheus text recording; samples of the same
    /// series on several lines (a recording with timestamps) are one series.
    public mutating func addExposition(_ path: String) throws(LoadError) {
        let text = try Self.read(path)
        let isOM = text.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces) == "# EOF" }
        let page: ParsedPage
        do { page = try ExpositionParser(format: isOM ? .openMetrics : .prometheusText).parse(text) } catch {
            throw LoadError(description: "\(path): \(error)")
        }
        for s in page.samples { add(Labels(s.labels), [s.value]) }
        for (name, m) in page.metadata where m.type != "unknown" { types[name] = m.type }
        sources.append(path)
    }

    mutating func add(_ labels: Labels, _ values: [Double]) {
        if series[labels] == nil {
            byName[labels.metricName ?? "", default: []].append(labels)
            series[labels] = values
        } else {
            series[labels]! += values
        }
    }

    public var isEmpty: Bool { series.isEmpty }

    /// Series of metric `name`.
    public func series(named name: String) -> [Labels] { byName[name] ?? [] }

    public func contains(metric name: String) -> Bool { byName[name] != nil }

    /// Series of the selector's metric that its matchers select.
    public func matching(_ vs: VectorSelector) -> [Labels] {
        guard let name = RuleLint.metricName(vs) else { return [] }
        return series(named: name).filter { vs.matchers.matches($0) }
    }

    /// The highest finite `le` of the `_bucket` series the selector picks, as written, with its value.
    public func highestFiniteBucket(_ vs: VectorSelector) -> (text: String, value: Double)? {
        var best: (String, Double)? = nil
        for l in matching(vs) {
            guard let le = l["le"], let v = PromQLParser.parseNumber(le) ?? Double(le), v.isFinite else { continue }
            if best == nil || v > best!.1 { best = (le, v) }
        }
        return best
    }

    /// The `# TYPE` of a metric: its own family, or the family it is a `_total`/`_count`/... series of.
    public func metadataType(_ metric: String) -> String? {
        if let t = types[metric] { return t }
        for suffix in ["_total", "_count", "_sum", "_bucket", "_created"] where metric.hasSuffix(suffix) {
            let family = String(metric.dropLast(suffix.count))
            guard let t = types[family] else { continue }
            switch (t, suffix) {
            case ("counter", "_total"), ("counter", "_created"): return "counter"
            case ("histogram", _), ("gaugehistogram", _), ("summary", _):
                return suffix == "_bucket" && t == "summary" ? nil : (t == "gaugehistogram" ? "gauge" : "counter")
            default: return t
            }
        }
        return nil
    }

    /// Whether a fixture series of the metric goes down to a value other than 0: a counter only
    /// decreases on a reset (which restarts from 0), so such a metric behaves as a gauge.
    public func behavesAsGauge(_ metric: String) -> Bool {
        for l in series(named: metric) {
            let vs = series[l] ?? []
            for i in vs.indices.dropFirst() where vs[i] < vs[i - 1] && vs[i] != 0 { return true }
        }
        return false
    }
}

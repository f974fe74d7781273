import Exposition
import Model

/// What one scrape appends, and why it failed if it did. Pure, so the rules for labels,
/// limits and staleness are tested without a network.
public struct ScrapeReport: Sendable {
    /// Samples to append, in order (page samples, stale markers, then synthetic series).
    public var samples: [(Labels, Int64, Double)] = []
    /// Series this scrape wrote; the next scrape marks the ones that vanish as stale.
    /// Filled by `ScrapeProcessor.process` only (`ScrapeCache` keeps this history itself).
    public var series: Set<Labels> = []
    /// Series of this scrape that the previous one did not have (`ScrapeProcessor.process` only).
    public var newSeries: [Labels] = []
    public var error: String?
    public var scraped = 0
    public var postRelabeling = 0
    public var added = 0
}

/// Per-target scrape settings that shape the samples.
public struct ScrapeOptions: Sendable {
    public var honorLabels = false
    public var honorTimestamps = true
    public var metricRelabel: [RelabelConfig] = []
    public var sampleLimit = 0
    public var labelLimit = 0
    public init() {}
}

public enum ScrapeProcessor {
    /// Turns a fetched page (or a fetch error) into the samples to append at `time`.
    /// `previous` is the series set of the last scrape of this target.
    public static func process(page: Result<ParsedPage, ScrapeFailure>, target: ScrapeTarget, options: ScrapeOptions,
                               previous: Set<Labels>, seenBefore: (Labels) -> Bool, time: Int64,
                               duration: Double) -> ScrapeReport {
        var r = ScrapeReport()
        var failure: String?
        var pageSamples: [(Labels, Int64, Double)] = []
        switch page {
        case .failure(let f): failure = f.message
        case .success(let p):
            r.scraped = p.samples.count
            for s in p.samples {
                guard let final = finalLabels(s.labels, target: target, options: options) else { continue }
                if options.labelLimit > 0 && final.count > options.labelLimit {
                    failure = labelLimitMessage(final, options.labelLimit)
                    break
                }
                let t = options.honorTimestamps ? (s.timestamp ?? time) : time
                pageSamples.append((final, t, s.value))
            }
            r.postRelabeling = pageSamples.count
            if failure == nil && options.sampleLimit > 0 && pageSamples.count > options.sampleLimit {
                failure = "sample limit exceeded"
            }
        }
        if let failure {
            r.error = failure
            // A failed scrape ends every series the target had.
            for l in previous.sorted(by: <) { r.samples.append((l, time, StaleNaN.value)) }
            r.postRelabeling = 0
        } else {
            var seen = Set<Labels>(minimumCapacity: pageSamples.count)
            r.samples.reserveCapacity(pageSamples.count + 5)
            var stillThere = 0
            for (l, t, v) in pageSamples where seen.insert(l).inserted {
                r.samples.append((l, t, v))
                if previous.contains(l) {
                    stillThere += 1
                } else {
                    r.newSeries.append(l)
                    if !seenBefore(l) { r.added += 1 }
                }
            }
            r.series = seen
            // Only when something vanished is the set difference worth computing.
            if stillThere < previous.count {
                for l in previous.subtracting(seen).sorted(by: <) { r.samples.append((l, time, StaleNaN.value)) }
            }
        }
        appendSynthetic(&r, target: target, time: time, duration: duration)
        return r
    }

    /// The labels a page sample is stored under: the target's labels merged in, then metric
    /// relabeling. Nil when relabeling drops it.
    static func finalLabels(_ exposed: [Label], target: ScrapeTarget, options: ScrapeOptions) -> Labels? {
        let merged = mergeLabels(Labels(sortedSlice: exposed[...]), target.labels, honor: options.honorLabels)
        return Relabeler.process(merged, options.metricRelabel)
    }

    static func labelLimitMessage(_ final: Labels, _ limit: Int) -> String {
        "label_limit exceeded (metric: \(final.get(Labels.metricName)), number of labels: \(final.count), limit: \(limit))"
    }

    /// The five series every scrape writes, after everything else; `up` is 0 when `r.error` is set.
    static func appendSynthetic(_ r: inout ScrapeReport, target: ScrapeTarget, time: Int64, duration: Double) {
        let up: Double = r.error == nil ? 1 : 0
        for (name, v) in [("up", up), ("scrape_duration_seconds", duration), ("scrape_samples_scraped", Double(r.scraped)),
                          ("scrape_samples_post_metric_relabeling", Double(r.postRelabeling)), ("scrape_series_added", Double(r.added))] {
            r.samples.append((target.labels.setting(Labels.metricName, name), time, v))
        }
    }

    static let syntheticNames = ["up", "scrape_duration_seconds", "scrape_samples_scraped", "scrape_samples_post_metric_relabeling",
                                 "scrape_series_added"]

    /// Prometheus' `mutateSampleLabels` before metric relabeling: target labels win unless
    /// `honor_labels`; a clashing exposed label is kept as `exported_<name>`.
    static func mergeLabels(_ exposed: Labels, _ target: Labels, honor: Bool) -> Labels {
        var b = LabelsBuilder(exposed)
        if honor {
            for p in target.pairs where exposed[p.name] == nil { b.set(p.name, p.value) }
            return b.labels
        }
        var conflicts: [Label] = []
        for p in target.pairs {
            if let v = exposed[p.name], !v.isEmpty { conflicts.append(Label(name: p.name, value: v)) }
            b.set(p.name, p.value)
        }
        for c in conflicts {
            var name = "exported_" + c.name
            while exposed[name] != nil || target[name] != nil { name = "exported_" + name }
            b.set(name, c.value)
        }
        return b.labels
    }
}

/// Why a scrape produced no page.
public struct ScrapeFailure: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ m: String) { message = m }
    public var description: String { message }
}

import Model

/// One target after target relabeling: its public labels and where to scrape it.
public struct ScrapeTarget: Sendable, Hashable {
    /// The labels every scraped sample gets (no `__` labels; `instance` and `job` set).
    public var labels: Labels
    public var url: String
    public var interval: Int64
    public var timeout: Int64

    public init(labels: Labels, url: String, interval: Int64, timeout: Int64) {
        self.labels = labels
        self.url = url
        self.interval = interval
        self.timeout = timeout
    }

    /// Builds a target from discovered labels as Prometheus' `PopulateLabels` does: defaults for
    /// `__scheme__`, `__metrics_path__` and intervals, relabeling, then `instance` from
    /// `__address__` and every `__` label removed. Nil when relabeling drops it.
    public static func populate(_ discovered: Labels, job: String, scheme: String, metricsPath: String,
                                params: [String: [String]], interval: Int64, timeout: Int64,
                                relabel: [RelabelConfig]) throws -> ScrapeTarget? {
        var b = LabelsBuilder(discovered)
        let defaults: [(String, String)] = [
            ("job", job), ("__scheme__", scheme), ("__metrics_path__", metricsPath),
            ("__scrape_interval__", PromDuration.format(interval)), ("__scrape_timeout__", PromDuration.format(timeout)),
        ]
        for (k, v) in defaults where b.get(k).isEmpty { b.set(k, v) }
        for (k, vs) in params where b.get("__param_" + k).isEmpty {
            if let first = vs.first { b.set("__param_" + k, first) }
        }
        guard let relabeled = Relabeler.process(b.labels, relabel) else { return nil }
        let address = relabeled.get("__address__")
        guard !address.isEmpty else { throw ScrapeConfigError("no address") }
        var out = LabelsBuilder(relabeled)
        if relabeled.get("instance").isEmpty { out.set("instance", address) }
        var query: [String] = []
        for p in relabeled.pairs {
            if p.name.hasPrefix("__param_") { query.append("\(percentEncode(String(p.name.dropFirst(8))))=\(percentEncode(p.value))") }
        }
        for (k, vs) in params.sorted(by: { $0.key < $1.key }) where vs.count > 1 {
            for v in vs.dropFirst() { query.append("\(percentEncode(k))=\(percentEncode(v))") }
        }
        for p in relabeled.pairs where p.name.hasPrefix("__") { out.delete(p.name) }
        let sch = relabeled.get("__scheme__"), path = relabeled.get("__metrics_path__")
        let intervalText = relabeled.get("__scrape_interval__"), timeoutText = relabeled.get("__scrape_timeout__")
        let iv = (try? PromDuration.parse(intervalText)) ?? interval
        let to = (try? PromDuration.parse(timeoutText)) ?? timeout
        if to > iv { throw ScrapeConfigError("scrape timeout cannot be greater than scrape interval (\(timeoutText) > \(intervalText))") }
        var url = "\(sch)://\(address)\(path.hasPrefix("/") ? path : "/" + path)"
        if !query.isEmpty { url += "?" + query.joined(separator: "&") }
        return ScrapeTarget(labels: out.labels, url: url, interval: iv, timeout: to)
    }

    /// Spreads loops over the interval by a hash of the target, as Prometheus spreads them:
    /// the delay until this target's first scrape after `now`.
    public func offset(now: Int64, seed: UInt64 = 0) -> Int64 {
        var h = labels.fingerprint
        for b in url.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        let off = Int64((h ^ seed) % UInt64(interval))
        let base = interval - ((now % interval) + interval) % interval
        var next = base + off
        if next > interval { next -= interval }
        return next
    }
}

func percentEncode(_ s: String) -> String {
    var out = ""
    for b in s.utf8 {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
            out.unicodeScalars.append(Unicode.Scalar(b))
        default:
            let hex = Array("0123456789ABCDEF")
            out += "%" + String(hex[Int(b >> 4)]) + String(hex[Int(b & 15)])
        }
    }
    return out
}

public struct ScrapeConfigError: Error, CustomStringConvertible, Equatable, Sendable {
    public var message: String
    public init(_ m: String) { message = m }
    public var description: String { message }
}

import ConfigYAML
import Foundation
import Model
import Synchronization
import Yams

/// Runs one scrape loop per target of the current scrape configs. `apply` starts and stops
/// loops on a config change (a removed target's series get staleness markers); `run`
/// re-reads file_sd files until cancelled, then stops every loop and waits for it.
///
/// In manual mode (`klaxon record`, tests) `apply` registers the targets but starts no
/// wall-clock loops: the caller scrapes with `scrapeAllOnce()` on its own schedule.
public final class ScrapeManager: Sendable {
    let fetcher: any ScrapeFetcher
    let storage: any Appendable
    let clock: any Model.Clock
    /// No loop tasks: scrapes happen only in `scrapeAllOnce()`.
    public let isManual: Bool
    public let status = StatusBoard()

    struct Running {
        var loop: ScrapeLoop
        /// Nil in manual mode.
        var task: Task<Void, Never>?
    }

    private let state = Mutex<(configs: [ScrapeConfig], loops: [String: Running], fileStamps: [String: Date])>(([], [:], [:]))

    public init(fetcher: any ScrapeFetcher, storage: any Appendable, clock: any Model.Clock, manual: Bool = false) {
        self.fetcher = fetcher
        self.storage = storage
        self.clock = clock
        self.isManual = manual
    }

    /// Replaces the scrape configs: unchanged targets keep their loops.
    public func apply(_ configs: [ScrapeConfig]) {
        state.withLock { $0.configs = configs }
        sync()
    }

    /// Re-reads discovery and reconciles loops. Called by `apply` and on file_sd changes.
    func sync() {
        let configs = state.withLock { $0.configs }
        var wanted: [String: (ScrapeTarget, ScrapeConfig, Labels)] = [:]
        for c in configs {
            for (discovered, _) in discover(c) {
                guard let t = try? ScrapeTarget.populate(discovered, job: c.jobName, scheme: c.scheme, metricsPath: c.metricsPath,
                                                         params: c.params, interval: c.interval, timeout: c.timeout,
                                                         relabel: c.relabelConfigs) else { continue }
                wanted[t.url + t.labels.description] = (t, c, discovered)
            }
        }
        var stopped: [Running] = []
        state.withLock { s in
            for (key, r) in s.loops where wanted[key] == nil {
                stopped.append(r)
                s.loops[key] = nil
            }
            for (key, (t, c, d)) in wanted where s.loops[key] == nil {
                let loop = ScrapeLoop(target: t, config: c, discovered: d, fetcher: fetcher, storage: storage, clock: clock, status: status)
                status.register(key, TargetStatus(job: c.jobName, url: t.url, labels: t.labels, discoveredLabels: d,
                                                  interval: t.interval, timeout: t.timeout))
                s.loops[key] = Running(loop: loop, task: isManual ? nil : Task { await loop.run() })
            }
        }
        for r in stopped {
            if let t = r.task { t.cancel() } else { r.loop.endSeries() }
            status.remove(r.loop.key)
        }
    }

    /// Watches file_sd files until cancelled; then stops all loops, waiting for their staleness markers.
    public func run() async {
        while !Task.isCancelled {
            if fileSDChanged() { sync() }
            try? await Task.sleep(for: .seconds(1))
        }
        let all = state.withLock { s -> [Running] in
            let r = Array(s.loops.values)
            s.loops = [:]
            return r
        }
        for r in all { r.task?.cancel() }
        for r in all { await r.task?.value }
    }

    /// How many targets are registered.
    public var targetCount: Int { state.withLock { $0.loops.count } }

    /// Scrapes every target once now, in parallel (for tests and `klaxon record`).
    public func scrapeAllOnce() async {
        let loops = state.withLock { s in s.loops.values.map(\.loop) }
        await withTaskGroup(of: Void.self) { g in
            for l in loops { g.addTask { await l.scrapeOnce() } }
        }
    }

    func fileSDChanged() -> Bool {
        let files = state.withLock { $0.configs.flatMap { $0.fileSDConfigs.flatMap(\.files) } }
        var changed = false
        var stamps: [String: Date] = [:]
        for pattern in files {
            for f in expandGlob(pattern) {
                let m = (try? FileManager.default.attributesOfItem(atPath: f)[.modificationDate] as? Date) ?? Date(timeIntervalSince1970: 0)
                stamps[f] = m
            }
        }
        state.withLock { s in
            if s.fileStamps != stamps { changed = true; s.fileStamps = stamps }
        }
        return changed
    }

    /// The discovered label sets of a config: static groups and file_sd files.
    func discover(_ c: ScrapeConfig) -> [(Labels, String)] {
        var groups = c.staticConfigs
        for sd in c.fileSDConfigs {
            for pattern in sd.files {
                for f in expandGlob(pattern) { groups += (try? FileSD.read(f)) ?? [] }
            }
        }
        var out: [(Labels, String)] = []
        for g in groups {
            for t in g.targets {
                var b = LabelsBuilder(Labels(g.labels))
                b.set("__address__", t)
                if g.source.hasPrefix("/") || g.source.contains(".") { b.set("__meta_filepath", g.source) }
                out.append((b.labels, g.source))
            }
        }
        return out
    }
}

func expandGlob(_ pattern: String) -> [String] {
    guard pattern.contains("*") || pattern.contains("?") || pattern.contains("[") else { return [pattern] }
    var g = glob_t()
    defer { globfree(&g) }
    guard glob(pattern, 0, nil, &g) == 0 else { return [] }
    return (0..<Int(g.gl_pathc)).compactMap { g.gl_pathv[$0].map { String(cString: $0) } }
}

/// file_sd files: a JSON or YAML list of `{targets: [...], labels: {...}}`.
public enum FileSD {
    public static func read(_ path: String) throws -> [TargetGroup] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        guard let root = try StrictYAML.compose(text) else { return [] }
        var y = StrictYAML(typePrefix: "targetgroup")
        var out: [TargetGroup] = []
        for (i, n) in y.sequence(root, of: "Group").enumerated() {
            out.append(try ScrapeConfig.targetGroup(n, source: "\(path):\(i)", &y))
        }
        try y.finish()
        return out.map { g in var g = g; g.source = path; return g }
    }
}

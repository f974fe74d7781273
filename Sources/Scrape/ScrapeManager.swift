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

    /// Errors worth an operator's attention (unreadable file_sd files, targets that cannot be built).
    let onError: @Sendable (String) -> Void
    /// Detail (targets dropped by relabeling).
    let onDebug: @Sendable (String) -> Void

    private let state = Mutex<(configs: [ScrapeConfig], loops: [String: Running], fileStamps: [String: Date])>(([], [:], [:]))
    /// Held for a whole `sync`, so discovery and reconciliation of two syncs never interleave.
    private let discovery = Mutex(FileSDState())

    public init(fetcher: any ScrapeFetcher, storage: any Appendable, clock: any Model.Clock, manual: Bool = false,
                onError: @escaping @Sendable (String) -> Void = { _ in }, onDebug: @escaping @Sendable (String) -> Void = { _ in }) {
        self.fetcher = fetcher
        self.storage = storage
        self.clock = clock
        self.isManual = manual
        self.onError = onError
        self.onDebug = onDebug
    }

    /// Replaces the scrape configs: unchanged targets keep their loops.
    public func apply(_ configs: [ScrapeConfig]) {
        state.withLock { $0.configs = configs }
        // Record mtimes first: a file changed during the sync below is seen by the next `poll`.
        _ = fileSDChanged()
        sync()
    }

    /// One look at the file_sd files (`run` calls it every second): re-syncs when a file's
    /// mtime changed or a config's `refresh_interval` has passed. True when it synced.
    @discardableResult
    func poll() -> Bool {
        let configs = state.withLock { $0.configs }
        let due = discovery.withLock { $0.due(configs, now: clock.now()) }
        let changed = fileSDChanged()
        guard changed || !due.isEmpty else { return false }
        sync(refresh: due)
        return true
    }

    /// Re-reads discovery and reconciles loops. Called by `apply` and on file_sd changes;
    /// the file_sd configs in `refresh` (see `FileSDState.key`) re-read every file.
    func sync(refresh: Set<String> = []) {
        discovery.withLock { sd in sync(refresh: refresh, &sd) }
    }

    private func sync(refresh: Set<String>, _ sd: inout FileSDState) {
        let configs = state.withLock { $0.configs }
        let now = clock.now()
        sd.keepOnly(configs)
        var wanted: [String: (ScrapeTarget, ScrapeConfig, Labels)] = [:]
        var dropped: [DroppedTarget] = []
        for c in configs {
            for (discovered, _) in discover(c, &sd, refresh: refresh, now: now) {
                do {
                    guard let t = try ScrapeTarget.populate(discovered, job: c.jobName, scheme: c.scheme, metricsPath: c.metricsPath,
                                                            params: c.params, interval: c.interval, timeout: c.timeout,
                                                            relabel: c.relabelConfigs) else {
                        dropped.append(DroppedTarget(job: c.jobName, discoveredLabels: discovered))
                        continue
                    }
                    wanted[t.url + t.labels.description] = (t, c, discovered)
                } catch {
                    onError("Creating target failed in scrape pool \"\(c.jobName)\": \(error) (discovered labels \(discovered))")
                }
            }
        }
        let before = Set(status.dropped)
        for d in dropped where !before.contains(d) {
            onDebug("Target dropped by relabeling in scrape pool \"\(d.job)\": \(d.discoveredLabels)")
        }
        status.setDropped(dropped)
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
            poll()
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
            for f in FileSD.files(pattern) {
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
    func discover(_ c: ScrapeConfig, _ sd: inout FileSDState, refresh: Set<String>, now: Int64) -> [(Labels, String)] {
        var groups = c.staticConfigs
        for (i, fc) in c.fileSDConfigs.enumerated() {
            let key = FileSDState.key(job: c.jobName, index: i)
            let full = refresh.contains(key) || sd.refreshedAt[key] == nil
            if full { sd.refreshedAt[key] = now }
            groups += sd.groups(fc, force: full, report: onError)
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

import ArgumentParser
import DryRun
import Engine
import Foundation
import Model
import Scrape
import Server
import Synchronization

/// `klaxon record`: scrapes live targets through the real scrape code (a manual-mode
/// `ScrapeManager`, so relabeling, target labels and the `up`/`scrape_*` series are those of
/// `klaxon run`) and writes OpenMetrics with timestamps for `klaxon dry-run`,
/// `klaxon tsdb import` and `promtool tsdb create-blocks-from openmetrics`.
///
/// The file is rewritten atomically (temporary file, then rename) every `--checkpoint` and at
/// the end, so it is valid at any moment; SIGINT/SIGTERM stop cleanly after a last write.
struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record live /metrics endpoints into an OpenMetrics file with timestamps, for dry-run.")

    @Option(name: .customLong("target"), help: "A /metrics URL to scrape (repeatable).")
    var targets: [String] = []

    @Option(name: .customLong("config.file"), help: "Also scrape the scrape_configs of this Prometheus configuration.")
    var configFile: String?

    @Option(help: "The job label of --target URLs.")
    var job = "record"

    @Option(help: "Scrape interval of --target URLs.")
    var interval = "15s"

    @Option(help: "How long to record.")
    var duration = "30m"

    @Option(help: "Rewrite the output this often while recording.")
    var checkpoint = "1m"

    @Option(help: "The output file (OpenMetrics text).")
    var out: String

    func validate() throws {
        if targets.isEmpty && configFile == nil { throw ValidationError("give at least one --target URL or --config.file") }
        for t in targets where URLComponents(string: t)?.host == nil {
            throw ValidationError("--target \(t): want a URL like http://host:port/metrics")
        }
        for (flag, v) in [("--interval", interval), ("--duration", duration), ("--checkpoint", checkpoint)] {
            guard let d = try? PromDuration.parse(v), d > 0 else { throw ValidationError("\(flag): bad duration \(v)") }
        }
    }

    /// Scrape configs for the `--target` URLs: one job, each URL's scheme and path.
    func targetConfigs() -> [ScrapeConfig] {
        let iv = (try? PromDuration.parse(interval)) ?? 15_000
        var out: [ScrapeConfig] = []
        for t in targets {
            guard let u = URLComponents(string: t), let host = u.host else { continue }
            var c = ScrapeConfig(interval: iv, timeout: min(iv, 10_000))
            c.jobName = job
            c.scheme = u.scheme ?? "http"
            c.metricsPath = u.path.isEmpty ? "/metrics" : u.path
            for q in u.queryItems ?? [] { c.params[q.name, default: []].append(q.value ?? "") }
            let address = u.port.map { "\(host):\($0)" } ?? host
            c.staticConfigs = [TargetGroup(targets: [address], labels: [:], source: "--target")]
            out.append(c)
        }
        return out
    }

    func run() throws {
        var configs = targetConfigs()
        if let f = configFile {
            do { configs += try PrometheusConfig.load(path: f).scrapeConfigs } catch {
                printError("record: \(error)")
                throw ExitCode(2)
            }
        }
        let settings = RecordSettings(configs: configs, interval: (try? PromDuration.parse(interval)) ?? 15_000,
                                      duration: (try? PromDuration.parse(duration)) ?? 1_800_000,
                                      checkpoint: (try? PromDuration.parse(checkpoint)) ?? 60_000, out: out)
        try runBlocking { await settings.run() }
    }
}

struct RecordSettings: Sendable {
    var configs: [ScrapeConfig]
    /// ms.
    var interval: Int64
    var duration: Int64
    var checkpoint: Int64
    var out: String

    func run() async -> Int32 {
        let stop = Atomic<Bool>(false)
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let sources = [SIGINT, SIGTERM].map { sig -> DispatchSourceSignal in
            let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            s.setEventHandler { stop.store(true, ordering: .releasing) }
            s.resume()
            return s
        }
        defer { sources.forEach { $0.cancel() } }

        let fetcher: HTTPScrapeFetcher
        do { fetcher = try HTTPScrapeFetcher() } catch {
            printError("record: starting the scrape client failed: \(error)")
            return 2
        }
        defer { fetcher.shutdown() }
        let store = RecordingStore()
        let clock = WallClock()
        let manager = ScrapeManager(fetcher: fetcher, storage: store, clock: clock, manual: true)
        manager.apply(configs)
        let targetCount = manager.targetCount
        let isTTY = isatty(2) != 0
        let start = clock.now()
        var scrapes = 0
        var lastCheckpoint = start
        var lastProgressLine = start
        func progress(final: Bool) {
            let elapsed = clock.now() - start
            let down = manager.status.targets.filter { $0.health == .down }.count
            let line = "recording \(targetCount) target(s) every \(PromDuration.format(interval)): "
                + "\(PromDuration.format(elapsed / 1000 * 1000)) / \(PromDuration.format(duration)), \(scrapes) scrape round(s), "
                + "\(store.sampleCount) samples in \(store.seriesCount) series" + (down > 0 ? ", \(down) target(s) down" : "")
            if isTTY {
                FileHandle.standardError.write(Data(("\r\u{1B}[K" + line + (final ? "\n" : "")).utf8))
            } else if final || clock.now() - lastProgressLine >= 60_000 {
                FileHandle.standardError.write(Data((line + "\n").utf8))
                lastProgressLine = clock.now()
            }
        }
        while !stop.load(ordering: .acquiring) {
            let due = start + Int64(scrapes) * interval
            if due - start >= duration { break }
            // Sleep in short steps so Ctrl-C is honoured promptly.
            while clock.now() < due && !stop.load(ordering: .acquiring) {
                try? await Task.sleep(for: .milliseconds(min(200, max(1, due - clock.now()))))
            }
            if stop.load(ordering: .acquiring) { break }
            await manager.scrapeAllOnce()
            scrapes += 1
            progress(final: false)
            if clock.now() - lastCheckpoint >= checkpoint {
                do { try store.write(to: out) } catch {
                    printError("\nrecord: \(error)")
                    return 1
                }
                lastCheckpoint = clock.now()
            }
        }
        progress(final: true)
        do { try store.write(to: out) } catch {
            printError("record: \(error)")
            return 1
        }
        let why = stop.load(ordering: .acquiring) ? "interrupted" : "done"
        FileHandle.standardError.write(Data("record: \(why): wrote \(store.sampleCount) samples of \(store.seriesCount) series to \(out)\n".utf8))
        return 0
    }
}

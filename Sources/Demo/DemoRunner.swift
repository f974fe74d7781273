import Alerting
import DryRun
import Engine
import Exposition
import Foundation
import Logging
import Model
import PromQL
import Rules
import Scrape
import Server
import ServiceLifecycle
import Synchronization
import UnixSignals

/// What `klaxon demo` is asked to do.
public struct DemoOptions: Sendable {
    /// Simulated seconds per wall second.
    public var speed: Double = 60
    /// Klaxon's HTTP API (and UI) address.
    public var apiHost = "127.0.0.1"
    public var apiPort = 9096
    /// The simulated backend's port on 127.0.0.1 (0 picks one).
    public var exporterPort = 0
    /// Also deliver every notification to this webhook.
    public var webhookURL: String?
    /// Write every scrape to this OpenMetrics file at the end.
    public var recordPath: String?
    public var ruleFiles = ["rules/*.yml"]
    public var alertmanagerConfigFile = "fixtures/config/demo-alertmanager.yml"
    /// The file receiver's JSON Lines file (default: in a new temporary directory).
    public var notificationsFile: String?
    /// Stop once the scripted incident is over (otherwise keep running in steady state).
    public var exitWhenDone = false
    /// Stop this long (simulated ms) after the script's start, e.g. to record two full hours.
    public var exitAfter: Int64?
    /// How long the simulated backend has run before the script starts (loaded at once).
    public var history: Int64 = 6 * 3_600_000
    public var scrapeInterval: Int64 = 15_000
    /// Minute 0 of the script (ms); default: the script (or `exitAfter`) ends at the wall time the demo started.
    public var start: Int64?

    public init() {}
}

/// Runs the demo: the simulated Gatewayz backend on 127.0.0.1, scraped over HTTP by Klaxon's
/// scrape code on a simulated clock, the real rules and the Alertmanager pipeline
/// (`SimulatedPipeline`), the console/file receivers, and the HTTP API.
///
/// Each simulated scrape interval: set the scrape clock, scrape every target once, advance the
/// pipeline to that time, print progress, then sleep until the next interval is due at
/// `speed`× wall time. Simulated time never runs ahead of wall time: the script is placed so
/// that it ends at the wall time the demo started, and once caught up the demo goes on at
/// real time in steady state (UIs and Grafana that draw "now" see current data).
public final class DemoRunner: Sendable {
    public let options: DemoOptions
    let out: @Sendable (String) -> Void

    public init(options: DemoOptions, print: @escaping @Sendable (String) -> Void) {
        self.options = options
        out = print
    }

    static func wallNow() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    static func milliseconds(_ d: Duration) -> Int {
        Int(d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000)
    }

    /// Runs until SIGINT/SIGTERM (or the end of the script with `exitWhenDone`); the exit code.
    public func run() async -> Int32 {
        let o = options
        let timeline = IncidentTimeline.gatewayz
        let length = Int64(timeline.length * 60_000)
        let wallStart = Self.wallNow()
        let span = max(length, o.exitAfter ?? 0)
        let t0 = o.start ?? (wallStart - span) / o.scrapeInterval * o.scrapeInterval
        let sim = GatewayzSimulator(start: t0, history: o.history, timeline: timeline)
        let scrapeClock = SimulatedClock(t0 - o.scrapeInterval)
        let exporter = GatewayzExporter(simulator: sim, clock: scrapeClock)
        let notificationsFile: String
        if let f = o.notificationsFile {
            notificationsFile = f
        } else {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("klaxon-demo-\(getpid())").path
            try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            notificationsFile = dir + "/notifications.jsonl"
        }
        let print = out
        let sink = NotificationSink(file: notificationsFile) { line in print("                 ✉ \(line)") }

        var quiet = Logger(label: "demo")
        quiet.logLevel = .warning
        let ports = AsyncStream.makeStream(of: (String, Int).self)
        let exporterApp = exporter.makeApplication(port: o.exporterPort, logger: quiet) { ports.continuation.yield(("exporter", $0)) }
        let sinkApp = sink.makeApplication(port: 0, logger: quiet) { ports.continuation.yield(("sink", $0)) }

        // The pipeline and scrape manager exist once the ports are known; the API reads them through these boxes.
        let live = LiveParts()
        let store = MemoryStore()
        let engine = Engine()
        let deps = APIDependencies(
            queryable: store, engine: engine, now: { scrapeClock.now() },
            targets: { live.scrape.withLock { $0 }?.status.targets ?? [] },
            ruleGroups: { live.pipeline.withLock { $0 }?.rules.health() ?? [] },
            configYAML: { live.config.withLock { $0 } },
            flags: { ["web.listen-address": "\(o.apiHost):\(o.apiPort)", "demo.speed": String(o.speed)] })
        let promAPI = PrometheusAPI(deps)
        // The web UI and the Alertmanager API v2 need the pipeline; until it exists only the
        // Prometheus API answers.
        let router = HTTPRouter { r in
            if let full = live.router.withLock({ $0 }) { return await full.handle(r) }
            return await promAPI.handle(r.apiRequest)
        }
        let apiApp = HTTPServer.makeApplication(router: router, maxBodyBytes: deps.maxBodyBytes, host: o.apiHost, port: o.apiPort,
                                                logger: quiet) { port in
            ports.continuation.yield(("api", port))
        }

        let result = Mutex<Int32>(0)
        let loop = DemoLoopService { [self] in
            var bound: [String: Int] = [:]
            for await (name, port) in ports.stream {
                bound[name] = port
                if bound.count == 3 { break }
            }
            guard let exporterPort = bound["exporter"], let sinkPort = bound["sink"], let apiPort = bound["api"] else { return }
            let code = await self.drive(sim: sim, scrapeClock: scrapeClock, store: store, engine: engine, sink: sink,
                                        exporterPort: exporterPort, sinkPort: sinkPort, apiPort: apiPort,
                                        notificationsFile: notificationsFile, live: live, promAPI: promAPI)
            result.withLock { $0 = code }
        }
        let services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: exporterApp), .init(service: sinkApp), .init(service: apiApp),
            .init(service: loop, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup),
        ]
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: quiet))
        do { try await group.run() } catch {
            out("klaxon demo: \(error)")
            return 1
        }
        return result.withLock { $0 }
    }

    // swiftlint:disable:next function_parameter_count
    func drive(sim: GatewayzSimulator, scrapeClock: SimulatedClock, store: MemoryStore, engine: Engine, sink: NotificationSink,
               exporterPort: Int, sinkPort: Int, apiPort: Int, notificationsFile: String,
               live: LiveParts, promAPI: PrometheusAPI) async -> Int32 {
        let o = options
        let t0 = sim.start
        let length = Int64(sim.timeline.length * 60_000)
        let target = "127.0.0.1:\(exporterPort)"
        let apiURL = "http://\(o.apiHost == "0.0.0.0" ? "127.0.0.1" : o.apiHost):\(apiPort)"

        // Routing: the demo config with the sink's address, plus the --webhook on every receiver.
        var am: AlertmanagerConfig
        do {
            let text = try String(contentsOfFile: o.alertmanagerConfigFile, encoding: .utf8)
                .replacingOccurrences(of: "http://demo-sink/", with: "http://127.0.0.1:\(sinkPort)/")
            let dir = URL(fileURLWithPath: o.alertmanagerConfigFile).deletingLastPathComponent().path
            am = try AlertmanagerConfig.parse(text, file: o.alertmanagerConfigFile, baseDirectory: dir)
        } catch {
            out("klaxon demo: loading \(o.alertmanagerConfigFile): \(error)")
            return 1
        }
        if let hook = o.webhookURL {
            for i in am.receivers.indices {
                guard var c = am.receivers[i].webhookConfigs.first else { continue }
                c.url = hook
                am.receivers[i].webhookConfigs.append(c)
            }
        }
        let promText = """
            # klaxon demo: the simulated Gatewayz backend, scraped every 15s on the simulated clock.
            global:
              scrape_interval: \(o.scrapeInterval / 1000)s
              scrape_timeout: 10s
              evaluation_interval: \(o.scrapeInterval / 1000)s
            rule_files:
            \(o.ruleFiles.map { "  - \($0)" }.joined(separator: "\n"))
            scrape_configs:
              - job_name: gatewayz
                static_configs:
                  - targets: ["\(target)"]
            """
        live.config.withLock { $0 = promText }
        let prom: PrometheusConfig
        do { prom = try PrometheusConfig.parse(promText) } catch {
            out("klaxon demo: \(error)")
            return 1
        }

        // History: the backend has been up for `history` before the script starts; its samples
        // go straight into the store (the 6 h averages of the spike rules need them), one a
        // minute: enough for every 5m rate window, and four times faster to load.
        let began = Date()
        let extra = [Label(name: "instance", value: target), Label(name: "job", value: "gatewayz")]
        let labels = sim.seriesLabels.map { l -> Labels in
            var all = l + extra
            all.sort { $0.name.utf8Precedes($1.name) }
            return Labels(sorted: all)
        }
        var t = t0 - o.history
        var loaded = 0
        while t < t0 {
            let v = sim.values(at: t)
            for i in labels.indices { store.add(labels[i], t, v[i]) }
            loaded += v.count
            t += Self.historyStep
        }
        out("Loaded \(o.history / 3_600_000)h of history: \(loaded) samples of \(labels.count) series in "
            + String(format: "%.1fs", Date().timeIntervalSince(began)))

        let recording = o.recordPath.map { _ in OpenMetricsRecording(families: sim.openMetricsFamilies) }
        let appendable: any Appendable = recording.map { RecordingAppendable(store, recording: $0) } ?? store
        let fetcher: HTTPScrapeFetcher
        do { fetcher = try HTTPScrapeFetcher() } catch {
            out("klaxon demo: starting the scrape client: \(error)")
            return 1
        }
        defer { fetcher.shutdown() }
        let scrape = ScrapeManager(fetcher: fetcher, storage: appendable, clock: scrapeClock, manual: true)
        scrape.apply(prom.scrapeConfigs)
        live.scrape.withLock { $0 = scrape }

        let pipeline: SimulatedPipeline
        let notifiers: ReceiverNotifiers
        do {
            let dir = URL(fileURLWithPath: o.alertmanagerConfigFile).deletingLastPathComponent().path
            notifiers = try ReceiverNotifiers.make(config: am, templateDirectory: dir)
            // Retries wait on the demo's clock, so a dead --webhook costs simulated, not wall, time.
            let sender = ReceiverNotificationSender(notifiers: notifiers, retrier: Retrier(sleeper: ScaledSleeper(speed: o.speed)),
                                                    externalURL: apiURL) { n, result in
                live.deliveries.record(n, result, at: n.timestamp)
            }
            pipeline = try SimulatedPipeline(ruleFiles: o.ruleFiles,
                                             options: RuleManagerOptions(defaultInterval: prom.evaluationInterval, externalURL: apiURL),
                                             alertmanager: am, templateDirectory: dir, store: store, sender: sender,
                                             start: t0, engine: engine)
        } catch {
            out("klaxon demo: \(error)")
            return 1
        }
        defer {
            pipeline.shutdown()
            notifiers.shutdown()
        }
        live.pipeline.withLock { $0 = pipeline }
        if let dispatcher = pipeline.dispatcher {
            let source = KlaxonUIDataSource(now: { scrapeClock.now() }, ruleGroups: { pipeline.rules.health() },
                                            targets: { scrape.status.targets }, dispatcher: dispatcher,
                                            deliveries: live.deliveries, engine: engine, queryable: store)
            var full = WebUIMount.router(source: source) { await promAPI.handle($0.apiRequest) }
            let amAPI = AlertmanagerAPI(dispatcher: dispatcher, startTime: t0)
            full.add(prefix: AlertmanagerAPI.prefix) { await amAPI.handle($0) }
            live.router.withLock { $0 = full }
        }
        let ruleCount = pipeline.rules.health().reduce(0) { $0 + $1.rules.count }

        out("""
            Simulated Gatewayz backend: http://\(target)/metrics (\(sim.seriesCount) series, 15 providers, \(GatewayzCatalog.pairs.count) models)
            Klaxon API and UI:          \(apiURL)/   (try \(apiURL)/api/v1/alerts)
            Rules: \(ruleCount) from \(o.ruleFiles.joined(separator: " ")); routing: \(o.alertmanagerConfigFile)
            Receivers: console (below) and file \(notificationsFile)\(o.webhookURL.map { "; webhook \($0)" } ?? "")
            Speed \(GoFloat.formatG(o.speed))x: the \(Int(sim.timeline.length))-minute incident takes \(Int((Double(length) / 1000 / o.speed).rounded())) s of wall time if the machine keeps up. Ctrl-C stops.
            """)

        let wallStart = Date()
        let loopStart = Self.wallNow()
        var progress = DemoProgress(start: t0, timeline: sim.timeline, wallStart: wallStart, print: out)
        var k: Int64 = 0
        var done = false
        var busy = Duration.zero  // scraping and evaluating, summed over ticks
        while !Task.isCancelled {
            let now = t0 + k * o.scrapeInterval
            let tickStart = ContinuousClock.now
            scrapeClock.set(now)
            await scrape.scrapeAllOnce()
            await pipeline.advance(to: now)
            busy += ContinuousClock.now - tickStart
            let active = Self.activeAlerts(pipeline.rules)
            progress.update(at: now, transitions: pipeline.transitions, active: active,
                            notifications: pipeline.notifications.count)
            if !done && now >= t0 + length {
                done = true
                let fired = progress.fired.sorted()
                let stillFiring = active.filter(\.firing).count
                out("""
                    Incident cycle complete in \(String(format: "%.1f", Date().timeIntervalSince(wallStart))) s of wall time \
                    (\(Int(sim.timeline.length)) simulated minutes): \(fired.count) rules fired, \(stillFiring) alerts still firing, \
                    \(pipeline.notifications.count) notifications sent (console \(sink.received.console), file \(sink.received.file)). \
                    A \(o.scrapeInterval / 1000) s tick (scrape, rules, notifications) took \(Self.milliseconds(busy / Int(k + 1))) ms on average.
                    Fired: \(fired.joined(separator: ", "))
                    """)
                if o.exitWhenDone { break }
                out("Still running in steady state at real time; the API stays at \(apiURL). Ctrl-C stops.")
            }
            if let stop = o.exitAfter, now >= t0 + stop { break }
            k += 1
            // Next tick at speed× wall time, but never ahead of the wall clock.
            let next = t0 + k * o.scrapeInterval
            let due = max(loopStart + Int64(Double(next - t0) / o.speed), next)
            let wait = due - Self.wallNow()
            if wait > 0 {
                do { try await Task.sleep(for: .milliseconds(wait)) } catch { break }
            }
        }
        if let recording, let path = o.recordPath {
            do {
                try recording.write(to: path)
                out("Recorded \(recording.sampleCount) samples to \(path)")
            } catch {
                out("klaxon demo: writing \(path): \(error)")
                return 1
            }
        }
        return 0
    }
}

extension DemoRunner {
    /// Sample spacing of the loaded history (ms).
    static let historyStep: Int64 = 60_000
}

/// The parts the HTTP API reads that exist only once the demo's ports are known.
final class LiveParts: Sendable {
    let pipeline = Mutex<SimulatedPipeline?>(nil)
    let scrape = Mutex<ScrapeManager?>(nil)
    let config = Mutex("")
    /// The full router (UI, Alertmanager API v2, Prometheus API) once the pipeline exists.
    let router = Mutex<HTTPRouter?>(nil)
    /// Recent deliveries, for the UI's Notifications page.
    let deliveries = DeliveryHistory()
}

extension DemoRunner {
    /// Pending and firing alerts of every group, by rule.
    static func activeAlerts(_ rules: RuleManager) -> [(rule: String, labels: Labels, firing: Bool)] {
        var out: [(rule: String, labels: Labels, firing: Bool)] = []
        for key in rules.groupKeys {
            for snap in rules.alertSnapshots(of: key) {
                for (labels, a) in snap.alerts where a.state != .inactive {
                    out.append((snap.rule, labels, a.state == .firing))
                }
            }
        }
        return out
    }
}

/// Runs the demo loop as a service; graceful shutdown (SIGINT/SIGTERM) cancels it.
struct DemoLoopService: Service {
    let body: @Sendable () async -> Void
    func run() async throws {
        await cancelWhenGracefulShutdown { await body() }
    }
}

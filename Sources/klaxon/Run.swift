import Alerting
import ArgumentParser
import Dispatch
import DryRun
import Engine
import Foundation
import HTTPClient
import Logging
import Metrics
import Model
import PromQL
import Rules
import Scrape
import Server
import ServiceLifecycle
import Synchronization
import TSDB
import UnixSignals

/// `klaxon run`: scrape, store, evaluate rules and serve the Prometheus HTTP API until
/// SIGTERM/SIGINT. SIGHUP and `POST /-/reload` re-read the config and rule files.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run Klaxon: scrape targets, store samples, evaluate rules and serve the HTTP API.")

    @Option(name: .customLong("config.file"), help: "Klaxon (Prometheus) configuration file path.")
    var configFile = "fixtures/config/prometheus.yml"

    @Option(name: .customLong("storage.path"), help: "Base path for metrics storage (created if missing).")
    var storagePath = "data/"

    @Option(name: .customLong("storage.tsdb.retention.time"), help: "How long to retain samples in storage.")
    var retentionTime = "15d"

    @Option(name: .customLong("web.listen-address"), help: "Address to listen on for the API and /metrics.")
    var listenAddress = "127.0.0.1:9096"

    @Option(name: .customLong("web.external-url"), help: "The URL under which Klaxon is externally reachable (alert generator URLs).")
    var externalURL: String?

    @Option(name: .customLong("web.max-request-body-bytes"), help: "Largest HTTP request body accepted.")
    var maxBodyBytes = 1 << 20

    @Option(name: .customLong("query.timeout"), help: "Maximum time a query may take before being aborted.")
    var queryTimeout = "2m"

    @Option(name: .customLong("query.max-samples"),
            help: "Maximum number of samples a single query can load into memory.")
    var queryMaxSamples = 50_000_000

    @Option(name: .customLong("alertmanager.config.file"),
            help: "Alertmanager configuration file: route and deliver alerts through its receivers (default: log them).")
    var alertmanagerConfigFile: String?

    @Option(name: .customLong("web.config.file"),
            help: "Web configuration (Prometheus exporter-toolkit format): basic_auth_users (bcrypt) and TLS.")
    var webConfigFile: String?

    @Option(name: .customLong("log.format"), help: "Output format of log messages: logfmt or json.")
    var logFormat = "logfmt"

    @Option(name: .customLong("log.level"), help: "Only log messages with the given severity or above: debug, info, warn, error.")
    var logLevel = "info"

    func validate() throws {
        guard KlaxonLogHandler.Format(rawValue: logFormat) != nil else {
            throw ValidationError("--log.format must be logfmt or json, not \(logFormat)")
        }
        guard ["debug", "info", "warn", "error"].contains(logLevel) else {
            throw ValidationError("--log.level must be one of debug, info, warn, error")
        }
        guard Self.splitHostPort(listenAddress) != nil else {
            throw ValidationError("--web.listen-address must be host:port, not \(listenAddress)")
        }
        _ = try PromDuration.parse(retentionTime)
        guard let t = try? PromDuration.parse(queryTimeout), t > 0 else {
            throw ValidationError("--query.timeout must be a positive duration such as 2m, not \(queryTimeout)")
        }
        guard queryMaxSamples > 0 else { throw ValidationError("--query.max-samples must be positive") }
    }

    static func splitHostPort(_ s: String) -> (String, Int)? {
        guard let i = s.lastIndex(of: ":"), let port = Int(s[s.index(after: i)...]), (0...65535).contains(port) else { return nil }
        var host = String(s[..<i])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }

    func run() throws {
        let settings = RunSettings(command: self)
        try runBlocking { await settings.run() }
    }
}

/// The parsed flags, as a `Sendable` value the async runner owns.
struct RunSettings: Sendable {
    var configFile: String
    var storagePath: String
    var retention: Int64
    var host: String
    var port: Int
    var listenAddress: String
    var externalURL: String
    var maxBodyBytes: Int
    var engineOptions: EngineOptions
    var alertmanagerConfigFile: String?
    var webConfigFile: String?
    var logFormat: KlaxonLogHandler.Format
    var logLevel: Logger.Level
    var flags: [String: String]

    init(command c: Run) {
        configFile = c.configFile
        storagePath = c.storagePath
        retention = (try? PromDuration.parse(c.retentionTime)) ?? 15 * 86_400_000
        (host, port) = Run.splitHostPort(c.listenAddress)!
        listenAddress = c.listenAddress
        // No trailing slash: templates append "/#/alerts" and generator URLs "/graph".
        var ext = c.externalURL ?? "http://\(c.listenAddress)"
        while ext.hasSuffix("/") { ext.removeLast() }
        externalURL = ext
        maxBodyBytes = c.maxBodyBytes
        engineOptions = EngineOptions()
        engineOptions.timeout = .milliseconds((try? PromDuration.parse(c.queryTimeout)) ?? 120_000)
        engineOptions.maxSamples = c.queryMaxSamples
        alertmanagerConfigFile = c.alertmanagerConfigFile
        webConfigFile = c.webConfigFile
        logFormat = KlaxonLogHandler.Format(rawValue: c.logFormat)!
        logLevel = ["debug": .debug, "warn": .warning, "error": .error][c.logLevel] ?? .info
        flags = [
            "config.file": c.configFile, "storage.tsdb.path": c.storagePath,
            "storage.tsdb.retention.time": c.retentionTime, "web.listen-address": c.listenAddress,
            "web.external-url": c.externalURL ?? "", "web.max-request-body-bytes": String(c.maxBodyBytes),
            "query.timeout": c.queryTimeout, "query.max-samples": String(c.queryMaxSamples),
            "alertmanager.config.file": c.alertmanagerConfigFile ?? "", "web.config.file": c.webConfigFile ?? "", "log.format": c.logFormat,
            "log.level": c.logLevel,
        ]
    }

    /// Runs until SIGTERM/SIGINT; returns the exit code.
    func run() async -> Int32 {
        let format = logFormat, level = logLevel
        LoggingSystem.bootstrap { KlaxonLogHandler(label: $0, format: format, level: level) }
        let logger = Logger(label: "main")
        let clock = WallClock()
        let startTime = clock.now()
        logger.info("Starting Klaxon", metadata: ["version": "\(BuildInfo().version)"])

        // Check the config before touching storage, so a typo fails fast.
        var engineOptions = self.engineOptions
        do {
            // Subqueries without a step use the global evaluation interval, as in Prometheus.
            engineOptions.defaultSubqueryStep = try PrometheusConfig.load(path: configFile).evaluationInterval
        } catch {
            logger.error("Error loading config", metadata: ["err": "\(error)"])
            return 1
        }
        let amConfig: AlertmanagerConfig
        do {
            if let am = alertmanagerConfigFile {
                amConfig = try AlertmanagerConfig.load(file: am)
            } else {
                amConfig = try AlertmanagerConfig.parse(BuiltInAlertmanagerConfig.text, file: "<built-in alertmanager.yml>")
            }
        } catch {
            logger.error("Error loading Alertmanager config", metadata: ["file": "\(alertmanagerConfigFile ?? "<built-in>")", "err": "\(error)"])
            return 1
        }

        let db: DB
        do {
            try FileManager.default.createDirectory(atPath: storagePath, withIntermediateDirectories: true)
            var options = DBOptions()
            options.retentionTime = retention
            db = try DB.open(storagePath, options: options)
        } catch {
            logger.error("Opening storage failed", metadata: ["err": "\(error)"])
            return 1
        }
        logger.info("TSDB started", metadata: ["path": "\(storagePath)", "head_series": "\(db.stats.headSeries)"])

        let fetcher: HTTPScrapeFetcher
        do { fetcher = try HTTPScrapeFetcher() } catch {
            logger.error("Starting the scrape client failed", metadata: ["err": "\(error)"])
            db.close()
            return 1
        }
        let appendable = CountingAppendable(db)
        let scrape = ScrapeManager(fetcher: fetcher, storage: appendable, clock: clock,
                                   onError: { Logger(label: "scrape").error("\($0)") }, onDebug: { Logger(label: "scrape").debug("\($0)") })
        // The Alertmanager pipeline always runs, so the API v2 works; without
        // --alertmanager.config.file its built-in config has no integrations and alerts are logged.
        let amLogger = Logger(label: "alertmanager")
        let amDir = (storagePath as NSString).appendingPathComponent("alertmanager")
        let notifyClient: HTTPClient
        let dispatcher: Dispatcher
        let sender: ReloadableNotificationSender
        do {
            notifyClient = try HTTPClient()
        } catch {
            logger.error("Starting the notification client failed", metadata: ["err": "\(error)"])
            fetcher.shutdown()
            db.close()
            return 1
        }
        let deliveryHistory = DeliveryHistory()
        let makeSender: @Sendable (AlertmanagerConfig, String?) throws -> ReceiverNotificationSender = { [externalURL] config, file in
            let dir = file.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path } ?? "."
            let templates = try NotificationTemplates(globs: config.templates, relativeTo: dir)
            let notifiers = try ReceiverNotifiers(config: config, templates: templates)
            return ReceiverNotificationSender(notifiers: notifiers, retrier: Retrier(log: { amLogger.warning("\($0)") }),
                                              externalURL: externalURL) { n, result in
                deliveryHistory.record(n, result, at: clock.now())
                let integration = [("integration", "\(n.integration)")]
                Counter(label: "alertmanager_notifications_total", dimensions: integration).increment()
                if case .failed = result {
                    Counter(label: "alertmanager_notifications_failed_total", dimensions: integration).increment()
                }
                var meta: Logger.Metadata = ["receiver": "\(n.receiver)", "integration": "\(n.integration)",
                                             "status": "\(n.status.rawValue)", "alerts": "\(n.alerts.count)"]
                switch result {
                case .delivered: amLogger.info("Notify success", metadata: meta)
                case .failed(let reason):
                    meta["err"] = "\(reason)"
                    amLogger.error("Notify for alerts failed", metadata: meta)
                }
            }
        }
        do {
            sender = ReloadableNotificationSender(try makeSender(amConfig, alertmanagerConfigFile))
            try FileManager.default.createDirectory(atPath: amDir, withIntermediateDirectories: true)
            dispatcher = try Dispatcher.restoring(config: amConfig, sender: sender, storage: PipelineStorage(directory: amDir),
                                                  onPersistenceError: { amLogger.error("Writing state failed", metadata: ["state": "\($0)", "err": "\($1)"]) })
            amLogger.info("Alertmanager pipeline started",
                          metadata: ["file": "\(alertmanagerConfigFile ?? "<built-in>")", "receivers": "\(amConfig.receivers.count)"])
        } catch {
            logger.error("Starting the Alertmanager pipeline failed",
                         metadata: ["file": "\(alertmanagerConfigFile ?? "<built-in>")", "err": "\(error)"])
            notifyClient.shutdown()
            fetcher.shutdown()
            db.close()
            return 1
        }
        let pipelineSink = PipelineAlertSink(dispatcher: dispatcher) { errors in
            for e in errors { amLogger.warning("Alert rejected", metadata: ["err": "\(e.message)"]) }
        }
        // Klaxon's own pipeline, plus any Alertmanagers named in prometheus.yml's `alerting` section.
        let remoteAlertmanagers = RemoteAlertmanagers(client: notifyClient, logger: Logger(label: "notifier"))
        let sink: any AlertSink = TeeAlertSink(sinks: alertmanagerConfigFile == nil
            ? [LoggingAlertSink(format: logFormat), pipelineSink, remoteAlertmanagers] : [pipelineSink, remoteAlertmanagers])
        var amReload: AlertmanagerReload?
        if let am = alertmanagerConfigFile {
            amReload = AlertmanagerReload {
                let config = try AlertmanagerConfig.load(file: am)
                let next = try makeSender(config, am)
                return {
                    sender.replace(with: next)
                    await dispatcher.reload(config: config)
                    amLogger.info("Completed loading of Alertmanager configuration file",
                                  metadata: ["file": "\(am)", "receivers": "\(config.receivers.count)"])
                }
            }
        }
        let engine = Engine(options: engineOptions)
        let rules = RuleManager(options: RuleManagerOptions(externalURL: externalURL),
                                querier: EngineQuerier(engine: engine, store: db), queryable: db,
                                storage: appendable, sink: sink)
        let reloader = ConfigReloader(path: configFile, scrape: scrape, rules: rules, clock: clock,
                                      externalURL: externalURL, logger: Logger(label: "config"), alertmanager: amReload)
        do {
            try reloader.reload()
            remoteAlertmanagers.setURLs(reloader.current?.alertmanagerURLs ?? [])
        } catch {
            notifyClient.shutdown()
            sender.shutdown()
            fetcher.shutdown()
            db.close()
            return 1
        }

        let metrics = SelfMetrics(startTime: startTime, version: BuildInfo().version, db: { db.stats },
                                  samplesAppended: { appendable.appended }, targets: { scrape.status.targets },
                                  ruleGroups: { rules.health() }, reload: { reloader.status })
        metrics.bootstrapMetricsSystem()
        var deps = APIDependencies(
            queryable: db, engine: engine, now: { clock.now() },
            targets: { scrape.status.targets }, ruleGroups: { rules.health() },
            configYAML: { reloader.current?.original ?? "" }, flags: { [flags] in flags },
            reload: {
                try await reloader.reloadAll()
                remoteAlertmanagers.setURLs(reloader.current?.alertmanagerURLs ?? [])
            }, isReady: { true }, selfMetrics: { metrics.render() }, droppedTargets: { scrape.status.dropped })
        deps.maxBodyBytes = maxBodyBytes
        let api = PrometheusAPI(deps)
        let amAPI = AlertmanagerAPI(dispatcher: dispatcher, startTime: startTime)
        let uiSource = KlaxonUIDataSource(now: { clock.now() }, ruleGroups: { rules.health() },
                                          targets: { scrape.status.targets }, dispatcher: dispatcher,
                                          deliveries: deliveryHistory, engine: engine, queryable: db)
        var router = WebUIMount.router(source: uiSource) { await api.handle($0.apiRequest) }
        registerRoutes(&router, alertmanager: amAPI)
        let httpLogger = Logger(label: "web")
        let app: any Service
        do {
            let web = try webConfigFile.map { try WebConfig.load(file: $0) } ?? WebConfig()
            let scheme = web.tls == nil ? "http" : "https"
            app = try HTTPServer.makeApplication(router: router, maxBodyBytes: maxBodyBytes, host: host, port: port,
                                                 logger: httpLogger, web: web) { port in
                httpLogger.info("Listening", metadata: ["address": "\(host):\(port)", "ui": "\(scheme)://\(host):\(port)/ui/alerts"])
            }
        } catch {
            logger.error("Error loading web config", metadata: ["file": "\(webConfigFile ?? "")", "err": "\(error)"])
            notifyClient.shutdown()
            sender.shutdown()
            fetcher.shutdown()
            db.close()
            return 1
        }

        var services: [any Service] = [
            LoopService(name: "scrape") { await scrape.run() },
            LoopService(name: "rules") { await rules.run(clock: clock) },
            LoopService(name: "compaction") { await compactLoop(db, logger: Logger(label: "tsdb")) },
            LoopService(name: "sighup") {
                for await _ in await UnixSignalsSequence(trapping: .sighup) {
                    try? await reloader.reloadAll()
                    remoteAlertmanagers.setURLs(reloader.current?.alertmanagerURLs ?? [])
                }
            },
            LoopService(name: "alertmanager") { await dispatcher.run() },
            LoopService(name: "notifier") { await remoteAlertmanagers.run() },
            app,
        ]
        let group = ServiceGroup(configuration: .init(services: services.map { .init(service: $0) },
                                                      gracefulShutdownSignals: [.sigterm, .sigint],
                                                      logger: Logger(label: "lifecycle")))
        var code: Int32 = 0
        do { try await group.run() } catch {
            logger.error("Service failed", metadata: ["err": "\(error)"])
            code = 1
        }
        notifyClient.shutdown()
        sender.shutdown()
        fetcher.shutdown()
        db.close()
        logger.info("See you next time!")
        return code
    }
}

/// The routes `klaxon run` serves besides the Prometheus API (its router's fallback).
func registerRoutes(_ router: inout HTTPRouter, alertmanager: AlertmanagerAPI) {
    router.add(prefix: AlertmanagerAPI.prefix) { await alertmanager.handle($0) }
}

/// The Alertmanager configuration `klaxon run` uses without `--alertmanager.config.file`: one
/// receiver without integrations, so alerts are grouped, silenceable and visible through the API
/// v2 (`amtool` works), while `klaxon run` logs each alert.
enum BuiltInAlertmanagerConfig {
    static let text = """
        # Klaxon's built-in Alertmanager configuration (no --alertmanager.config.file given).
        route:
          receiver: console
          group_by: [alertname]
        receivers:
          - name: console

        """
}

/// Runs `body` until graceful shutdown, then cancels it and waits for it to finish
/// (scrape loops write their staleness markers on the way out).
struct LoopService: Service, CustomStringConvertible {
    let name: String
    let body: @Sendable () async -> Void

    init(name: String, _ body: @escaping @Sendable () async -> Void) {
        self.name = name
        self.body = body
    }

    var description: String { name }

    func run() async throws {
        await cancelWhenGracefulShutdown { await body() }
    }
}

/// Compacts the head into blocks and applies retention once a minute, off the cooperative pool.
func compactLoop(_ db: DB, logger: Logger) async {
    while !Task.isCancelled {
        do { try await Task.sleep(for: .seconds(60)) } catch { return }
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            DispatchQueue.global(qos: .utility).async {
                do {
                    let blocks = try db.compact()
                    if !blocks.isEmpty { logger.info("Compaction done", metadata: ["blocks": "\(blocks.count)"]) }
                } catch {
                    logger.error("Compaction failed", metadata: ["err": "\(error)"])
                }
                done.resume()
            }
        }
    }
}

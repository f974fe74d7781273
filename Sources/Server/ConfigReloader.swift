import Engine
import Logging
import Model
import Rules
import Scrape
import Synchronization

/// The Alertmanager half of a reload (`alertmanager.yml`), in two steps so that a bad file
/// rejects the whole reload before anything changes.
public struct AlertmanagerReload: Sendable {
    public typealias Apply = @Sendable () async -> Void
    /// Reads and validates the file and builds its receivers; returns what installs them.
    /// Throws (with file:line) to reject the reload.
    public var prepare: @Sendable () throws -> Apply

    public init(prepare: @escaping @Sendable () throws -> Apply) { self.prepare = prepare }
}

/// Loads `prometheus.yml` and its rule files and applies them to the scrape and rule managers;
/// with `alertmanager`, `reloadAll()` re-reads `alertmanager.yml` as well.
///
/// A rejected config (bad YAML, bad rule file, bad Alertmanager file) changes nothing: the old
/// one keeps running. Reloads are serialised by `lock`.
public final class ConfigReloader: Sendable {
    public let path: String
    let scrape: ScrapeManager
    let rules: RuleManager
    let clock: any Model.Clock
    let externalURL: String
    let logger: Logger
    /// Re-reads `alertmanager.yml`; nil when Klaxon runs on its built-in Alertmanager config.
    let alertmanager: AlertmanagerReload?

    struct State {
        var current: PrometheusConfig?
        var lastSuccess: Bool = false
        /// ms of the last successful load; 0 = never.
        var lastSuccessAt: Int64 = 0
    }

    /// Guards the applied config and reload status; held for a whole reload.
    private let state = Mutex(State())

    public init(path: String, scrape: ScrapeManager, rules: RuleManager, clock: any Model.Clock, externalURL: String,
                logger: Logger, alertmanager: AlertmanagerReload? = nil) {
        self.alertmanager = alertmanager
        self.path = path
        self.scrape = scrape
        self.rules = rules
        self.clock = clock
        self.externalURL = externalURL
        self.logger = logger
    }

    /// The config now running; nil before the first successful load.
    public var current: PrometheusConfig? { state.withLock { $0.current } }

    /// (last attempt succeeded, ms of the last success).
    public var status: (Bool, Int64) { state.withLock { ($0.lastSuccess, $0.lastSuccessAt) } }

    /// SIGHUP and `POST /-/reload`: checks `alertmanager.yml` first, then reloads
    /// `prometheus.yml` and its rules, then installs the new Alertmanager config. Any error
    /// leaves both configs as they were, is logged, and is thrown.
    public func reloadAll() async throws {
        var apply: AlertmanagerReload.Apply?
        if let alertmanager {
            do {
                apply = try alertmanager.prepare()
            } catch {
                state.withLock { $0.lastSuccess = false }
                logger.error("Error reloading Alertmanager config", metadata: ["err": "\(error)"])
                throw error
            }
        }
        try reload()
        await apply?()
    }

    /// Re-reads the config file and rule files and applies them; throws (and keeps the old
    /// config) on any error.
    public func reload() throws {
        try state.withLock { st in
            logger.info("Loading configuration file", metadata: ["filename": "\(path)"])
            do {
                let cfg = try PrometheusConfig.load(path: path)
                let options = RuleManagerOptions(defaultInterval: cfg.evaluationInterval,
                                                 externalLabels: cfg.externalLabels.dictionary,
                                                 externalURL: externalURL)
                try rules.update(files: cfg.ruleFiles, options: options, at: clock.now())
                scrape.apply(cfg.scrapeConfigs)
                st.current = cfg
                st.lastSuccess = true
                st.lastSuccessAt = clock.now()
                logger.info("Completed loading of configuration file", metadata: [
                    "filename": "\(path)", "scrape_configs": "\(cfg.scrapeConfigs.count)",
                    "rule_groups": "\(rules.groupKeys.count)"])
            } catch {
                st.lastSuccess = false
                logger.error("Error reloading config", metadata: ["err": "\(error)"])
                throw error
            }
        }
    }
}

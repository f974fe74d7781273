import Model
import Metrics
import Prometheus
import Rules
import Scrape
import Synchronization
import TSDB

/// Counts samples committed through it (`prometheus_tsdb_head_samples_appended_total`).
public final class CountingAppendable: Appendable, Sendable {
    let base: any Appendable
    let counter = Atomic<Int>(0)

    public init(_ base: any Appendable) { self.base = base }

    public var appended: Int { counter.load(ordering: .relaxed) }

    public func makeAppender() -> any Appender { CountingAppender(base: base.makeAppender(), owner: self) }

    final class CountingAppender: Appender {
        let base: any Appender
        let owner: CountingAppendable
        var pending = 0
        init(base: any Appender, owner: CountingAppendable) {
            self.base = base
            self.owner = owner
        }
        func append(_ labels: Labels, _ t: Int64, _ v: Double) throws {
            try base.append(labels, t, v)
            pending += 1
        }
        func commit() throws {
            try base.commit()
            owner.counter.add(pending, ordering: .relaxed)
            pending = 0
        }
        func rollback() {
            base.rollback()
            pending = 0
        }
    }
}

/// Klaxon's own `/metrics` page: a swift-prometheus registry with Prometheus' and Alertmanager's
/// metric names where the meaning is the same.
///
/// Event counters (notifications, HTTP requests) are recorded through swift-metrics wherever they
/// happen, into the same registry once `bootstrapMetricsSystem()` ran. Values that live in other
/// components' snapshots (head series, rule groups) are read at render time: gauges are set, and
/// counters advance by the change since the last render so they never go backwards.
public final class SelfMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    let startTime: Int64
    let version: String
    let db: @Sendable () -> DBStats
    let samplesAppended: @Sendable () -> Int
    let targets: @Sendable () -> [TargetStatus]
    let ruleGroups: @Sendable () -> [RuleGroupHealth]
    /// (last reload succeeded, its time in ms).
    let reload: @Sendable () -> (Bool, Int64)
    private let state = Mutex<RenderState>(RenderState())

    struct RenderState {
        /// Last value pushed into each snapshot-backed counter, by name and labels.
        var counted: [String: Double] = [:]
        /// Labelled gauges set by the last render, so those whose subject disappeared are removed.
        var gauges: [String: Prometheus.Gauge] = [:]
    }

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), startTime: Int64, version: String,
                db: @escaping @Sendable () -> DBStats, samplesAppended: @escaping @Sendable () -> Int,
                targets: @escaping @Sendable () -> [TargetStatus], ruleGroups: @escaping @Sendable () -> [RuleGroupHealth],
                reload: @escaping @Sendable () -> (Bool, Int64)) {
        self.registry = registry
        self.startTime = startTime
        self.version = version
        self.db = db
        self.samplesAppended = samplesAppended
        self.targets = targets
        self.ruleGroups = ruleGroups
        self.reload = reload
        registry.makeGauge(name: "prometheus_build_info", labels: [("version", version)], help: "Build information.").set(to: 1)
        registry.makeGauge(name: "process_start_time_seconds", help: "Start time of the process since unix epoch in seconds.")
            .set(to: Double(startTime) / 1000)
    }

    /// Routes swift-metrics (`Counter`, `Timer`, `Gauge` from any module) into `registry`.
    /// Once per process: swift-metrics allows a single bootstrap.
    public func bootstrapMetricsSystem() {
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    }

    public func render() -> String {
        state.withLock { st in
            var seen: Set<String> = []
            func gauge(_ name: String, _ help: String, _ labels: [(String, String)], _ v: Double) {
                let g = registry.makeGauge(name: name, labels: labels, help: help)
                g.set(to: v)
                if !labels.isEmpty {
                    let key = name + labels.map { "\u{1}\($0.0)=\($0.1)" }.joined()
                    st.gauges[key] = g
                    seen.insert(key)
                }
            }
            func gauge(_ name: String, _ help: String, _ v: Double) { gauge(name, help, [], v) }
            func counter(_ name: String, _ help: String, _ v: Double) { counter(name, help, [], v) }
            func counter(_ name: String, _ help: String, _ labels: [(String, String)], _ v: Double) {
                let key = name + labels.map { "\u{1}\($0.0)=\($0.1)" }.joined()
                let c = registry.makeCounter(name: name, labels: labels, help: help)
                let delta = v - st.counted[key, default: 0]
                if delta > 0 {
                    c.increment(by: delta)
                    st.counted[key] = v
                }
            }
            let s = db()
            gauge("prometheus_ready", "Whether Klaxon startup was fully completed and the server is ready for normal operation.", 1)
            gauge("prometheus_tsdb_head_series", "Total number of series in the head block.", Double(s.headSeries))
            counter("prometheus_tsdb_head_samples_appended_total", "Total number of appended samples.", Double(samplesAppended()))
            gauge("prometheus_tsdb_head_min_time", "Minimum time bound of the head block.", Double(s.headMinTime == .max ? 0 : s.headMinTime))
            gauge("prometheus_tsdb_head_max_time", "Maximum timestamp of the head block.", Double(s.headMaxTime == .min ? 0 : s.headMaxTime))
            gauge("prometheus_tsdb_blocks_loaded", "Number of currently loaded data blocks.", Double(s.blocks))
            gauge("prometheus_tsdb_storage_blocks_bytes", "The number of bytes that are currently used for local storage by all blocks.",
                  Double(s.blockBytes))
            counter("prometheus_tsdb_out_of_order_samples_total", "Total number of out of order samples ingestion failed attempts.",
                    Double(s.outOfOrderSamples))
            counter("prometheus_tsdb_duplicate_samples_total", "Total number of samples rejected as duplicates for a timestamp.",
                    Double(s.duplicateSamples))
            gauge("klaxon_tsdb_wal_replayed_records", "Write-ahead log records replayed at startup.", Double(s.walReplayedRecords))
            gauge("klaxon_tsdb_wal_discarded_bytes", "Bytes of a torn or corrupt write-ahead log tail discarded at startup.",
                  Double(s.walDiscardedBytes))
            let (ok, at) = reload()
            gauge("prometheus_config_last_reload_successful", "Whether the last configuration reload attempt was successful.", ok ? 1 : 0)
            gauge("prometheus_config_last_reload_success_timestamp_seconds", "Timestamp of the last successful configuration reload.",
                  Double(at / 1000))
            var pools: [String: Int] = [:]
            for t in targets() {
                pools[t.job, default: 0] += 1
            }
            for job in pools.keys.sorted() {
                gauge("prometheus_sd_discovered_targets", "Current number of discovered targets.",
                      [("config", job), ("name", "scrape")], Double(pools[job]!))
            }
            for g in ruleGroups() {
                let labels = [("rule_group", "\(g.key.file):\(g.key.name)")]
                gauge("prometheus_rule_group_rules", "The number of rules.", labels, Double(g.rules.count))
                gauge("prometheus_rule_group_interval_seconds", "The interval of a rule group.", labels, Double(g.interval) / 1000)
                gauge("prometheus_rule_group_last_duration_seconds", "The duration of the last rule group evaluation.", labels,
                      seconds(g.evaluationDuration))
                gauge("prometheus_rule_group_last_evaluation_timestamp_seconds", "The timestamp of the last rule group evaluation in seconds.",
                      labels, Double(g.lastEvaluation ?? 0) / 1000)
                counter("prometheus_rule_group_iterations_total",
                        "The total number of scheduled rule group evaluations, whether executed or missed.", labels,
                        Double(g.iterations + g.iterationsMissed))
                counter("prometheus_rule_group_iterations_missed_total",
                        "The total number of rule group evaluations missed due to slow rule group evaluation.", labels,
                        Double(g.iterationsMissed))
                gauge("klaxon_rule_group_rules_failing", "Rules of the group whose last evaluation failed.", labels,
                      Double(g.rules.filter { $0.health == .err }.count))
            }
            for (key, g) in st.gauges where !seen.contains(key) {
                registry.unregisterGauge(g)
                st.gauges[key] = nil
            }
            return registry.emitToString()
        }
    }

    func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}

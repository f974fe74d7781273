import Model
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

/// Klaxon's own `/metrics` page, hand-written in the text format with Prometheus' metric names.
public struct SelfMetrics: Sendable {
    public var startTime: Int64
    public var version: String
    public var db: @Sendable () -> DBStats
    public var samplesAppended: @Sendable () -> Int
    public var targets: @Sendable () -> [TargetStatus]
    public var ruleGroups: @Sendable () -> [RuleGroupHealth]
    /// (last reload succeeded, its time in ms).
    public var reload: @Sendable () -> (Bool, Int64)

    public init(startTime: Int64, version: String, db: @escaping @Sendable () -> DBStats,
                samplesAppended: @escaping @Sendable () -> Int, targets: @escaping @Sendable () -> [TargetStatus],
                ruleGroups: @escaping @Sendable () -> [RuleGroupHealth], reload: @escaping @Sendable () -> (Bool, Int64)) {
        self.startTime = startTime
        self.version = version
        self.db = db
        self.samplesAppended = samplesAppended
        self.targets = targets
        self.ruleGroups = ruleGroups
        self.reload = reload
    }

    public func render() -> String {
        var out = ""
        func metric(_ name: String, _ type: String, _ help: String, _ samples: [(String, Double)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for (labels, v) in samples { out += "\(name)\(labels) \(GoFloat.formatG(v))\n" }
        }
        let s = db()
        metric("prometheus_build_info", "gauge", "Build information.", [("{version=\"\(version)\"}", 1)])
        metric("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.",
               [("", Double(startTime) / 1000)])
        metric("prometheus_ready", "gauge", "Whether Klaxon startup was fully completed and the server is ready for normal operation.", [("", 1)])
        metric("prometheus_tsdb_head_series", "gauge", "Total number of series in the head block.", [("", Double(s.headSeries))])
        metric("prometheus_tsdb_head_samples_appended_total", "counter", "Total number of appended samples.",
               [("", Double(samplesAppended()))])
        metric("prometheus_tsdb_head_min_time", "gauge", "Minimum time bound of the head block.",
               [("", Double(s.headMinTime == .max ? 0 : s.headMinTime))])
        metric("prometheus_tsdb_head_max_time", "gauge", "Maximum timestamp of the head block.",
               [("", Double(s.headMaxTime == .min ? 0 : s.headMaxTime))])
        metric("prometheus_tsdb_blocks_loaded", "gauge", "Number of currently loaded data blocks.", [("", Double(s.blocks))])
        metric("prometheus_tsdb_storage_blocks_bytes", "gauge", "The number of bytes that are currently used for local storage by all blocks.",
               [("", Double(s.blockBytes))])
        metric("prometheus_tsdb_out_of_order_samples_total", "counter", "Total number of out of order samples ingestion failed attempts.",
               [("", Double(s.outOfOrderSamples))])
        let (ok, at) = reload()
        metric("prometheus_config_last_reload_successful", "gauge", "Whether the last configuration reload attempt was successful.",
               [("", ok ? 1 : 0)])
        metric("prometheus_config_last_reload_success_timestamp_seconds", "gauge", "Timestamp of the last successful configuration reload.",
               [("", Double(at / 1000))])
        let ts = targets()
        var pools: [String: Int] = [:]
        for t in ts { pools[t.job, default: 0] += 1 }
        metric("prometheus_sd_discovered_targets", "gauge", "Current number of discovered targets.",
               pools.keys.sorted().map { ("{config=\"\($0)\",name=\"scrape\"}", Double(pools[$0]!)) })
        let groups = ruleGroups()
        func g(_ k: GroupKey) -> String { "{rule_group=\"\(escape(k.file)):\(escape(k.name))\"}" }
        metric("prometheus_rule_group_rules", "gauge", "The number of rules.", groups.map { (g($0.key), Double($0.rules.count)) })
        metric("prometheus_rule_group_iterations_total", "counter", "The total number of scheduled rule group evaluations, whether executed or missed.",
               groups.map { (g($0.key), Double($0.iterations + $0.iterationsMissed)) })
        metric("prometheus_rule_group_iterations_missed_total", "counter", "The total number of rule group evaluations missed due to slow rule group evaluation.",
               groups.map { (g($0.key), Double($0.iterationsMissed)) })
        metric("prometheus_rule_group_last_evaluation_timestamp_seconds", "gauge", "The timestamp of the last rule group evaluation in seconds.",
               groups.map { (g($0.key), Double($0.lastEvaluation ?? 0) / 1000) })
        return out
    }

    func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}

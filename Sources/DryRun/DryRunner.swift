import Alerting
import Engine
import Foundation
import Model
import PromQL
import Rules
import TSDB

/// What `klaxon dry-run` replays, and through what.
public struct DryRunOptions: Sendable {
    /// `prometheus.yml`: `evaluation_interval`, `external_labels` and `rule_files`.
    public var prometheusConfig: String
    /// `alertmanager.yml`; nil reports alert transitions only.
    public var alertmanagerConfig: String?
    /// Replaces the config's `rule_files` (globs), e.g. for `--compare-rules`.
    public var ruleFiles: [String]?
    /// Rules are loaded at `from` (default: the first sample) and evaluated through `to` (default:
    /// the last sample). Samples before `from` are appended first, as history for range selectors.
    public var from: Int64?
    public var to: Int64?
    public var externalURL = "http://127.0.0.1:9096"
    public var storage: StorageKind = .memory
    public var concurrentGroups = true
    /// How much recorded time is appended before each `advance` (ms).
    public var chunk: Int64 = 3_600_000

    public enum StorageKind: String, Sendable, CaseIterable {
        /// `Model.MemoryStore`.
        case memory
        /// A TSDB `DB` in a temporary directory, removed afterwards.
        case tsdb
    }

    public init(prometheusConfig: String, alertmanagerConfig: String?) {
        self.prometheusConfig = prometheusConfig
        self.alertmanagerConfig = alertmanagerConfig
    }
}

/// One rule's outcome over the replay (a JUnit test case).
public struct RuleOutcome: Sendable, Equatable {
    public var group: GroupKey
    public var name: String
    public var isAlerting: Bool
    /// The last evaluation's error, if the rule failed.
    public var lastError: String?
    /// Alerts of this rule that fired during the replay.
    public var firings: Int
}

/// What a dry-run saw.
public struct DryRunResult: Sendable {
    public var from: Int64
    public var to: Int64
    public var transitions: [AlertTransition]
    public var notifications: [RecordedNotification]
    public var rules: [RuleOutcome]
    public var samples: Int
    public var staleMarkers: Int
    public var evaluations: Int
    /// Alerts the Alertmanager pipeline rejected (should be none).
    public var rejectedAlerts: [String]
    /// Wall time of the replay itself, excluding loading the recording (seconds).
    public var replaySeconds: Double
    /// Of which appending samples (with staleness markers) to the store.
    public var appendSeconds: Double = 0
}

/// Replays a recording through scrape staleness, a store, the rules and the Alertmanager
/// pipeline on a simulated clock (`SimulatedPipeline`); nothing is sent.
public enum DryRunner {
    public static func run(_ recording: Recording, options o: DryRunOptions) async throws -> DryRunResult {
        let prom = try PrometheusConfig.load(path: o.prometheusConfig)
        var am: AlertmanagerConfig?
        var templateDir = "."
        if let path = o.alertmanagerConfig {
            am = try AlertmanagerConfig.load(file: path)
            let dir = (path as NSString).deletingLastPathComponent
            templateDir = dir.isEmpty ? "." : dir
        }
        guard recording.sampleCount > 0 else { throw Recording.LoadError(description: "the recording holds no samples") }
        let from = o.from ?? recording.minTime
        let to = o.to ?? recording.maxTime
        guard from <= to else { throw Recording.LoadError(description: "--from is after --to") }

        let store: any Queryable & Appendable
        var db: DB?
        var tmp: String?
        switch o.storage {
        case .memory: store = MemoryStore()
        case .tsdb:
            let dir = NSTemporaryDirectory() + "klaxon-dry-run-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            tmp = dir
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            var opts = DBOptions()
            opts.retentionTime = .max / 4
            let d = try DB.open(dir, options: opts)
            db = d
            store = d
        }
        defer {
            db?.close()
            if let tmp { try? FileManager.default.removeItem(atPath: tmp) }
        }

        let options = RuleManagerOptions(defaultInterval: prom.evaluationInterval,
                                         externalLabels: prom.externalLabels.dictionary, externalURL: o.externalURL)
        let started = ContinuousClock.now
        var replay = ScrapeReplay(recording)
        // History before the rules start.
        try replay.append(through: from, to: store)
        let pipeline = try SimulatedPipeline(ruleFiles: o.ruleFiles ?? prom.ruleFiles, options: options, alertmanager: am,
                                             templateDirectory: templateDir, store: store, start: from,
                                             concurrent: o.concurrentGroups)
        defer { pipeline.shutdown() }
        // Appending the next chunk while the rules evaluate this one was tried: with MemoryStore's
        // one lock the two contend, and the replay got slower, so chunks alternate.
        var t = from
        var appending = Duration.zero
        while t < to {
            let next = min(t + o.chunk, to)
            let a = ContinuousClock.now
            try replay.append(through: next, to: store)
            appending += ContinuousClock.now - a
            await pipeline.advance(to: next)
            t = next
        }
        let elapsed = ContinuousClock.now - started
        let transitions = pipeline.transitions
        var firings: [String: Int] = [:]
        for tr in transitions where tr.kind == .firing { firings[tr.group.description + "\u{0}" + tr.rule, default: 0] += 1 }
        var outcomes: [RuleOutcome] = []
        for g in pipeline.rules.health() {
            for r in g.rules {
                var isAlerting = false
                if case .alerting = r.rule { isAlerting = true }
                outcomes.append(RuleOutcome(group: g.key, name: r.rule.name, isAlerting: isAlerting, lastError: r.lastError,
                                            firings: firings[g.key.description + "\u{0}" + r.rule.name] ?? 0))
            }
        }
        return DryRunResult(from: from, to: to, transitions: transitions, notifications: pipeline.notifications,
                            rules: outcomes, samples: replay.samplesAppended, staleMarkers: replay.staleMarkers,
                            evaluations: pipeline.evaluations, rejectedAlerts: pipeline.rejectedAlerts,
                            replaySeconds: elapsed.seconds, appendSeconds: appending.seconds)
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}

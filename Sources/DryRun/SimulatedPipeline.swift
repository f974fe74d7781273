import Alerting
import Model
import PromQL
import Rules
import Synchronization

/// `klaxon run`'s rule evaluation and Alertmanager pipeline on a simulated clock: the same
/// `RuleManager`, `PipelineAlertSink` and `Dispatcher`, driven by `advance(to:)` instead of
/// sleeping. `klaxon dry-run`, `klaxon test notifications` and `klaxon demo --speed N` use it.
///
/// The caller owns the store and feeds it samples between advances; `advance(to: t)` then
///  1. evaluates every rule group slot ≤ t, in slot order per group (no slot is skipped),
///  2. hands each evaluation's alerts to the Dispatcher in time order, as `klaxon run` does,
///  3. steps the Dispatcher (aggregation-group timers, housekeeping) at every deadline ≤ t,
/// and records alert transitions and every notification with its rendered text.
///
/// ```swift
/// let store = MemoryStore()
/// let pipeline = try SimulatedPipeline(ruleFiles: ["rules/*.yml"],
///                                      options: RuleManagerOptions(defaultInterval: 15_000),
///                                      alertmanager: try AlertmanagerConfig.load(file: "alertmanager.yml"),
///                                      templateDirectory: ".", store: store, start: t0)
/// defer { pipeline.shutdown() }
/// for t in stride(from: t0, through: t0 + 3_600_000, by: 15_000) {
///     append(samplesAt: t, to: store)      // the caller's scrape, or a replayed recording
///     await pipeline.advance(to: t)
/// }
/// for tr in pipeline.transitions { print(tr.time, tr.kind, tr.labels) }
/// for n in pipeline.notifications { print(n.time, n.receiver, n.integration, n.rendered.slackText ?? "") }
/// ```
///
/// One `advance` at a time: it is not meant to be called from two tasks at once.
///
/// Groups are evaluated concurrently when no rule reads another rule's output (no recording
/// rules and no `ALERTS` selectors): each group's slots still run in order, and alerts reach
/// the Dispatcher sorted by time, so the outcome is the sequential one.
public final class SimulatedPipeline: Sendable {
    public let clock: SimulatedClock
    public let rules: RuleManager
    /// Nil without an Alertmanager config: alerts are then only reported as transitions.
    public let dispatcher: Dispatcher?
    public let store: any Queryable & Appendable
    let sink: any AlertSink
    let recorder: NotificationRecorder?
    let renderer: NotificationRenderer?
    /// True when groups are independent (see the type's documentation).
    public let evaluatesGroupsConcurrently: Bool

    struct State {
        /// Alerts per group and rule after the last evaluation, for diffing.
        var snapshots: [GroupKey: [RuleAlertSnapshot]] = [:]
        var transitions: [AlertTransition] = []
        var evaluations = 0
    }
    private let state = Mutex(State())
    private let rejections = RejectionLog()

    /// - Parameters:
    ///   - ruleFiles: rule file globs.
    ///   - options: the rule manager's options; `defaultInterval` is the global `evaluation_interval`.
    ///   - alertmanager: the routing; nil reports transitions only.
    ///   - templateDirectory: where the config's relative `templates:` globs are resolved (its directory).
    ///   - store: where rules read samples and write ALERTS / ALERTS_FOR_STATE.
    ///   - sender: receives each notification after it is recorded and rendered; the default
    ///     sends nothing (dry-run).
    ///   - start: the simulated time (ms) the rules are loaded at; the first slot of each group follows it.
    ///   - concurrent: evaluate independent groups concurrently (default) or always one by one.
    public init(ruleFiles: [String], options: RuleManagerOptions = RuleManagerOptions(),
                alertmanager: AlertmanagerConfig?, templateDirectory: String = ".",
                store: any Queryable & Appendable, sender: any NotificationSender = DiscardingSender(),
                start: Int64, engine: Engine = Engine(), concurrent: Bool = true) throws {
        clock = SimulatedClock(start)
        self.store = store
        let collected = rejections
        if let am = alertmanager {
            let r = try NotificationRenderer(config: am, templateDirectory: templateDirectory, externalURL: options.externalURL)
            renderer = r
            let rec = NotificationRecorder(next: sender, renderer: r)
            recorder = rec
            let core = AlertmanagerCore(config: am, now: start)
            let d = Dispatcher(core: core, sender: rec, clock: clock)
            dispatcher = d
            sink = PipelineAlertSink(dispatcher: d) { errors in
                collected.add(errors.map(\.message))
            }
        } else {
            renderer = nil
            recorder = nil
            dispatcher = nil
            sink = DiscardingAlertSink()
        }
        rules = RuleManager(options: options, querier: EngineQuerier(engine: engine, store: store), queryable: store,
                            storage: store, sink: sink)
        do {
            try rules.update(files: ruleFiles, at: start)
        } catch {
            renderer?.shutdown()
            throw error
        }
        evaluatesGroupsConcurrently = concurrent && Self.groupsAreIndependent(rules)
    }

    /// Stops the renderer's (unused) HTTP client thread.
    public func shutdown() { renderer?.shutdown() }

    /// The simulated time (ms).
    public var now: Int64 { clock.now() }

    /// Alert transitions so far, in timeline order.
    public var transitions: [AlertTransition] {
        state.withLock { $0.transitions }.sorted(by: AlertTransition.timelineOrder)
    }

    /// Notifications so far, in timeline order.
    public var notifications: [RecordedNotification] { recorder?.recorded ?? [] }

    /// Rule group evaluations run so far.
    public var evaluations: Int { state.withLock { $0.evaluations } }

    /// Messages of alerts the Alertmanager pipeline rejected (should stay empty).
    public var rejectedAlerts: [String] { rejections.messages }

    /// One group evaluation's outcome, before it reaches the Dispatcher.
    struct Evaluated {
        var time: Int64
        var group: GroupKey
        var alerts: [NotifierAlert]
    }

    /// Runs everything due up to `t` (ms, inclusive) and leaves the clock at `t`.
    public func advance(to t: Int64) async {
        guard t >= clock.now() else { return }
        let keys = rules.groupKeys
        var evaluated: [Evaluated] = []
        if evaluatesGroupsConcurrently && keys.count > 1 {
            await withTaskGroup(of: [Evaluated].self) { g in
                for key in keys { g.addTask { self.evaluateSlots(of: key, through: t) } }
                for await part in g { evaluated += part }
            }
        } else {
            // Slot order across groups, as RuleManager.advance runs them.
            while true {
                let next = keys.compactMap { k in rules.nextEvaluation(of: k).map { (k, $0) } }.filter { $0.1 <= t }
                guard let earliest = next.map(\.1).min() else { break }
                for (k, ts) in next where ts == earliest { evaluated.append(evaluate(k, at: ts)) }
            }
        }
        evaluated.sort { ($0.time, $0.group) < ($1.time, $1.group) }
        for e in evaluated where !e.alerts.isEmpty {
            await stepDispatcher(before: e.time)
            clock.set(e.time)
            await sink.send(e.alerts)
        }
        await stepDispatcher(through: t)
        rules.cleanUpStaleSeries(at: t)
        clock.set(t)
    }

    /// Evaluates one group's slots ≤ t in order.
    func evaluateSlots(of key: GroupKey, through t: Int64) -> [Evaluated] {
        var out: [Evaluated] = []
        while let ts = rules.nextEvaluation(of: key), ts <= t {
            out.append(evaluate(key, at: ts))
        }
        return out
    }

    func evaluate(_ key: GroupKey, at ts: Int64) -> Evaluated {
        let alerts = rules.evaluate(group: key, at: ts)
        let after = rules.alertSnapshots(of: key)
        state.withLock { st in
            let before = st.snapshots[key] ?? []
            for (i, snap) in after.enumerated() {
                let old = i < before.count && before[i].rule == snap.rule ? before[i].alerts : [:]
                st.transitions += AlertTransition.diff(rule: snap.rule, group: key, before: old, after: snap.alerts, at: ts)
            }
            st.snapshots[key] = after
            st.evaluations += 1
        }
        return Evaluated(time: ts, group: key, alerts: alerts)
    }

    /// Steps the Dispatcher at every deadline < `t`.
    func stepDispatcher(before t: Int64) async { await stepDispatcher(until: t, inclusive: false) }

    /// Steps the Dispatcher at every deadline ≤ `t`.
    func stepDispatcher(through t: Int64) async { await stepDispatcher(until: t, inclusive: true) }

    private func stepDispatcher(until t: Int64, inclusive: Bool) async {
        guard let d = dispatcher else { return }
        var last = Int64.min
        while let deadline = await d.withCore({ $0.nextDeadline }), inclusive ? deadline <= t : deadline < t {
            // A deadline that did not move after a step would loop forever; the core always
            // moves its timers past `now`, so this only guards against a future bug.
            if deadline <= last { break }
            last = max(deadline, clock.now())
            clock.set(deadline)
            await d.step()
        }
    }

    /// No recording rules and no selector of `ALERTS`/`ALERTS_FOR_STATE`: then no group reads
    /// what another writes, and groups may run concurrently.
    static func groupsAreIndependent(_ rules: RuleManager) -> Bool {
        for key in rules.groupKeys {
            for r in rules.rules(of: key) {
                switch r {
                case .recording: return false
                case .alerting(let a):
                    let text = "\(a.expr)"
                    if text.contains("ALERTS") { return false }
                }
            }
        }
        return true
    }
}

/// Messages of alerts the pipeline rejected, shared with the sink's callback.
final class RejectionLog: Sendable {
    private let log = Mutex<[String]>([])
    func add(_ m: [String]) { log.withLock { $0 += m } }
    var messages: [String] { log.withLock { $0 } }
}

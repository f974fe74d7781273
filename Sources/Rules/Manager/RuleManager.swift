import Model
import PromQL
import Synchronization

/// The rule manager runtime (`rules.Manager`): loads rule files, evaluates each group on its
/// slots, writes outputs and staleness markers, restores `for` state and hands alerts to an
/// `AlertSink`.
///
/// The core is synchronous and clock-free: `due(at:)` says what a clock reading makes due,
/// `evaluate(group:at:)` runs one evaluation and returns the alerts to send, and
/// `advance(to:)` drives a simulated clock exactly. `run(clock:sleeper:)` (in
/// `RuleManager+Run.swift`) is the thin async runner for wall time.
public final class RuleManager: Sendable {
    let querier: any InstantQuerier & Sendable
    let queryable: any Queryable
    let storage: any Appendable
    let sink: any AlertSink
    let state: Mutex<ManagerState>
    /// Signalled after every successful update, so `run` starts new groups.
    let changes: AsyncStream<Void>
    let changesContinuation: AsyncStream<Void>.Continuation

    struct PendingStale {
        var id: Int
        var series: [Labels]
        /// The removal time; markers are stamped with it.
        var stampAt: Int64
        /// `stampAt + 2 × interval`.
        var dueAt: Int64
    }

    struct ManagerState {
        var options: RuleManagerOptions
        var groups: [GroupKey: GroupRuntime] = [:]
        /// False until the first successful update: only groups of that load restore `for` state.
        var hasLoaded = false
        var pendingStale: [PendingStale] = []
        var nextID = 0
    }

    /// - Parameters:
    ///   - querier: evaluates rule expressions (and template `query` calls).
    ///   - queryable: the store `ALERTS_FOR_STATE` is read back from on restore.
    ///   - storage: where rule outputs and staleness markers are appended.
    public init(options: RuleManagerOptions = RuleManagerOptions(), querier: any InstantQuerier & Sendable,
                queryable: any Queryable, storage: any Appendable, sink: any AlertSink) {
        self.querier = querier
        self.queryable = queryable
        self.storage = storage
        self.sink = sink
        state = Mutex(ManagerState(options: options))
        (changes, changesContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Queries through `engine` on `store`, writes to and restores from `store`.
    public convenience init(options: RuleManagerOptions = RuleManagerOptions(), engine: Engine,
                            store: any Queryable & Appendable, sink: any AlertSink) {
        self.init(options: options, querier: EngineQuerier(engine: engine, store: store), queryable: store,
                  storage: store, sink: sink)
    }

    public var options: RuleManagerOptions { state.withLock { $0.options } }

    /// Keys of the loaded groups, sorted by file then name.
    public var groupKeys: [GroupKey] { state.withLock { $0.groups.keys.sorted() } }

    // MARK: - Loading

    /// Re-reads every rule file (`patterns` are globs) and swaps in the new rule set at `now` (ms).
    ///
    /// On any error nothing changes and the loader's errors are thrown (`file: line:col: …`).
    /// Unchanged groups keep running untouched; changed groups start afresh on their next slot
    /// with the old group's state copied (rules-spec §2.3); removed groups' series get
    /// staleness markers after 2 × interval (see `cleanUpStaleSeries(at:)`).
    ///
    /// - Parameter options: replaces the current options; nil keeps them.
    public func update(files patterns: [String], options newOptions: RuleManagerOptions? = nil, at now: Int64) throws {
        let options = newOptions ?? self.options
        let files = RuleFileGlob.expand(patterns)
        let loaded: [RuleGroup]
        switch RuleGroupLoader.load(paths: files, defaultInterval: options.defaultInterval,
                                    externalLabels: options.externalLabels, externalURL: options.externalURL) {
        case .failure(let errors): throw errors
        case .success(let groups): loaded = groups
        }
        state.withLock { st in
            st.options = options
            var old = st.groups
            var next: [GroupKey: GroupRuntime] = [:]
            for var g in loaded {
                if g.interval <= 0 { g.interval = options.defaultInterval }
                let key = g.key
                if let o = old[key], o.state.withLock({ $0.group.isEquivalent(to: g) }) {
                    next[key] = o
                    old[key] = nil
                    continue
                }
                if st.hasLoaded { g.markRestored() }
                if let o = old.removeValue(forKey: key) {
                    o.state.withLock { os in
                        g.copyState(from: os.group)
                        os.isStopped = true
                    }
                }
                let schedule = GroupSchedule(key: key, interval: g.interval)
                next[key] = GroupRuntime(id: st.nextID, key: key, schedule: schedule, group: g,
                                         firstEvaluation: schedule.firstEvaluation(startingAt: now),
                                         shouldRestore: !st.hasLoaded)
                st.nextID += 1
            }
            for (_, o) in old.sorted(by: { $0.key < $1.key }) {
                let (series, interval) = o.state.withLock { os in
                    os.isStopped = true
                    return (os.group.allWrittenSeries, os.group.interval)
                }
                if series.isEmpty { continue }
                st.pendingStale.append(PendingStale(id: st.nextID, series: series, stampAt: now, dueAt: now + 2 * interval))
                st.nextID += 1
            }
            st.groups = next
            st.hasLoaded = true
        }
        changesContinuation.yield()
    }

    /// Writes the staleness markers of removed groups whose 2 × interval wait has passed by `now`.
    public func cleanUpStaleSeries(at now: Int64) {
        let due: [PendingStale] = state.withLock { st in
            let d = st.pendingStale.filter { $0.dueAt <= now }
            st.pendingStale.removeAll { $0.dueAt <= now }
            return d
        }
        for p in due {
            let app = storage.makeAppender()
            for s in p.series { try? app.append(s, p.stampAt, StaleNaN.value) }
            try? app.commit()
        }
    }

    // MARK: - The synchronous core

    func runtime(_ key: GroupKey) -> GroupRuntime? { state.withLock { $0.groups[key] } }

    /// The evaluation each group owes at clock reading `now` (ms): groups whose next slot is
    /// ≤ now, at the latest slot ≤ now, with the slots skipped to get there (rules-spec §2.2).
    public func due(at now: Int64) -> [ScheduledEvaluation] {
        let runtimes = state.withLock { $0.groups.values.sorted { $0.key < $1.key } }
        return runtimes.compactMap { rt in
            rt.state.withLock { st -> ScheduledEvaluation? in
                guard !st.isStopped, st.nextEvaluation <= now else { return nil }
                let ts = max(st.nextEvaluation, rt.schedule.evalTimestamp(now))
                return ScheduledEvaluation(group: rt.key, timestamp: ts,
                                           missed: Int((ts - st.nextEvaluation) / rt.schedule.interval))
            }
        }
    }

    /// The earliest pending slot or stale-marker deadline (ms); nil when nothing is loaded.
    public var nextDeadline: Int64? {
        let (runtimes, stale) = state.withLock { st in (Array(st.groups.values), st.pendingStale.map(\.dueAt)) }
        let slots = runtimes.compactMap { rt in rt.state.withLock { $0.isStopped ? nil : $0.nextEvaluation } }
        return (slots + stale).min()
    }

    /// Evaluates one group at slot `ts` (ms) and returns the alerts to send (rules-spec §2.1, §4.4).
    ///
    /// Slots between the scheduled one and `ts` count as missed; the next slot becomes
    /// `ts + interval`. After the second evaluation of a group loaded at start-up, `for` state is
    /// restored as of `now` (default `ts`) and its alerting rules start writing ALERTS series.
    /// A group removed by a reload evaluates nothing.
    @discardableResult
    public func evaluate(group key: GroupKey, at ts: Int64, now: Int64? = nil) -> [NotifierAlert] {
        guard let rt = runtime(key) else { return [] }
        let opts = options
        return rt.state.withLock { st -> [NotifierAlert] in
            guard !st.isStopped else { return [] }
            let interval = rt.schedule.interval
            if ts > st.nextEvaluation { st.iterationsMissed += Int((ts - st.nextEvaluation) / interval) }
            st.nextEvaluation = ts + interval
            let clock = ContinuousClock()
            let start = clock.now
            st.group.evaluate(at: ts, using: querier, storage: storage)
            st.lastDuration = clock.now - start
            st.lastEvaluation = ts
            st.iterations += 1

            var alerts: [NotifierAlert] = []
            for i in st.group.rules.indices where st.group.lastErrors[i] == nil {
                guard case .alerting(var rule) = st.group.rules[i] else { continue }
                let url = rule.generatorURL(externalURL: opts.externalURL)
                for a in rule.alertsToSend(at: ts, resendDelay: opts.resendDelay, interval: interval) {
                    alerts.append(NotifierAlert(a, externalLabels: opts.externalLabels, generatorURL: url))
                }
                st.group.rules[i] = .alerting(rule)
            }

            if st.shouldRestore && st.iterations >= 2 {
                restoreForState(&st.group, at: now ?? ts, options: opts)
                st.shouldRestore = false
            }
            return alerts
        }
    }

    /// `Group.RestoreForState` over every alerting rule, then all marked restored.
    func restoreForState(_ group: inout RuleGroup, at now: Int64, options: RuleManagerOptions) {
        let q = try? queryable.querier(mint: now - options.outageTolerance, maxt: now)
        for i in group.rules.indices {
            guard case .alerting(var rule) = group.rules[i] else { continue }
            if let q {
                rule.restoreForState(at: now, from: q, outageTolerance: options.outageTolerance,
                                     gracePeriod: options.forGracePeriod)
            }
            group.rules[i] = .alerting(rule)
        }
        group.markRestored()
    }

    /// Drives a simulated clock to `now` (ms): every slot and stale-marker deadline up to `now`
    /// runs in time order, with no slot skipped, and alerts go to the sink after each evaluation.
    public func advance(to now: Int64) async {
        while let t = nextDeadline, t <= now {
            cleanUpStaleSeries(at: t)
            let keys = state.withLock { $0.groups.values.sorted { $0.key < $1.key } }
                .filter { rt in rt.state.withLock { !$0.isStopped && $0.nextEvaluation == t } }.map(\.key)
            for key in keys {
                let alerts = evaluate(group: key, at: t)
                if !alerts.isEmpty { await sink.send(alerts) }
            }
        }
    }

    // MARK: - Health

    /// Every group's health, sorted by file then name.
    public func health() -> [RuleGroupHealth] {
        let runtimes = state.withLock { $0.groups.values.sorted { $0.key < $1.key } }
        return runtimes.map { rt in rt.state.withLock { $0.health(key: rt.key) } }
    }

    /// One group's health; nil if no such group is loaded.
    public func health(of key: GroupKey) -> RuleGroupHealth? {
        runtime(key).map { rt in rt.state.withLock { $0.health(key: rt.key) } }
    }
}

/// One loaded group and its schedule. Its lock is held for a whole evaluation, so a reload that
/// copies the state waits for a running evaluation to finish.
final class GroupRuntime: Sendable {
    /// Unique per manager; `run` uses it to start each runtime once.
    let id: Int
    let key: GroupKey
    let schedule: GroupSchedule
    let state: Mutex<State>

    struct State {
        var group: RuleGroup
        /// The slot the group owes next (ms).
        var nextEvaluation: Int64
        var iterations = 0
        var iterationsMissed = 0
        var lastEvaluation: Int64?
        var lastDuration: Duration = .zero
        /// Restore `for` state after the second evaluation (groups of the first load only).
        var shouldRestore: Bool
        /// Set when a reload replaced or removed the group; it never evaluates again.
        var isStopped = false

        func health(key: GroupKey) -> RuleGroupHealth {
            let rules = group.rules.indices.map { i in
                RuleHealth(rule: group.rules[i],
                           health: group.lastEvaluations[i] == nil ? .unknown : (group.lastErrors[i] == nil ? .ok : .err),
                           lastError: group.lastErrors[i], lastEvaluation: group.lastEvaluations[i],
                           evaluationDuration: group.evaluationDurations[i])
            }
            return RuleGroupHealth(key: key, interval: group.interval, limit: group.limit, lastEvaluation: lastEvaluation,
                                   evaluationDuration: lastDuration, iterations: iterations,
                                   iterationsMissed: iterationsMissed, nextEvaluation: nextEvaluation, rules: rules)
        }
    }

    init(id: Int, key: GroupKey, schedule: GroupSchedule, group: RuleGroup, firstEvaluation: Int64, shouldRestore: Bool) {
        self.id = id
        self.key = key
        self.schedule = schedule
        state = Mutex(State(group: group, nextEvaluation: firstEvaluation, shouldRestore: shouldRestore))
    }
}

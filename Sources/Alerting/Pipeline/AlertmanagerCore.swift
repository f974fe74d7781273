import Model

/// Identifies one outstanding delivery of a flush.
public struct DeliveryID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let flush: UInt64
    public let index: Int
    public static func < (a: DeliveryID, b: DeliveryID) -> Bool { (a.flush, a.index) < (b.flush, b.index) }
    public var description: String { "\(flush).\(index)" }
}

/// A notification the driver must hand to a `NotificationSender`, then report back with
/// `AlertmanagerCore.complete(_:result:now:)`.
public struct PendingDelivery: Sendable, Equatable {
    public let id: DeliveryID
    public let notification: Notification
}

/// What the driver of an `AlertmanagerCore` has to do after a call.
public enum PipelineAction: Sendable, Equatable {
    /// Send this notification, then call `complete`.
    case send(PendingDelivery)
    /// Call `tick(now:)` at this time (replaces any earlier request).
    case scheduleWakeup(at: Int64)
    /// The notification log changed: write its snapshot.
    case persistNotificationLog
    /// The silences changed (garbage collection): write their snapshot.
    case persistSilences
}

extension Array where Element == PipelineAction {
    /// The `.send` actions' deliveries, in order.
    public var deliveries: [PendingDelivery] {
        compactMap { if case .send(let d) = $0 { return d } else { return nil } }
    }
    public var notifications: [Notification] { deliveries.map(\.notification) }
    /// The last `.scheduleWakeup` time.
    public var wakeup: Int64? {
        for a in reversed() { if case .scheduleWakeup(let t) = a { return t } }
        return nil
    }
}

/// Silenced / inhibited status of one alert (`types.AlertStatus`, API `status`).
public struct AlertStatus: Sendable, Equatable {
    public enum State: String, Sendable { case unprocessed, active, suppressed }
    public var state: State
    public var silencedBy: [String]
    public var inhibitedBy: [String]
    public init(state: State, silencedBy: [String], inhibitedBy: [String]) {
        self.state = state
        self.silencedBy = silencedBy
        self.inhibitedBy = inhibitedBy
    }
}

/// The Alertmanager core, synchronous and clock-free: alert store → inhibition → silences →
/// routing → aggregation groups → notification log (spec §2–§8).
///
/// Every mutating method takes `now` (ms since the epoch) and returns `PipelineAction`s; a driver
/// (`Dispatcher` for real time, or a simulation for dry-run) carries them out:
///
///     var core = AlertmanagerCore(config: cfg, now: t0)
///     _ = core.receive([alert], now: t0)
///     let actions = core.tick(now: t0 + 30_000)          // → .send(...) per integration
///     for d in actions.deliveries { _ = core.complete(d.id, result: .delivered, now: t0 + 30_000) }
public struct AlertmanagerCore: Sendable {
    public internal(set) var config: AlertmanagerConfig
    public internal(set) var route: Route
    public internal(set) var store = AlertStore()
    public internal(set) var inhibitor: Inhibitor
    /// Mutated directly by the API layer; the caller persists after a change.
    public var silences: Silences
    public internal(set) var notificationLog: NotificationLog

    /// By `route.id` + group labels.
    var groups: [String: AggregationGroup] = [:]
    var flushes: [UInt64: PendingFlush] = [:]
    var nextSerial: UInt64 = 1
    var intervals: [String: NamedTimeInterval] = [:]
    var integrations: [String: [(id: IntegrationID, sendResolved: Bool)]] = [:]

    /// Housekeeping deadlines (spec §13): empty-group GC every 30s, alert GC every
    /// `alertGCInterval`, silences/nflog GC and inhibitor-cache GC every `maintenanceInterval`.
    var nextGroupGC: Int64
    var nextAlertGC: Int64
    var nextMaintenance: Int64
    public var alertGCInterval: Int64 = 30 * 60_000
    public var maintenanceInterval: Int64 = 15 * 60_000
    static let groupGCInterval: Int64 = 30_000
    static let minFlushTimeout: Int64 = 10_000

    struct PendingFlush: Sendable {
        struct Part: Sendable {
            var key: NotificationLog.Key
            var firing: Set<UInt64>
            var resolved: Set<UInt64>
            var repeatInterval: Int64
        }
        var groupID: String
        var groupSerial: UInt64
        var resolved: [Alert]
        var outstanding: [Int: Part]
        var failed = false
    }

    /// A core for `config` started at `now`, with silences and notification log restored by the
    /// caller (or empty).
    public init(config: AlertmanagerConfig, now: Int64, silences: Silences = Silences(),
                notificationLog: NotificationLog = NotificationLog()) {
        self.config = config
        self.route = Route(root: config.route)
        self.inhibitor = Inhibitor(rules: config.inhibitRules)
        self.silences = silences
        self.notificationLog = notificationLog
        nextGroupGC = now + Self.groupGCInterval
        nextAlertGC = now + alertGCInterval
        nextMaintenance = now + maintenanceInterval
        applyConfig(config)
    }

    mutating func applyConfig(_ config: AlertmanagerConfig) {
        self.config = config
        route = Route(root: config.route)
        intervals = [:]
        for ti in config.muteTimeIntervals + config.timeIntervals { intervals[ti.name] = ti }
        integrations = [:]
        for r in config.receivers {
            var list: [(IntegrationID, Bool)] = []
            for (i, c) in r.webhookConfigs.enumerated() { list.append((IntegrationID(kind: "webhook", index: i), c.sendResolved)) }
            for (i, c) in r.emailConfigs.enumerated() { list.append((IntegrationID(kind: "email", index: i), c.sendResolved)) }
            for (i, c) in r.pagerdutyConfigs.enumerated() { list.append((IntegrationID(kind: "pagerduty", index: i), c.sendResolved)) }
            for (i, c) in r.slackConfigs.enumerated() { list.append((IntegrationID(kind: "slack", index: i), c.sendResolved)) }
            integrations[r.name] = list.map { (id: $0.0, sendResolved: $0.1) }
        }
    }

    // MARK: Ingestion

    public struct ReceiveResult: Sendable, Equatable {
        /// One per rejected alert, in input order; the valid ones were stored regardless (§2 step 6).
        public var errors: [AlertValidationError]
        public var actions: [PipelineAction]
        /// The API's 400 body text: the messages joined by `; `.
        public var errorMessage: String? { errors.isEmpty ? nil : errors.map(\.message).joined(separator: "; ") }
    }

    /// Ingests posted alerts received at `now` (spec §2): defaults, validation, store merge, then
    /// the inhibitor cache and every matching route's aggregation group.
    public mutating func receive(_ alerts: [PostableAlert], now: Int64) -> ReceiveResult {
        var errors: [AlertValidationError] = []
        for p in alerts {
            do {
                let a = try Alert.ingest(p, now: now, resolveTimeout: config.global.resolveTimeout)
                let stored = store.put(a, now: now)
                inhibitor.observe(stored)
                dispatch(stored, now: now)
            } catch {
                errors.append(error)
            }
        }
        return ReceiveResult(errors: errors, actions: wakeupActions())
    }

    /// `Dispatcher.processAlert`: inserts into the group of each matching route.
    mutating func dispatch(_ alert: Alert, now: Int64) {
        let labels = alert.labels.dictionary
        for r in route.match(labels) {
            let gl = Labels(r.groupLabels(labels))
            let id = r.id + "\u{0}" + Fingerprint(gl).description
            if groups[id] == nil {
                groups[id] = AggregationGroup(route: r, groupLabels: gl, now: now, serial: nextSerial)
                nextSerial += 1
            }
            _ = groups[id]!.insert(alert, now: now)
        }
    }

    // MARK: Timers

    /// The earliest time `tick(now:)` has work: a group's timer or housekeeping.
    public var nextDeadline: Int64? {
        var t = min(nextGroupGC, nextAlertGC, nextMaintenance)
        for g in groups.values where g.inFlight == nil { t = min(t, g.nextFlush) }
        return t
    }

    /// The earliest group timer only (no housekeeping), for tests and dry-run reports.
    public var nextFlush: Int64? { groups.values.filter { $0.inFlight == nil }.map(\.nextFlush).min() }

    func wakeupActions() -> [PipelineAction] { nextDeadline.map { [.scheduleWakeup(at: $0)] } ?? [] }

    /// Runs everything due at `now`: housekeeping, then every due group's flush (in group-key
    /// order). Returns the notifications to send and the next wakeup.
    public mutating func tick(now: Int64) -> [PipelineAction] {
        var actions = housekeeping(now: now)
        let due = groups.filter { $0.value.isDue(at: now) }.sorted { ($0.value.groupKey, $0.key) < ($1.value.groupKey, $1.key) }
        for (id, _) in due {
            guard let (alerts, _) = groups[id]?.fire(now: now) else { continue }
            actions += flush(groupID: id, alerts: alerts, now: now)
        }
        return actions + wakeupActions()
    }

    static func advance(_ deadline: inout Int64, period: Int64, now: Int64) -> Bool {
        guard deadline <= now else { return false }
        deadline += ((now - deadline) / period + 1) * period
        return true
    }

    mutating func housekeeping(now: Int64) -> [PipelineAction] {
        var actions: [PipelineAction] = []
        if Self.advance(&nextGroupGC, period: Self.groupGCInterval, now: now) {
            groups = groups.filter { !$0.value.isEmpty || $0.value.inFlight != nil }
        }
        if Self.advance(&nextAlertGC, period: alertGCInterval, now: now) {
            store.collectGarbage(now: now)
        }
        if Self.advance(&nextMaintenance, period: maintenanceInterval, now: now) {
            inhibitor.collectGarbage(now: now)
            if silences.collectGarbage(now: now) > 0 { actions.append(.persistSilences) }
            if notificationLog.collectGarbage(now: now) > 0 { actions.append(.persistNotificationLog) }
        }
        return actions
    }

    // MARK: Reload

    /// Applies a new configuration (spec §1.1): route tree, inhibitor, receivers and all
    /// aggregation groups are rebuilt from the stored alerts; silences and the notification log
    /// are kept, so already-notified groups are not re-notified.
    public mutating func reload(config: AlertmanagerConfig, now: Int64) -> [PipelineAction] {
        applyConfig(config)
        inhibitor = Inhibitor(rules: config.inhibitRules)
        groups = [:]
        for a in store.all {
            inhibitor.observe(a)
            dispatch(a, now: now)
        }
        return wakeupActions()
    }

    // MARK: Queries

    /// The aggregation groups, sorted by group key then route id.
    public var aggregationGroups: [AggregationGroup] {
        groups.sorted { ($0.value.groupKey, $0.key) < ($1.value.groupKey, $1.key) }.map(\.value)
    }

    /// Silenced-by and inhibited-by markers of a stored alert, computed at `now` as the API does.
    public func status(of fingerprint: Fingerprint, now: Int64) -> AlertStatus? {
        guard let a = store[fingerprint] else { return nil }
        return status(of: a.labels, now: now)
    }

    public func status(of labels: Labels, now: Int64) -> AlertStatus {
        let silenced = silences.silencedBy(labels, now: now)
        let inhibited = inhibitor.inhibitor(of: labels, now: now).map { [$0.description] } ?? []
        return AlertStatus(state: silenced.isEmpty && inhibited.isEmpty ? .active : .suppressed,
                           silencedBy: silenced, inhibitedBy: inhibited)
    }

    /// Receivers of every route the labels are sent to (API `receivers`).
    public func receivers(for labels: Labels) -> [String] {
        route.match(labels.dictionary).map(\.options.receiver)
    }
}

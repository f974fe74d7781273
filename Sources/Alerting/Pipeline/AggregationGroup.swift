import Model

/// An aggregation group (`dispatch.aggrGroup`, spec §4): the alerts of one route with the same
/// group labels, and the flush timer as a state machine. Every mutating method takes `now`
/// (ms) and returns what the timer should do; nothing here reads a clock.
///
/// Timer: created armed at `now + group_wait`; an alert inserted before the first flush whose
/// `startsAt + group_wait` is already past re-arms it to `now`; each firing re-arms it to
/// `now + group_interval`. Inserting into a flushed group never advances the timer (0.25).
public struct AggregationGroup: Sendable {
    public enum Action: Sendable, Equatable {
        /// The timer is (re-)armed: the group is due at this time.
        case scheduleFlush(at: Int64)
    }

    public let route: Route
    public let groupLabels: Labels
    /// `<route key>:<group labels>`.
    public let groupKey: String
    /// Unique per group for the life of the core, so results of a flush of a group dropped by a
    /// reload are not applied to its successor with the same key.
    let serial: UInt64
    /// Latest version of each alert, by fingerprint.
    public private(set) var alerts: [Fingerprint: Alert] = [:]
    public private(set) var hasFlushed = false
    /// When the timer fires next (ms).
    public private(set) var nextFlush: Int64
    /// A flush whose deliveries are still outstanding. The timer does not fire meanwhile; as in
    /// Alertmanager, where a group's run loop waits for its flush, a due tick happens right after.
    var inFlight: UInt64?

    /// A new group; its timer is armed at `now + group_wait` (`.scheduleFlush(at:)` of `creationAction`).
    public init(route: Route, groupLabels: Labels, now: Int64, serial: UInt64 = 0) {
        self.route = route
        self.groupLabels = groupLabels
        self.groupKey = route.key + ":" + Route.labelSetString(groupLabels.dictionary)
        self.serial = serial
        self.nextFlush = now + route.options.groupWait
    }

    public var creationAction: Action { .scheduleFlush(at: nextFlush) }
    public var isEmpty: Bool { alerts.isEmpty }

    /// Stores the latest version of `alert` (`aggrGroup.insert`). Returns `.scheduleFlush(at: now)`
    /// when an old alert makes a not-yet-flushed group due immediately, else nil.
    public mutating func insert(_ alert: Alert, now: Int64) -> Action? {
        alerts[alert.fingerprint] = alert
        if !hasFlushed && alert.startsAt + route.options.groupWait < now && nextFlush > now {
            nextFlush = now
            return .scheduleFlush(at: now)
        }
        return nil
    }

    /// True when the timer has expired at `now` and no flush is outstanding.
    public func isDue(at now: Int64) -> Bool { inFlight == nil && nextFlush <= now }

    /// Fires the timer if due: re-arms it at `now + group_interval`, marks the group flushed and
    /// returns the alerts to flush (fingerprint order), or nil when not due.
    public mutating func fire(now: Int64) -> (alerts: [Alert], action: Action)? {
        guard isDue(at: now) else { return nil }
        nextFlush = now + route.options.groupInterval
        hasFlushed = true
        return (alerts.keys.sorted().map { alerts[$0]! }, .scheduleFlush(at: nextFlush))
    }

    /// After a fully successful flush: drops the resolved alerts of the flushed snapshot that have
    /// not been replaced since (`DeleteIfNotModified`).
    mutating func deleteIfNotModified(_ resolved: [Alert]) {
        for a in resolved where alerts[a.fingerprint] == a { alerts[a.fingerprint] = nil }
    }
}

/// The alert store (`provider/mem.Alerts`): the latest version of every alert by fingerprint.
///
/// Pure value type; the caller supplies the time. Resolved alerts stay until `collectGarbage(now:)`
/// (Alertmanager runs it every `--alerts.gc-interval`, 30m).
public struct AlertStore: Sendable {
    private var alerts: [Fingerprint: Alert] = [:]

    public init() {}

    /// Stores `alert`, merging with the stored version when their activity ranges overlap
    /// (`mem.Alerts.Put`, spec §2 step 7). Returns the version now stored.
    @discardableResult
    public mutating func put(_ alert: Alert, now: Int64) -> Alert {
        let fp = alert.fingerprint
        var stored = alert
        if let old = alerts[fp] {
            let endsInside = alert.endsAt > old.startsAt && alert.endsAt < old.endsAt
            let startsInside = alert.startsAt > old.startsAt && alert.startsAt < old.endsAt
            if endsInside || startsInside { stored = old.merged(with: alert, now: now) }
        }
        alerts[fp] = stored
        return stored
    }

    public subscript(fingerprint: Fingerprint) -> Alert? { alerts[fingerprint] }

    /// Every stored alert (resolved ones included), by fingerprint.
    public var all: [Alert] { alerts.keys.sorted().map { alerts[$0]! } }

    public var count: Int { alerts.count }

    /// Drops every alert resolved at `now`; returns their fingerprints.
    @discardableResult
    public mutating func collectGarbage(now: Int64) -> [Fingerprint] {
        let gone = alerts.filter { $0.value.isResolved(at: now) }.keys.sorted()
        for fp in gone { alerts[fp] = nil }
        return gone
    }
}

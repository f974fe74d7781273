import Model

/// One alert of an alerting rule (`rules.Alert`). Times are ms; nil = Go's zero time.
public struct Alert: Sendable, Equatable {
    public enum State: String, Sendable { case inactive, pending, firing }

    public var state: State
    /// Expanded labels including `alertname`.
    public var labels: Labels
    /// Expanded annotations, sorted by name; empty values are kept (Go `labels.Labels`).
    public var annotations: [Label]
    public var value: Double
    public var activeAt: Int64
    public var firedAt: Int64?
    public var resolvedAt: Int64?
    public var keepFiringSince: Int64?
    /// When the alert was last handed to the notifier (ms); nil = never sent.
    public var lastSentAt: Int64?
    /// `endsAt` promised to Alertmanager at the last send (ms); nil = never sent.
    public var validUntil: Int64?

    public var isFiring: Bool { state == .firing }
}

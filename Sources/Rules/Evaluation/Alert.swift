import Model

/// One alert of an alerting rule (`rules.Alert`). Times are ms; nil = Go's zero time.
public struct Alert: Sendable, Equatable {
    public enum State: String, Sendable { case inactive, pending, firing }

    public var state: State
    /// Expanded labels including `alertname`.
    public var labels: Labels
    /// Expanded annotations, sorted by name; empty values are kept (Go `labels.Labels`).
    /// Expanded when read if the rule deferred them (`DeferredAnnotations`).
    public var annotations: [Label] {
        get { deferred?.expand() ?? expanded }
        set {
            expanded = newValue
            deferred = nil
        }
    }
    private var expanded: [Label]
    /// The templates and their inputs, when expanding waits until the annotations are read.
    var deferred: DeferredAnnotations?
    public var value: Double
    public var activeAt: Int64
    public var firedAt: Int64?
    public var resolvedAt: Int64?
    public var keepFiringSince: Int64?
    /// When the alert was last handed to the notifier (ms); nil = never sent.
    public var lastSentAt: Int64?
    /// `endsAt` promised to Alertmanager at the last send (ms); nil = never sent.
    public var validUntil: Int64?

    /// The ALERTS (for a state) and ALERTS_FOR_STATE label sets, made once per alert: the
    /// same storage every evaluation lets the store find the series without hashing them.
    /// Not part of the alert's value (`==`).
    var alertsSeries: (state: State, labels: Labels)?
    var forStateSeries: Labels?

    public var isFiring: Bool { state == .firing }

    public init(state: State, labels: Labels, annotations: [Label], value: Double, activeAt: Int64, firedAt: Int64? = nil,
                resolvedAt: Int64? = nil, keepFiringSince: Int64? = nil, lastSentAt: Int64? = nil, validUntil: Int64? = nil) {
        self.state = state
        self.labels = labels
        self.expanded = annotations
        self.value = value
        self.activeAt = activeAt
        self.firedAt = firedAt
        self.resolvedAt = resolvedAt
        self.keepFiringSince = keepFiringSince
        self.lastSentAt = lastSentAt
        self.validUntil = validUntil
    }

    /// `other`'s annotations, deferred if they are, without expanding them.
    mutating func takeAnnotations(of other: Alert) {
        expanded = other.expanded
        deferred = other.deferred
    }

    public static func == (a: Alert, b: Alert) -> Bool {
        a.state == b.state && a.labels == b.labels && a.annotations == b.annotations
            && a.value.bitPattern == b.value.bitPattern && a.activeAt == b.activeAt && a.firedAt == b.firedAt
            && a.resolvedAt == b.resolvedAt && a.keepFiringSince == b.keepFiringSince && a.lastSentAt == b.lastSentAt
            && a.validUntil == b.validUntil
    }
}

import Model

/// An alert as handed to the notifier (`notifier.Alert`, rules-spec §4.5). Times are ms.
public struct NotifierAlert: Sendable, Hashable {
    /// Alert labels plus external labels for names the alert does not have.
    public var labels: Labels
    /// Expanded annotations, sorted by name.
    public var annotations: [Label]
    /// `FiredAt`: the evaluation at which the alert became firing.
    public var startsAt: Int64
    /// `ResolvedAt` when resolved, else `ValidUntil`.
    public var endsAt: Int64
    /// `<external URL>/graph?g0.expr=<escaped expr>&g0.tab=1`.
    public var generatorURL: String

    public init(labels: Labels, annotations: [Label], startsAt: Int64, endsAt: Int64, generatorURL: String) {
        self.labels = labels
        self.annotations = annotations
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.generatorURL = generatorURL
    }
}

/// Where the rule manager delivers alerts; the wiring adapts the notifier to it.
public protocol AlertSink: Sendable {
    /// Queues `alerts` for delivery. Never called with an empty array.
    func send(_ alerts: [NotifierAlert]) async
}

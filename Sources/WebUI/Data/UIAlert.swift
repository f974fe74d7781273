import Model

/// A pending or firing alert of an alerting rule, as the Alerts page shows it.
public struct UIAlert: Sendable, Equatable {
    public enum State: String, Sendable, Comparable {
        case firing, pending
        /// Firing sorts first.
        public static func < (a: State, b: State) -> Bool { a == .firing && b == .pending }
    }

    /// The alerting rule's name (the group heading on the page).
    public var rule: String
    public var state: State
    /// Expanded labels, including `alertname`.
    public var labels: Labels
    /// Expanded annotations (`summary`, `description` and `runbook_url` get their own places).
    public var annotations: [String: String]
    /// The sample value of the last evaluation.
    public var value: Double
    /// When the alert became active (ms since the epoch).
    public var activeAt: Int64
    /// IDs of the active silences that match the alert's labels (empty = not silenced).
    public var silencedBy: [String]

    public init(rule: String, state: State, labels: Labels, annotations: [String: String] = [:], value: Double,
                activeAt: Int64, silencedBy: [String] = []) {
        self.rule = rule
        self.state = state
        self.labels = labels
        self.annotations = annotations
        self.value = value
        self.activeAt = activeAt
        self.silencedBy = silencedBy
    }
}

import Model

/// One rule group with its rules' health, for the Rules page.
public struct UIRuleGroup: Sendable, Equatable {
    public var name: String
    public var file: String
    /// Evaluation interval (ms).
    public var interval: Int64
    /// ms since the epoch; nil = not evaluated yet.
    public var lastEvaluation: Int64?
    /// Seconds the last evaluation of the whole group took.
    public var evaluationSeconds: Double
    /// In file order.
    public var rules: [UIRule]

    public init(name: String, file: String, interval: Int64, lastEvaluation: Int64?, evaluationSeconds: Double,
                rules: [UIRule]) {
        self.name = name
        self.file = file
        self.interval = interval
        self.lastEvaluation = lastEvaluation
        self.evaluationSeconds = evaluationSeconds
        self.rules = rules
    }
}

/// One alerting or recording rule.
public struct UIRule: Sendable, Equatable {
    public enum Kind: String, Sendable { case alerting, recording }
    public enum Health: String, Sendable { case ok, err, unknown }
    /// An alerting rule's state: firing if any alert fires, else pending if any is pending.
    public enum State: String, Sendable { case inactive, pending, firing }

    public var name: String
    public var kind: Kind
    /// The expression, printed.
    public var query: String
    public var health: Health
    /// The last evaluation's error; empty when healthy.
    public var lastError: String
    /// ms since the epoch; nil = never evaluated.
    public var lastEvaluation: Int64?
    public var evaluationSeconds: Double
    /// Alerting rules: `for` (ms); 0 for recording rules.
    public var holdDuration: Int64
    /// Static labels the rule adds.
    public var labels: [String: String]
    /// Alerting rules only.
    public var state: State
    public var firingCount: Int
    public var pendingCount: Int

    public init(name: String, kind: Kind, query: String, health: Health, lastError: String = "",
                lastEvaluation: Int64?, evaluationSeconds: Double, holdDuration: Int64 = 0,
                labels: [String: String] = [:], state: State = .inactive, firingCount: Int = 0, pendingCount: Int = 0) {
        self.name = name
        self.kind = kind
        self.query = query
        self.health = health
        self.lastError = lastError
        self.lastEvaluation = lastEvaluation
        self.evaluationSeconds = evaluationSeconds
        self.holdDuration = holdDuration
        self.labels = labels
        self.state = state
        self.firingCount = firingCount
        self.pendingCount = pendingCount
    }
}

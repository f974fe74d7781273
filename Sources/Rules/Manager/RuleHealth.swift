/// A read-only snapshot of one group for the server (`/api/v1/rules`, `/metrics`).
public struct RuleGroupHealth: Sendable {
    public var key: GroupKey
    /// ms.
    public var interval: Int64
    public var limit: Int
    /// Timestamp of the last evaluation (ms); nil = not evaluated yet.
    public var lastEvaluation: Int64?
    /// Wall time the last evaluation took.
    public var evaluationDuration: Duration
    /// Evaluations run.
    public var iterations: Int
    /// Slots skipped because an evaluation overran (`prometheus_rule_group_iterations_missed_total`).
    public var iterationsMissed: Int
    /// The slot the group evaluates at next (ms).
    public var nextEvaluation: Int64
    /// In file order.
    public var rules: [RuleHealth]
}

/// One rule's health and current state.
public struct RuleHealth: Sendable {
    public enum Health: String, Sendable { case ok, err, unknown }

    /// The rule, including (for alerting rules) its current alerts.
    public var rule: Rule
    /// `unknown` before the first evaluation, `err` if the last one failed.
    public var health: Health
    public var lastError: String?
    /// ms; nil = never evaluated.
    public var lastEvaluation: Int64?
    public var evaluationDuration: Duration

    /// The rule's alerts (pending, firing and retained resolved ones), sorted by labels.
    public var alerts: [Alert] {
        guard case .alerting(let a) = rule else { return [] }
        return a.active.keys.sorted().map { a.active[$0]! }
    }
}

/// One evaluation the clock has made due (`RuleManager.due(at:)`).
public struct ScheduledEvaluation: Sendable, Equatable {
    public var group: GroupKey
    /// The slot to evaluate at (ms): the latest slot ≤ now.
    public var timestamp: Int64
    /// Slots skipped to get there.
    public var missed: Int
}

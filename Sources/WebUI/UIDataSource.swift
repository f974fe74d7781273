/// Everything the web UI reads and changes. The server adapts the rule manager, scrape manager,
/// Alertmanager pipeline and query engine to it; tests use an in-memory fake.
///
/// Methods are called on request tasks and must be safe to call concurrently.
public protocol UIDataSource: Sendable {
    /// Current time (ms since the epoch): "5m ago" and the query page's default end.
    func now() async -> Int64

    /// Pending and firing alerts of every alerting rule.
    func alerts() async -> [UIAlert]

    /// Every rule group, in the manager's order.
    func ruleGroups() async -> [UIRuleGroup]

    /// Every active scrape target.
    func targets() async -> [UITarget]

    /// All stored silences; nil when no Alertmanager pipeline runs (no silences to manage).
    func silences() async -> [UISilence]?

    /// Creates a silence; returns its ID.
    func createSilence(_ draft: UISilenceDraft) async throws(UIActionError) -> String

    /// Expires a silence now.
    func expireSilence(id: String) async throws(UIActionError)

    /// Receivers and recent deliveries; nil when no Alertmanager pipeline runs.
    func notifications() async -> UINotifications?

    /// An instant query at `time` (ms).
    func query(_ expr: String, at time: Int64) async -> Result<UIQueryValue, UIQueryError>

    /// A range query from `start` to `end` (ms) every `step` ms.
    func queryRange(_ expr: String, start: Int64, end: Int64, step: Int64) async -> Result<[UISeries], UIQueryError>
}

import Model

// Accessors for simulated-clock drivers (`DryRun.SimulatedPipeline`): they step each group
// slot by slot, as `advance(to:)` does, but need to see each group's next slot and its alerts
// after every evaluation to report transitions.

/// One alerting rule's alerts after an evaluation.
public struct RuleAlertSnapshot: Sendable {
    /// The rule's name (`alert:`).
    public var rule: String
    /// `for:` in ms.
    public var holdDuration: Int64
    /// Pending, firing and retained resolved alerts, keyed by their labels.
    public var alerts: [Labels: Alert]
}

extension RuleManager {
    /// The slot a group evaluates at next (ms); nil when it is not loaded or was stopped.
    public func nextEvaluation(of key: GroupKey) -> Int64? {
        runtime(key)?.state.withLock { $0.isStopped ? nil : $0.nextEvaluation }
    }

    /// The alerting rules of a group with their current alerts, in file order.
    public func alertSnapshots(of key: GroupKey) -> [RuleAlertSnapshot] {
        guard let rt = runtime(key) else { return [] }
        return rt.state.withLock { st in
            st.group.rules.compactMap { r -> RuleAlertSnapshot? in
                guard case .alerting(let a) = r else { return nil }
                return RuleAlertSnapshot(rule: a.name, holdDuration: a.holdDuration, alerts: a.active)
            }
        }
    }

    /// Every loaded group's rules, for reports that list rules (one JUnit case per rule).
    public func rules(of key: GroupKey) -> [Rule] {
        runtime(key)?.state.withLock { $0.group.rules } ?? []
    }
}

import Model

/// Inhibition (`inhibit.Inhibitor`, spec §8): a firing alert matching a rule's source matchers
/// mutes alerts matching its target matchers when the `equal` labels agree.
///
/// Value type; every alert entering the store is passed to `observe(_:)`, which caches it per
/// rule when it matches the rule's source side (latest version by fingerprint).
public struct Inhibitor: Sendable {
    struct Rule: Sendable {
        var config: InhibitRule
        /// Source alerts seen, latest version by fingerprint (`scache`). May hold resolved alerts
        /// until `collectGarbage(now:)` (Alertmanager: every 15 min).
        var sources: [Fingerprint: Alert] = [:]
    }

    private var rules: [Rule]

    public init(rules: [InhibitRule]) {
        self.rules = rules.map { Rule(config: $0) }
    }

    /// Caches `alert` for every rule whose source matchers it matches.
    public mutating func observe(_ alert: Alert) {
        let labels = alert.labels.dictionary
        for i in rules.indices where rules[i].config.sourceMatchers.matches(labels) {
            rules[i].sources[alert.fingerprint] = alert
        }
    }

    /// The fingerprint of the alert inhibiting `labels` at `now`, or nil (`Inhibitor.Mutes`):
    /// for each rule whose target matchers match, the first cached source alert that is not
    /// resolved, agrees on every `equal` label (missing = empty), and — when the target also
    /// matches the source side — does not itself match the target side. This last condition is
    /// why an alert never inhibits itself.
    public func inhibitor(of labels: Labels, now: Int64) -> Fingerprint? {
        let target = labels.dictionary
        for rule in rules where rule.config.targetMatchers.matches(target) {
            let excludeTwoSided = rule.config.sourceMatchers.matches(target)
            for fp in rule.sources.keys.sorted() {
                let source = rule.sources[fp]!
                if source.isResolved(at: now) { continue }
                let s = source.labels.dictionary
                if !rule.config.equal.allSatisfy({ (s[$0] ?? "") == (target[$0] ?? "") }) { continue }
                if excludeTwoSided && rule.config.targetMatchers.matches(s) { continue }
                return fp
            }
        }
        return nil
    }

    /// True when `labels` is inhibited at `now`.
    public func mutes(_ labels: Labels, now: Int64) -> Bool { inhibitor(of: labels, now: now) != nil }

    /// Drops resolved source alerts from the caches.
    public mutating func collectGarbage(now: Int64) {
        for i in rules.indices {
            rules[i].sources = rules[i].sources.filter { !$0.value.isResolved(at: now) }
        }
    }
}

import Model
import Rules

/// One change of an alert's state, as the rule manager saw it at an evaluation.
public struct AlertTransition: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable {
        /// The condition started to hold (`activeAt`); only for rules with `for:`.
        case pending
        /// The alert fired (`firedAt`).
        case firing
        /// A firing alert's condition (and `keep_firing_for`) ended (`resolvedAt`).
        case resolved
        /// A pending alert's condition ended before it fired; nothing was sent.
        case inactive
    }

    /// When the transition happened (ms): `activeAt`, `firedAt`, `resolvedAt` or the evaluation time.
    public var time: Int64
    public var kind: Kind
    /// The rule's name.
    public var rule: String
    public var group: GroupKey
    /// The alert's labels, `alertname` included.
    public var labels: Labels
    /// The expression's value at the evaluation (the last value for `resolved`/`inactive`).
    public var value: Double

    public init(time: Int64, kind: Kind, rule: String, group: GroupKey, labels: Labels, value: Double) {
        self.time = time
        self.kind = kind
        self.rule = rule
        self.group = group
        self.labels = labels
        self.value = value
    }

    /// Orders by time, then rule, then labels: the timeline order.
    public static func timelineOrder(_ a: AlertTransition, _ b: AlertTransition) -> Bool {
        if a.time != b.time { return a.time < b.time }
        if a.rule != b.rule { return a.rule < b.rule }
        if a.labels != b.labels { return a.labels < b.labels }
        return a.kind.order < b.kind.order
    }

    /// The transitions between two snapshots of one rule's alerts, taken before and after an
    /// evaluation at `t`.
    static func diff(rule: String, group: GroupKey, before: [Labels: Alert], after: [Labels: Alert], at t: Int64) -> [AlertTransition] {
        var out: [AlertTransition] = []
        func add(_ time: Int64, _ kind: Kind, _ a: Alert) {
            out.append(AlertTransition(time: time, kind: kind, rule: rule, group: group, labels: a.labels, value: a.value))
        }
        for (labels, a) in after {
            let old = before[labels]
            let wasActive = old.map { $0.state != .inactive } ?? false
            switch a.state {
            case .pending:
                if !wasActive { add(a.activeAt, .pending, a) }
            case .firing:
                if !wasActive {
                    // Pending and firing at one evaluation: `for: 0`, or restored state.
                    if a.firedAt.map({ $0 > a.activeAt }) ?? false { add(a.activeAt, .pending, a) }
                    add(a.firedAt ?? t, .firing, a)
                } else if old?.state == .pending {
                    add(a.firedAt ?? t, .firing, a)
                }
            case .inactive:
                if wasActive {
                    add(a.resolvedAt ?? t, old?.state == .firing ? .resolved : .inactive, a)
                }
            }
        }
        for (labels, old) in before where after[labels] == nil && old.state != .inactive {
            add(t, old.state == .firing ? .resolved : .inactive, old)
        }
        return out
    }
}

extension AlertTransition.Kind {
    var order: Int {
        switch self {
        case .pending: return 0
        case .firing: return 1
        case .inactive: return 2
        case .resolved: return 3
        }
    }
}

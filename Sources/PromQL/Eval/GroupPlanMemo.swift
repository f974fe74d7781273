import Model
import Synchronization

/// Groupings kept from one evaluation to the next: which aggregation group each fetched
/// series falls in (`GroupPlan`), and which histogram each bucket belongs to
/// (`HistogramPlan`). A plan is reused only when the query sees the very same label sets, in
/// the same order: the same storage (`Labels.isIdentical`), which a store hands out again for
/// an unchanged series, so recognising them costs a pointer compare per series instead of a
/// hash. Any other input is grouped afresh. The owner (a rule group) calls `sweep()` after
/// each evaluation, which drops the plans that evaluation did not use.
public final class GroupPlanMemo: Sendable {
    struct Entry {
        var inputs: [Labels]
        var plan: any Sendable
        var used: Bool
    }

    private let state = Mutex<(entries: [String: Entry], hits: Int)>(([:], 0))

    public init() {}

    /// Plans reused since the memo was made.
    public var hits: Int { state.withLock { $0.hits } }
    public var count: Int { state.withLock { $0.entries.count } }

    /// The plan kept under `key` if it was made from exactly these label sets.
    func plan<P: Sendable>(_ key: String, for count: Int, _ labelsAt: (Int) -> Labels) -> P? {
        state.withLock { s in
            guard var e = s.entries[key], e.inputs.count == count, let p = e.plan as? P else { return nil }
            for i in 0..<count where !e.inputs[i].isIdentical(to: labelsAt(i)) { return nil }
            if !e.used {
                e.used = true
                s.entries[key] = e
            }
            s.hits += 1
            return p
        }
    }

    func keep(_ key: String, inputs: [Labels], plan: any Sendable) {
        state.withLock { $0.entries[key] = Entry(inputs: inputs, plan: plan, used: true) }
    }

    /// Drops the plans not used since the last sweep.
    public func sweep() {
        state.withLock { s in
            s.entries = s.entries.filter { $0.value.used }
            for k in s.entries.keys { s.entries[k]!.used = false }
        }
    }
}

/// Which histogram each input bucket belongs to (-1: not a bucket), its `le`, and each
/// histogram's output labels.
struct HistogramPlan: Sendable {
    var groupOf: [Int]
    var le: [Double]
    var labels: [Labels]
}

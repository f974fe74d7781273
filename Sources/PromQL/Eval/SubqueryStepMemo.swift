import Model
import Synchronization

/// Subquery steps kept from one evaluation to the next, for steps whose data can no longer
/// change.
///
/// A rule like `avg_over_time(x[6h:10m])`, evaluated every 15 s, recomputes 36 of its 37
/// steps unchanged. A step is only kept when every sample it reads is older than the store's
/// settled horizon (`Queryable.settledHorizon`): no sample can be added there any more, so the
/// step's value is what a fresh evaluation would give. The owner (a rule group) calls
/// `sweep()` after each evaluation, which drops the steps that evaluation did not use, so the
/// memo holds at most one evaluation's worth. A change of the horizon's epoch (the store
/// deleted data) or of the engine options empties it.
public final class SubqueryStepMemo: Sendable {
    struct Key: Hashable {
        var text: String
        var t: Int64
    }

    struct Entry {
        var value: QueryValue
        var used: Bool
        var samples: Int
    }

    struct State {
        var entries: [Key: Entry] = [:]
        var epoch: UInt64 = 0
        var lookbackDelta: Int64 = 0
        var defaultStep: Int64 = 0
        var samples = 0
        var hits = 0
        var stores = 0
    }

    private let state = Mutex(State())
    /// Samples held at most; past it, new steps are computed but not kept.
    public let capacity: Int

    public init(capacity: Int = 1_000_000) {
        self.capacity = capacity
    }

    /// Steps answered from the memo, and steps stored, since it was made.
    public var hits: Int { state.withLock { $0.hits } }
    public var stores: Int { state.withLock { $0.stores } }
    public var count: Int { state.withLock { $0.entries.count } }

    /// Empties the memo when the store's epoch or the options differ from what it was filled under.
    func prepare(epoch: UInt64, options: EngineOptions) {
        state.withLock { s in
            if s.epoch != epoch || s.lookbackDelta != options.lookbackDelta || s.defaultStep != options.defaultSubqueryStep {
                s.entries.removeAll()
                s.samples = 0
                s.epoch = epoch
                s.lookbackDelta = options.lookbackDelta
                s.defaultStep = options.defaultSubqueryStep
            }
        }
    }

    func contains(_ key: Key) -> Bool { state.withLock { $0.entries[key] != nil } }

    func lookup(_ key: Key) -> QueryValue? {
        state.withLock { s in
            guard var e = s.entries[key] else { return nil }
            s.hits += 1
            if !e.used {
                e.used = true
                s.entries[key] = e
            }
            return e.value
        }
    }

    func store(_ key: Key, _ value: QueryValue) {
        let n: Int
        switch value {
        case .vector(let v): n = max(v.count, 1)
        default: n = 1
        }
        state.withLock { s in
            guard s.samples + n <= capacity, s.entries[key] == nil else { return }
            s.entries[key] = Entry(value: value, used: true, samples: n)
            s.samples += n
            s.stores += 1
        }
    }

    /// Drops the steps not used since the last sweep.
    public func sweep() {
        state.withLock { s in
            s.entries = s.entries.filter { $0.value.used }
            s.samples = s.entries.values.reduce(0) { $0 + $1.samples }
            for k in s.entries.keys { s.entries[k]!.used = false }
        }
    }
}

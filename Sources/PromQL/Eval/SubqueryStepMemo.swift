import Model
import Synchronization

/// Subquery steps kept from one evaluation to the next while the data they read is unchanged.
///
/// A rule like `avg_over_time(x[6h:10m])`, evaluated every 15 s, recomputes 36 of its 37
/// steps unchanged. A step is kept with the newest sample time it can read, and kept for the
/// next evaluation only if the store can show nothing changed there: every sample it read is
/// older than the store's settled horizon (`Queryable.settledHorizon`), or no sample at or
/// before that time was appended since this memo's last mark (`Queryable.appendMark()`; a
/// scrape appends "now", so older steps stay). Either way the step's value is what a fresh
/// evaluation would give. A change of the horizon's epoch (the store deleted data) or of the
/// engine options empties the memo. The owner (a rule group) calls `sweep()` after each
/// evaluation, which drops the steps that evaluation did not use, so the memo holds at most
/// one evaluation's worth, and at most `capacity` samples.
public final class SubqueryStepMemo: Sendable {
    struct Key: Hashable {
        var text: String
        var t: Int64
    }

    struct Entry {
        var value: QueryValue
        /// The newest sample time the step can have read.
        var readsUntil: Int64
        var used: Bool
        var samples: Int
    }

    struct State {
        var entries: [Key: Entry] = [:]
        var epoch: UInt64 = 0
        var lookbackDelta: Int64 = 0
        var defaultStep: Int64 = 0
        /// The store's mark taken by the last `prepare`; nil if it does not track appends.
        var mark: UInt64?
        var settledTime: Int64 = .min
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

    /// Before a query reads `store`: drops the steps that may have changed since the last
    /// prepare and takes a new mark. Returns false if the store offers no way to tell (no
    /// settled horizon, no append tracking): then nothing is kept.
    func prepare(_ store: any Queryable, options: EngineOptions) -> Bool {
        let horizon = store.settledHorizon
        // The new mark first: what is appended from here on counts against the next prepare,
        // and what was appended since the old mark, up to now, against this one.
        let mark = store.appendMark()
        let previous = state.withLock { $0.mark }
        let oldest = previous.flatMap { store.oldestAppend(since: $0) }
        return state.withLock { s in
            if s.epoch != horizon.epoch || s.lookbackDelta != options.lookbackDelta || s.defaultStep != options.defaultSubqueryStep {
                s.entries.removeAll()
                s.samples = 0
                s.epoch = horizon.epoch
                s.lookbackDelta = options.lookbackDelta
                s.defaultStep = options.defaultSubqueryStep
            }
            let unchangedBefore = max(horizon.time, oldest ?? .min)
            if s.entries.values.contains(where: { $0.readsUntil >= unchangedBefore }) {
                s.entries = s.entries.filter { $0.value.readsUntil < unchangedBefore }
                s.samples = s.entries.values.reduce(0) { $0 + $1.samples }
            }
            s.mark = mark
            s.settledTime = horizon.time
            return mark != nil || horizon.time != .min
        }
    }

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

    /// Keeps a step that read samples up to `readsUntil`, if its store tracks appends or the
    /// step read only settled samples.
    func store(_ key: Key, _ value: QueryValue, readsUntil: Int64) {
        let n: Int
        switch value {
        case .vector(let v): n = max(v.count, 1)
        default: n = 1
        }
        state.withLock { s in
            guard s.mark != nil || readsUntil < s.settledTime else { return }
            guard s.samples + n <= capacity, s.entries[key] == nil else { return }
            s.entries[key] = Entry(value: value, readsUntil: readsUntil, used: true, samples: n)
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

import Alerting
import Model
import Synchronization

/// A clock that moves only when told to: the time source of a simulated pipeline, shared by
/// the `Dispatcher` (as its `PipelineClock`) and anything that wants a `Model.Clock`.
///
/// Time never goes backwards: `set` ignores an earlier reading.
public final class SimulatedClock: PipelineClock, Model.Clock {
    /// Milliseconds since the Unix epoch.
    private let current: Atomic<Int64>

    public init(_ start: Int64) { current = Atomic(start) }

    public func now() -> Int64 { current.load(ordering: .acquiring) }

    /// Moves the clock to `t` (ms) unless it is already past it.
    public func set(_ t: Int64) {
        var old = current.load(ordering: .relaxed)
        while t > old {
            let (exchanged, original) = current.compareExchange(expected: old, desired: t, ordering: .acquiringAndReleasing)
            if exchanged { return }
            old = original
        }
    }

    /// Waits (polling every millisecond of real time) until another task moved the clock to
    /// `deadline`. Simulated drivers call `Dispatcher.step()` instead of `run()`, so this is
    /// only reached by code written for a live clock.
    public func sleep(until deadline: Int64) async throws {
        while now() < deadline {
            try await Task.sleep(for: .milliseconds(1))
        }
    }
}

import Synchronization

/// The current status of every target, shared between loops and readers.
public final class StatusBoard: Sendable {
    private let state = Mutex<[String: TargetStatus]>([:])
    private let droppedTargets = Mutex<[DroppedTarget]>([])

    public init() {}

    func register(_ key: String, _ s: TargetStatus) { state.withLock { $0[key] = s } }
    func remove(_ key: String) { _ = state.withLock { $0.removeValue(forKey: key) } }

    func update(_ key: String, _ change: (inout TargetStatus) -> Void) {
        state.withLock { all in
            if var s = all[key] {
                change(&s)
                all[key] = s
            }
        }
    }

    func setDropped(_ d: [DroppedTarget]) { droppedTargets.withLock { $0 = d } }

    /// Targets relabeling dropped at the last discovery, in discovery order.
    public var dropped: [DroppedTarget] { droppedTargets.withLock { $0 } }

    /// All targets, by job then URL.
    public var targets: [TargetStatus] {
        state.withLock { Array($0.values) }.sorted { ($0.job, $0.url) < ($1.job, $1.url) }
    }
}

import Alerting
import Model
import Synchronization

/// The most recent notification deliveries, for the web UI's Notifications page. The
/// notification log keeps only what was last delivered per group (for deduplication), not
/// failures or their errors, so `klaxon run` feeds this ring buffer from
/// `ReceiverNotificationSender`'s result callback.
public final class DeliveryHistory: Sendable {
    /// One finished delivery (after the retrier gave up or succeeded).
    public struct Entry: Sendable, Equatable {
        /// ms since the epoch.
        public var time: Int64
        public var receiver: String
        public var integration: String
        public var notificationStatus: String
        public var firingCount: Int
        public var resolvedCount: Int
        public var groupLabels: Labels
        /// nil = delivered.
        public var error: String?

        public init(time: Int64, receiver: String, integration: String, notificationStatus: String, firingCount: Int,
                    resolvedCount: Int, groupLabels: Labels, error: String?) {
            self.time = time
            self.receiver = receiver
            self.integration = integration
            self.notificationStatus = notificationStatus
            self.firingCount = firingCount
            self.resolvedCount = resolvedCount
            self.groupLabels = groupLabels
            self.error = error
        }
    }

    /// Entries kept; older ones are overwritten.
    public let capacity: Int
    /// Guards the ring: `entries` grows to `capacity`, then `next` is the slot to overwrite.
    private let ring: Mutex<(entries: [Entry], next: Int)>

    public init(capacity: Int = 1000) {
        precondition(capacity > 0, "a delivery history needs room for one entry")
        self.capacity = capacity
        ring = Mutex(([], 0))
    }

    /// Records the outcome of sending `n` at `time`.
    public func record(_ n: Notification, _ result: DeliveryResult, at time: Int64) {
        let error: String?
        switch result {
        case .delivered: error = nil
        case .failed(let reason): error = reason
        }
        record(Entry(time: time, receiver: n.receiver, integration: n.integration.description,
                     notificationStatus: n.status.rawValue, firingCount: n.firingAlerts.count,
                     resolvedCount: n.resolvedAlerts.count, groupLabels: n.groupLabels, error: error))
    }

    public func record(_ e: Entry) {
        ring.withLock { r in
            if r.entries.count < capacity {
                r.entries.append(e)
            } else {
                r.entries[r.next] = e
                r.next = (r.next + 1) % capacity
            }
        }
    }

    /// Newest first.
    public var recent: [Entry] {
        ring.withLock { r in
            Array(r.entries[..<r.next].reversed()) + Array(r.entries[r.next...].reversed())
        }
    }
}

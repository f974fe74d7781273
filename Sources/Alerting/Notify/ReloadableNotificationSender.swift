import Synchronization

/// A `NotificationSender` whose receivers can be replaced while the dispatcher runs, so a
/// reloaded `alertmanager.yml` takes effect for the next flush. A delivery already under way
/// finishes with the sender it started with.
public final class ReloadableNotificationSender: NotificationSender {
    /// Guards the sender now in use.
    private let current: Mutex<ReceiverNotificationSender>

    public init(_ sender: ReceiverNotificationSender) { current = Mutex(sender) }

    /// Installs `sender` for every later delivery.
    public func replace(with sender: ReceiverNotificationSender) { current.withLock { $0 = sender } }

    /// Stops the clients of the sender now in use (process shutdown). Senders already
    /// replaced stop their clients when their last delivery lets go of them.
    public func shutdown() { current.withLock { $0 }.notifiers.shutdown() }

    public func send(_ notification: Notification) async -> DeliveryResult {
        let sender = current.withLock { $0 }
        return await sender.send(notification)
    }
}

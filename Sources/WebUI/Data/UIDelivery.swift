import Model

/// One attempt to deliver a notification to a receiver integration (after its retries).
public struct UIDelivery: Sendable, Equatable {
    public enum Outcome: String, Sendable { case delivered, failed }

    /// When the attempt finished (ms since the epoch).
    public var time: Int64
    public var receiver: String
    /// The integration, e.g. `webhook[0]`.
    public var integration: String
    public var outcome: Outcome
    /// `firing` or `resolved`: what the notification said about the group.
    public var notificationStatus: String
    public var firingCount: Int
    public var resolvedCount: Int
    /// The aggregation group's labels (`group_by`).
    public var groupLabels: Labels
    /// Empty when delivered.
    public var error: String

    public init(time: Int64, receiver: String, integration: String, outcome: Outcome, notificationStatus: String,
                firingCount: Int, resolvedCount: Int, groupLabels: Labels, error: String = "") {
        self.time = time
        self.receiver = receiver
        self.integration = integration
        self.outcome = outcome
        self.notificationStatus = notificationStatus
        self.firingCount = firingCount
        self.resolvedCount = resolvedCount
        self.groupLabels = groupLabels
        self.error = error
    }
}

/// What the Notifications page shows: the configured receivers and the recent deliveries.
public struct UINotifications: Sendable, Equatable {
    /// Receiver names from the configuration, so a receiver with no deliveries yet still shows.
    public var receivers: [String]
    /// Newest first; bounded by the source.
    public var deliveries: [UIDelivery]
    /// How many deliveries the source keeps (shown so a reader knows the window).
    public var capacity: Int

    public init(receivers: [String], deliveries: [UIDelivery], capacity: Int) {
        self.receivers = receivers
        self.deliveries = deliveries
        self.capacity = capacity
    }
}

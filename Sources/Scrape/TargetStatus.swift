import Model

/// What the server shows about a target (`/api/v1/targets`, the UI).
public struct TargetStatus: Sendable, Equatable {
    public enum Health: String, Sendable { case up, down, unknown }
    public var job: String
    public var url: String
    public var labels: Labels
    public var discoveredLabels: Labels
    public var health = Health.unknown
    public var lastError = ""
    /// ms since the epoch; 0 before the first scrape.
    public var lastScrape: Int64 = 0
    public var lastDuration: Double = 0
    public var interval: Int64
    public var timeout: Int64
}

/// A discovered target that relabeling dropped (`/api/v1/targets` `droppedTargets`).
public struct DroppedTarget: Sendable, Hashable {
    /// The scrape pool (job) that discovered it.
    public var job: String
    public var discoveredLabels: Labels

    public init(job: String, discoveredLabels: Labels) {
        self.job = job
        self.discoveredLabels = discoveredLabels
    }
}

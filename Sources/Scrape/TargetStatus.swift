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

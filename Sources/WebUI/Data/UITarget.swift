import Model

/// One scrape target, for the Targets page.
public struct UITarget: Sendable, Equatable {
    public enum Health: String, Sendable { case up, down, unknown }

    /// The scrape pool (job name).
    public var job: String
    public var url: String
    /// Target labels after relabeling.
    public var labels: Labels
    public var health: Health
    /// ms since the epoch; nil = not scraped yet.
    public var lastScrape: Int64?
    /// Seconds the last scrape took.
    public var lastDurationSeconds: Double
    /// Empty when the last scrape succeeded.
    public var lastError: String
    /// Scrape interval (ms).
    public var interval: Int64

    public init(job: String, url: String, labels: Labels, health: Health, lastScrape: Int64?,
                lastDurationSeconds: Double, lastError: String, interval: Int64) {
        self.job = job
        self.url = url
        self.labels = labels
        self.health = health
        self.lastScrape = lastScrape
        self.lastDurationSeconds = lastDurationSeconds
        self.lastError = lastError
        self.interval = interval
    }
}

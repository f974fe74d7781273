/// Settings of the store; the defaults are Prometheus'.
public struct DBOptions: Sendable {
    /// Blocks wholly older than this (relative to the newest data) are deleted (`--storage.tsdb.retention.time`).
    public var retentionTime: Int64 = 15 * 86_400_000
    /// When set, the oldest blocks are deleted while the blocks' total size exceeds it.
    public var retentionBytes: Int64? = nil
    /// The span of a block cut from the head (2 h).
    public var blockRange: Int64 = 2 * 3_600_000
    /// Maximum size of one WAL segment file.
    public var walSegmentSize = 128 * 1024 * 1024

    public init() {}
}

/// Counters a caller can show (`klaxon tsdb analyze`, self-metrics).
public struct DBStats: Sendable, Equatable {
    public var headSeries = 0
    public var headMinTime: Int64 = .max
    public var headMaxTime: Int64 = .min
    public var blocks = 0
    public var blockBytes = 0
    public var outOfOrderSamples = 0
    public var duplicateSamples = 0
    public var walReplayedRecords = 0
    public var walDiscardedBytes = 0
}

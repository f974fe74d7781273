/// Samples of one series within a queried window, oldest first.
///
/// Slices so that an in-memory store can hand out its arrays without copying.
public struct SeriesSamples: Sendable {
    public var labels: Labels
    public var timestamps: ArraySlice<Int64>
    public var values: ArraySlice<Double>

    public init(labels: Labels, timestamps: ArraySlice<Int64>, values: ArraySlice<Double>) {
        self.labels = labels
        self.timestamps = timestamps
        self.values = values
    }

    public var count: Int { timestamps.count }
}

/// Reads a consistent view of a store for one time window.
public protocol Querier {
    /// Series matching all matchers, sorted by label set, with their samples in `mint...maxt`.
    /// Series with no sample in the window may be omitted.
    func select(_ matchers: [LabelMatcher], mint: Int64, maxt: Int64) throws -> [SeriesSamples]
    /// The same as columns (`SeriesColumns`); the default copies `select`'s result.
    func selectColumns(_ matchers: [LabelMatcher], mint: Int64, maxt: Int64) throws -> SeriesColumns
    /// Label names of series with samples in the window, sorted.
    func labelNames(_ matchers: [LabelMatcher]) throws -> [String]
    /// Values of one label, sorted.
    func labelValues(_ name: String, _ matchers: [LabelMatcher]) throws -> [String]
}

/// Anything PromQL can query.
public protocol Queryable: Sendable {
    func querier(mint: Int64, maxt: Int64) throws -> any Querier
    /// How far back the store's contents are final (see `SettledHorizon`).
    var settledHorizon: SettledHorizon { get }
    /// A mark for `oldestAppend(since:)`, taken before reading; nil if the store does not track appends.
    func appendMark() -> UInt64?
    /// The oldest timestamp of the samples appended since `mark` (.max if none), or nil if unknown.
    func oldestAppend(since mark: UInt64) -> Int64?
}

extension Queryable {
    /// Stores that accept samples at any time have nothing settled.
    public var settledHorizon: SettledHorizon { .none }
    public func appendMark() -> UInt64? { nil }
    public func oldestAppend(since mark: UInt64) -> Int64? { nil }
}

/// The part of a store that can no longer change: no sample older than `time` can be added,
/// and none is removed while `epoch` stays the same (deleting data changes it). Query results
/// that read only samples older than `time` can be kept and reused; with `appendMark()`, so
/// can results that read only samples older than anything appended since.
public struct SettledHorizon: Sendable, Equatable {
    public var time: Int64
    public var epoch: UInt64

    public init(time: Int64, epoch: UInt64) {
        self.time = time
        self.epoch = epoch
    }

    public static let none = SettledHorizon(time: .min, epoch: 0)
}

/// Batches samples; nothing is visible or durable until `commit()` returns.
public protocol Appender: AnyObject {
    func append(_ labels: Labels, _ t: Int64, _ v: Double) throws
    /// The same, for a caller that appends the same series again and again (a scrape cache):
    /// the store may put a handle for the series in `handle` (nil the first time) and find the
    /// series by it next time instead of looking its labels up, as Prometheus' scrape cache keeps
    /// the series ref. `labels` is called only when the store needs them (no valid handle), so
    /// a known series costs no touch of its label storage. A handle is only passed back with the
    /// labels it was given for and to the store that made it; the store checks it is still valid.
    func append(_ handle: inout AnyObject?, _ t: Int64, _ v: Double, labels: () -> Labels) throws
    func commit() throws
    func rollback()
}

extension Appender {
    /// Stores without series handles look the labels up every time.
    public func append(_ handle: inout AnyObject?, _ t: Int64, _ v: Double, labels: () -> Labels) throws {
        try append(labels(), t, v)
    }
}

public protocol Appendable: Sendable {
    func makeAppender() -> any Appender
}

/// Why a store refused a sample; Prometheus rejects the same cases.
public enum AppendError: Error, Equatable, CustomStringConvertible, Sendable {
    case outOfOrder(labels: Labels, t: Int64)
    /// Older than what the store still accepts (already persisted in blocks).
    case outOfBounds(labels: Labels, t: Int64)
    case duplicateSampleForTimestamp(labels: Labels, t: Int64)
    case invalidLabels(String)

    public var description: String {
        switch self {
        case .outOfOrder(let l, let t): return "out of order sample for \(l) at \(t)"
        case .outOfBounds(let l, let t): return "out of bounds: sample for \(l) at \(t) is older than the persisted blocks"
        case .duplicateSampleForTimestamp(let l, let t): return "duplicate sample for timestamp for \(l) at \(t)"
        case .invalidLabels(let why): return "invalid labels: \(why)"
        }
    }
}

/// Where time comes from; tests inject a manual one.
public protocol Clock: Sendable {
    /// Milliseconds since the Unix epoch.
    func now() -> Int64
}

/// The oldest sample timestamp appended since each mark a reader took: a reader that kept
/// results computed from samples up to time T can keep them while nothing at or before T
/// was appended since its mark (`Queryable.oldestAppend(since:)`).
///
/// Appends only lower the newest entry, so recording costs O(1); a query looks at the
/// entries after its mark. The log keeps the latest `limit` marks; an older mark is unknown.
public struct AppendLog: Sendable {
    /// The mark of `oldest[0]`.
    private var base: UInt64 = 1
    /// `oldest[i]`: the oldest timestamp appended after mark `base + i` and before the next mark.
    private var oldest: [Int64] = []
    private let limit: Int

    public init(limit: Int = 4096) {
        self.limit = limit
    }

    /// A new mark. Take it before reading, so that what a read misses is appended after it.
    public mutating func mark() -> UInt64 {
        if oldest.count >= limit {
            let drop = limit / 2
            oldest.removeFirst(drop)
            base += UInt64(drop)
        }
        oldest.append(.max)
        return base + UInt64(oldest.count - 1)
    }

    /// Records an appended sample's timestamp; call it once the sample is visible to readers.
    public mutating func record(_ t: Int64) {
        if let last = oldest.last, t < last { oldest[oldest.count - 1] = t }
    }

    /// The oldest timestamp appended since `mark` (.max if none), or nil if the mark is unknown.
    public func oldest(since mark: UInt64) -> Int64? {
        guard mark >= base, mark < base + UInt64(oldest.count) else { return nil }
        return oldest[Int(mark - base)...].min()
    }
}

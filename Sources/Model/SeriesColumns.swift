/// Series and their samples in a window, flat: series `i`'s samples are at `range(i)` of the two
/// arrays. A read of 30,000 series as `[SeriesSamples]` holds three references per series, and
/// every copy or release of it counts each one; this holds four arrays.
public struct SeriesColumns: Sendable {
    public var labels: [Labels] = []
    /// Where each series' samples end.
    public var ends: [Int] = []
    public var timestamps: [Int64] = []
    public var values: [Double] = []

    public init() {}

    public init(_ series: [SeriesSamples]) {
        labels.reserveCapacity(series.count)
        ends.reserveCapacity(series.count)
        let n = series.reduce(0) { $0 + $1.count }
        timestamps.reserveCapacity(n)
        values.reserveCapacity(n)
        for s in series {
            labels.append(s.labels)
            timestamps.append(contentsOf: s.timestamps)
            values.append(contentsOf: s.values)
            ends.append(timestamps.count)
        }
    }

    public var count: Int { labels.count }
    public var sampleCount: Int { timestamps.count }

    public func range(_ i: Int) -> Range<Int> { (i == 0 ? 0 : ends[i - 1])..<ends[i] }

    /// Ends a series whose samples were appended since the last one; one without samples is
    /// left out, as a store leaves out a series without samples in the window.
    public mutating func closeSeries(_ l: Labels) {
        if timestamps.count == (ends.last ?? 0) { return }
        labels.append(l)
        ends.append(timestamps.count)
    }

    /// One `SeriesSamples` per series, slices of these arrays.
    public var series: [SeriesSamples] {
        labels.indices.map { i in
            let r = range(i)
            return SeriesSamples(labels: labels[i], timestamps: timestamps[r], values: values[r])
        }
    }
}

extension Querier {
    /// `select` as columns; a store that builds its reads flat returns them without the copy.
    public func selectColumns(_ matchers: [LabelMatcher], mint: Int64, maxt: Int64) throws -> SeriesColumns {
        SeriesColumns(try select(matchers, mint: mint, maxt: maxt))
    }
}

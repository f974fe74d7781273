import Model

/// Series and the chunks of theirs a query needs, flat: series `i`'s chunks are
/// `chunks[chunkRange(i)]`. One array for every series instead of one per series: a
/// selector over 30,000 histogram buckets otherwise allocates and frees 30,000 small arrays.
struct ChunkSelection {
    var labels: [Labels] = []
    /// Where each series' chunks end in `chunks`.
    var ends: [Int] = []
    var chunks: [BoundedChunk] = []

    var count: Int { labels.count }

    func chunkRange(_ i: Int) -> Range<Int> { (i == 0 ? 0 : ends[i - 1])..<ends[i] }

    /// Ends a series whose chunks were appended to `chunks` since the last one; a series
    /// without chunks is left out.
    mutating func closeSeries(_ l: Labels) {
        if chunks.count == (ends.last ?? 0) { return }
        labels.append(l)
        ends.append(chunks.count)
    }
}


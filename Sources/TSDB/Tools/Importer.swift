import Foundation
import Model

/// Backfills blocks from samples with timestamps, as `promtool tsdb create-blocks-from
/// openmetrics` does: samples are grouped into `blockRange`-aligned blocks and written
/// directly, so any order in the input is fine.
public enum Importer {
    public struct Summary: Sendable {
        public var samples = 0
        public var series = 0
        public var blocks: [BlockMeta] = []
    }

    /// `samples` are (labels, ms, value). Takes the directory's lock while writing.
    public static func importSamples(_ samples: [(Labels, Int64, Double)], into path: String,
                                     blockRange: Int64 = 2 * 3_600_000) throws -> Summary {
        let dir = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let fd = try DB.lock(dir)
        defer { flock(fd, LOCK_UN); close(fd) }
        try DB.checkVersion(dir)
        var byBlock: [Int64: [Labels: [(Int64, Double)]]] = [:]
        var series = Set<Labels>()
        for (l, t, v) in samples {
            byBlock[floorDiv(t, blockRange) * blockRange, default: [:]][l, default: []].append((t, v))
            series.insert(l)
        }
        var summary = Summary(samples: 0, series: series.count)
        for mint in byBlock.keys.sorted() {
            var list: [(Labels, [XORChunk])] = []
            for (l, points) in byBlock[mint]! {
                var chunks: [XORChunk] = []
                var c = XORChunk()
                var last: Int64? = nil
                for (t, v) in points.sorted(by: { $0.0 < $1.0 }) {
                    if t == last { continue }  // a repeated timestamp keeps the first value
                    if c.count >= MemSeries.samplesPerChunk { chunks.append(c); c = XORChunk() }
                    c.append(t, v)
                    last = t
                    summary.samples += 1
                }
                if c.count > 0 { chunks.append(c) }
                list.append((l, chunks))
            }
            list.sort { $0.0 < $1.0 }
            summary.blocks.append(try BlockWriter.write(to: dir, mint: mint, maxt: mint + blockRange, series: list))
        }
        return summary
    }
}

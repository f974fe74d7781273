import Foundation
import Model

/// What `klaxon tsdb analyze` reports about a storage directory's blocks.
public struct Analysis: Sendable {
    public var blocks: [BlockMeta] = []
    public var seriesCount = 0
    public var sampleCount = 0
    public var chunkBytes = 0
    public var totalBytes = 0
    public var walBytes = 0
    public var minTime: Int64 = .max
    public var maxTime: Int64 = .min
    /// Series per metric name, highest first.
    public var metricCardinality: [(String, Int)] = []
    /// Distinct values per label name, highest first.
    public var labelCardinality: [(String, Int)] = []

    public var bytesPerSample: Double { sampleCount == 0 ? 0 : Double(chunkBytes) / Double(sampleCount) }
    public var totalBytesPerSample: Double { sampleCount == 0 ? 0 : Double(totalBytes) / Double(sampleCount) }

    /// Reads every block in `path` without taking the write lock, so it works beside a running store.
    public static func analyze(_ path: String) throws -> Analysis {
        var a = Analysis()
        let dir = URL(fileURLWithPath: path)
        var seriesPerMetric: [String: Set<Labels>] = [:]
        var valuesPerLabel: [String: Set<String>] = [:]
        var allSeries = Set<Labels>()
        let names = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
        for name in names where !name.hasSuffix(".tmp") {
            let url = dir.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.appendingPathComponent("meta.json").path) else { continue }
            let b = try Block(dir: url)
            a.blocks.append(b.meta)
            a.sampleCount += b.meta.stats.numSamples
            a.totalBytes += b.sizeBytes
            a.chunkBytes += (try? FileManager.default.attributesOfItem(atPath: url.appendingPathComponent("chunks").path)[.size] as? Int) ?? 0
            a.minTime = min(a.minTime, b.meta.minTime)
            a.maxTime = max(a.maxTime, b.meta.maxTime)
            for (labels, _) in try b.allSeriesLabels() {
                allSeries.insert(labels)
                seriesPerMetric[labels.get(Labels.metricName), default: []].insert(labels)
                for p in labels.pairs { valuesPerLabel[p.name, default: []].insert(p.value) }
            }
        }
        let walDir = dir.appendingPathComponent("wal")
        if let files = try? FileManager.default.subpathsOfDirectory(atPath: walDir.path) {
            for f in files {
                a.walBytes += (try? FileManager.default.attributesOfItem(atPath: walDir.appendingPathComponent(f).path)[.size] as? Int) ?? 0
            }
        }
        a.seriesCount = allSeries.count
        a.metricCardinality = seriesPerMetric.map { ($0.key, $0.value.count) }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        a.labelCardinality = valuesPerLabel.map { ($0.key, $0.value.count) }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        return a
    }
}

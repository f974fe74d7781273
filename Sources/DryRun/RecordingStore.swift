import Exposition
import Foundation
import Model
import Synchronization

/// Where `klaxon record` appends scraped samples: it keeps every committed sample (staleness
/// markers excepted: OpenMetrics text cannot carry them, and the dry-run derives them again)
/// and writes them as one OpenMetrics file with timestamps, series by series, ending in `# EOF`.
public final class RecordingStore: Appendable {
    struct Series {
        var labels: [Label]
        var name: String
        var times: [Int64] = []
        var values: [Double] = []
    }

    struct State {
        var ids: [Labels: Int] = [:]
        var series: [Series] = []
        var samples = 0
    }

    private let state = Mutex(State())

    public init() {}

    public func makeAppender() -> any Appender { RecordingAppender(store: self) }

    /// Samples kept so far.
    public var sampleCount: Int { state.withLock { $0.samples } }
    public var seriesCount: Int { state.withLock { $0.series.count } }

    func commit(_ batch: [(Labels, Int64, Double)]) {
        state.withLock { s in
            for (l, t, v) in batch where !StaleNaN.isStale(v) {
                let id: Int
                if let x = s.ids[l] { id = x } else {
                    id = s.series.count
                    s.ids[l] = id
                    s.series.append(Series(labels: Array(l.pairs), name: l.get(Labels.metricName)))
                }
                // A target exposing its own timestamps may repeat one; keep series strictly increasing.
                if let last = s.series[id].times.last, t <= last { continue }
                s.series[id].times.append(t)
                s.series[id].values.append(v)
                s.samples += 1
            }
        }
    }

    /// The whole recording as OpenMetrics text: series sorted by name, then labels (so each
    /// metric is contiguous; no `# TYPE` lines, as scraping keeps no metadata), each series' samples in time order, then `# EOF`.
    public func write(to path: String) throws {
        let snapshot = state.withLock { $0.series }
        let order = snapshot.indices.sorted { a, b in
            let x = snapshot[a], y = snapshot[b]
            return x.name != y.name ? x.name < y.name : Labels(sorted: x.labels) < Labels(sorted: y.labels)
        }
        let tmp = path + ".tmp"
        guard FileManager.default.createFile(atPath: tmp, contents: nil), let h = FileHandle(forWritingAtPath: tmp) else {
            throw RecordingError(description: "cannot create \(tmp)")
        }
        let writer = ExpositionWriter(format: .openMetrics)
        var buf = ""
        buf.reserveCapacity(1 << 20)
        do {
            for i in order {
                let s = snapshot[i]
                for k in s.times.indices {
                    buf += writer.line(ParsedSample(labels: s.labels, value: s.values[k], timestamp: s.times[k]), name: s.name)
                    if buf.utf8.count >= 1 << 20 {
                        try h.write(contentsOf: Data(buf.utf8))
                        buf.removeAll(keepingCapacity: true)
                    }
                }
            }
            buf += "# EOF\n"
            try h.write(contentsOf: Data(buf.utf8))
            try h.synchronize()
            try h.close()
        } catch {
            try? h.close()
            throw RecordingError(description: "write \(tmp): \(error)")
        }
        // rename(2) replaces the old file atomically: a reader sees the old or the new recording.
        if rename(tmp, path) != 0 {
            throw RecordingError(description: "rename \(tmp) to \(path): \(String(cString: strerror(errno)))")
        }
    }
}

public struct RecordingError: Error, CustomStringConvertible {
    public var description: String
}

final class RecordingAppender: Appender {
    let store: RecordingStore
    var batch: [(Labels, Int64, Double)] = []

    init(store: RecordingStore) { self.store = store }

    func append(_ labels: Labels, _ t: Int64, _ v: Double) throws { batch.append((labels, t, v)) }

    func commit() throws {
        store.commit(batch)
        batch = []
    }

    func rollback() { batch = [] }
}

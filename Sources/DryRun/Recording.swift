import Exposition
import Foundation
import Model

/// A recorded OpenMetrics file (`klaxon record`, or any exposition with a timestamp on every
/// sample), loaded for replay: series interned once, samples kept as columns.
///
/// Each series belongs to the target of its `job` and `instance` labels; a *scrape* is the set
/// of a target's samples sharing one timestamp. The replay derives staleness from scrapes.
public struct Recording: Sendable {
    /// Interned series, indexed by series id.
    public private(set) var series: [Labels] = []
    /// The target (index into `targets`) of each series.
    private(set) var seriesTarget: [Int32] = []
    /// `{instance, job}` of each target.
    public private(set) var targets: [Labels] = []
    /// Sample columns, in file order.
    private(set) var sampleSeries: [Int32] = []
    private(set) var sampleTimes: [Int64] = []
    private(set) var sampleValues: [Double] = []

    public var sampleCount: Int { sampleTimes.count }
    public private(set) var minTime: Int64 = .max
    public private(set) var maxTime: Int64 = .min

    public struct LoadError: Error, CustomStringConvertible {
        public var description: String
    }

    public init() {}

    /// Loads `path` (`.om`, or gzip-compressed `.om.gz`). Every sample needs a timestamp.
    public static func load(path: String) throws -> Recording {
        var r = Recording()
        var parser = LineParser()
        var sawEOF = false
        var lineNo = 0
        try LineBlockReader(path: path).forEachBlock { buf in
            var start = 0
            while start < buf.count {
                var end = start
                while end < buf.count && buf[end] != 10 { end += 1 }
                lineNo += 1
                let line = UnsafeBufferPointer(rebasing: buf[start..<end])
                start = end + 1
                if line.isEmpty { continue }
                if sawEOF { throw LoadError(description: "\(path):\(lineNo): unexpected data after # EOF") }
                if line[0] == UInt8(ascii: "#") {
                    if line.count == 5 && String(decoding: line, as: UTF8.self) == "# EOF" { sawEOF = true }
                    continue
                }
                do { try parser.parse(line, into: &r) } catch let e as LoadError {
                    throw LoadError(description: "\(path):\(lineNo): \(e.description)")
                }
            }
        }
        if !sawEOF { throw LoadError(description: "\(path): expected \"# EOF\" at the end of the recording") }
        return r
    }

    /// Adds one sample of an already interned or new series.
    mutating func add(series id: Int32, _ t: Int64, _ v: Double) {
        sampleSeries.append(id)
        sampleTimes.append(t)
        sampleValues.append(v)
        if t < minTime { minTime = t }
        if t > maxTime { maxTime = t }
    }

    /// Interns a series; `labels` must be new to the recording.
    mutating func intern(_ labels: Labels, targetIDs: inout [Labels: Int32]) -> Int32 {
        let target = labels.keeping(["job", "instance"])
        let tid: Int32
        if let x = targetIDs[target] { tid = x } else {
            tid = Int32(targets.count)
            targets.append(target)
            targetIDs[target] = tid
        }
        series.append(labels)
        seriesTarget.append(tid)
        return Int32(series.count - 1)
    }

    /// Adds samples built in code (tests, generators).
    public mutating func append(_ labels: Labels, _ t: Int64, _ v: Double) {
        var ids = Dictionary(uniqueKeysWithValues: targets.enumerated().map { ($1, Int32($0)) })
        let id = series.firstIndex(of: labels).map(Int32.init) ?? intern(labels, targetIDs: &ids)
        add(series: id, t, v)
    }
}

/// Parses sample lines. A line whose series part (everything before the value) was seen
/// before reuses that series without parsing labels; any other line goes through the real
/// OpenMetrics parser.
struct LineParser {
    /// The exact bytes of a series part → series id.
    var spelled: [[UInt8]: Int32] = [:]
    var byLabels: [Labels: Int32] = [:]
    var targetIDs: [Labels: Int32] = [:]
    var lastSpelling: [UInt8] = []
    var lastID: Int32 = -1

    mutating func parse(_ line: UnsafeBufferPointer<UInt8>, into r: inout Recording) throws {
        // value and timestamp are the last two space-separated fields unless an exemplar follows.
        if !line.contains(UInt8(ascii: "#")), let sp2 = line.lastIndex(of: 32), sp2 > 0,
           let sp1 = line[..<sp2].lastIndex(of: 32), sp1 > 0 {
            let spelling = UnsafeBufferPointer(rebasing: line[..<sp1])
            var id: Int32 = -1
            if spelling.count == lastSpelling.count,
               lastSpelling.withUnsafeBytes({ memcmp($0.baseAddress!, spelling.baseAddress!, spelling.count) }) == 0 {
                id = lastID
            } else if let x = spelled[Array(spelling)] {
                id = x
                lastSpelling = Array(spelling)
                lastID = x
            }
            if id >= 0, let v = Self.double(UnsafeBufferPointer(rebasing: line[(sp1 + 1)..<sp2])),
               let ts = Self.double(UnsafeBufferPointer(rebasing: line[(sp2 + 1)...])) {
                r.add(series: id, Int64((ts * 1000).rounded(.toNearestOrAwayFromZero)), v)
                return
            }
        }
        try slowPath(line, into: &r)
    }

    mutating func slowPath(_ line: UnsafeBufferPointer<UInt8>, into r: inout Recording) throws {
        let text = String(decoding: line, as: UTF8.self)
        let page: ParsedPage
        do { page = try ExpositionParser(format: .openMetrics).parse(text + "\n# EOF\n") } catch {
            throw Recording.LoadError(description: "\(error)")
        }
        guard let s = page.samples.first else { return }
        guard let t = s.timestamp else {
            throw Recording.LoadError(description: "sample has no timestamp; a recording needs one on every sample")
        }
        let labels = Labels(s.labels)
        let id: Int32
        if let x = byLabels[labels] { id = x } else {
            id = r.intern(labels, targetIDs: &targetIDs)
            byLabels[labels] = id
        }
        // The line parsed with a timestamp, so its last two fields are the value and the
        // timestamp and everything before them spells this series.
        if !line.contains(UInt8(ascii: "#")), let sp2 = line.lastIndex(of: 32), let sp1 = line[..<sp2].lastIndex(of: 32) {
            let spelling = Array(line[..<sp1])
            spelled[spelling] = id
            lastSpelling = spelling
            lastID = id
        }
        r.add(series: id, t, s.value)
    }

    /// strtod over a small copy: accepts what Go's ParseFloat does for OpenMetrics values
    /// (`NaN`, `+Inf`, `-Inf`, decimal and exponent forms).
    static func double(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        guard !b.isEmpty, b.count < 64 else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: b.count + 1) { buf -> Double? in
            for i in 0..<b.count { buf[i] = CChar(bitPattern: b[i]) }
            buf[b.count] = 0
            var end: UnsafeMutablePointer<CChar>?
            let v = strtod(buf.baseAddress!, &end)
            guard let end, end == buf.baseAddress! + b.count else { return nil }
            return v
        }
    }
}

import Foundation
import Model

/// A persisted, immutable block, read through memory maps. The index is parsed at open
/// (labels, chunk positions, postings); chunk bytes stay in the map until a query needs them.
final class Block: PostingsIndex, @unchecked Sendable {
    /// Immutable after init.
    let meta: BlockMeta
    let dir: URL
    private let chunkFile: MappedFile
    private let series: [(labels: Labels, chunks: [(minT: Int64, maxT: Int64, offset: Int)])]
    private let postingsMap: [String: [String: [UInt64]]]
    let allPostings: [UInt64]
    let sizeBytes: Int

    init(dir: URL) throws {
        self.dir = dir
        meta = try BlockMeta.read(dir)
        chunkFile = try MappedFile(path: dir.appendingPathComponent("chunks").path)
        let indexFile = try MappedFile(path: dir.appendingPathComponent("index").path)
        let path = indexFile.path
        let buf = indexFile.bytes
        guard buf.count >= 12 else { throw StorageError.corrupt(path: path, reason: "index too short") }
        let body = UnsafeRawBufferPointer(rebasing: buf[0..<(buf.count - 4)])
        var crcReader = ByteReader(buf, at: buf.count - 4, path: path)
        if try crcReader.u32() != CRC32C.checksum(body) {
            throw StorageError.corrupt(path: path, reason: "index checksum mismatch")
        }
        var r = ByteReader(body, path: path)
        guard try r.u32() == BlockWriter.indexMagic else { throw StorageError.corrupt(path: path, reason: "not a Klaxon index") }
        let version = Int(try r.u32())
        if version > BlockMeta.currentVersion {
            throw StorageError.newerFormat(path: path, found: version, supported: BlockMeta.currentVersion)
        }
        let nsym = Int(try r.uvarint())
        var symbols: [String] = []
        symbols.reserveCapacity(nsym)
        for _ in 0..<nsym { symbols.append(try r.string()) }
        func sym(_ x: UInt64) throws -> String {
            guard x < symbols.count else { throw StorageError.corrupt(path: path, reason: "symbol \(x) out of range") }
            return symbols[Int(x)]
        }
        let nser = Int(try r.uvarint())
        var series: [(labels: Labels, chunks: [(minT: Int64, maxT: Int64, offset: Int)])] = []
        series.reserveCapacity(nser)
        for _ in 0..<nser {
            let nl = Int(try r.uvarint())
            var pairs: [Label] = []
            for _ in 0..<nl { pairs.append(Label(name: try sym(try r.uvarint()), value: try sym(try r.uvarint()))) }
            let nc = Int(try r.uvarint())
            var metas: [(minT: Int64, maxT: Int64, offset: Int)] = []
            for _ in 0..<nc {
                let lo = try r.varint()
                let hi = lo + Int64(try r.uvarint())
                metas.append((lo, hi, Int(try r.uvarint())))
            }
            series.append((Labels(sorted: pairs), metas))
        }
        var postings: [String: [String: [UInt64]]] = [:]
        let np = Int(try r.uvarint())
        for _ in 0..<np {
            let name = try sym(try r.uvarint()), value = try sym(try r.uvarint())
            let n = Int(try r.uvarint())
            var list: [UInt64] = []
            list.reserveCapacity(n)
            var prev: UInt64 = 0
            for _ in 0..<n { prev += try r.uvarint(); list.append(prev) }
            postings[name, default: [:]][value] = list
        }
        self.series = series
        self.postingsMap = postings
        self.allPostings = (0..<UInt64(series.count)).map { $0 }
        self.sizeBytes = buf.count + chunkFile.bytes.count
            + ((try? Data(contentsOf: dir.appendingPathComponent("meta.json")).count) ?? 0)
    }

    func values(of name: String) -> [String] { postingsMap[name].map { Array($0.keys) } ?? [] }
    func postings(_ name: String, _ value: String) -> [UInt64] { postingsMap[name]?[value] ?? [] }

    /// Series matching the matchers with their chunks overlapping `mint...maxt`, sorted by labels.
    func select(_ matchers: [LabelMatcher], mint: Int64, maxt: Int64) throws -> ChunkSelection {
        var out = ChunkSelection()
        for i in postings(for: matchers) {
            let s = series[Int(i)]
            for c in s.chunks where c.maxT >= mint && c.minT <= maxt {
                out.chunks.append(BoundedChunk(chunk: try chunk(at: c.offset), minTime: c.minT, maxTime: c.maxT))
            }
            out.closeSeries(s.labels)
        }
        return out
    }

    func labelNames(_ matchers: [LabelMatcher]) -> Set<String> {
        if matchers.isEmpty { return Set(postingsMap.keys) }
        var names = Set<String>()
        for i in postings(for: matchers) { series[Int(i)].labels.pairs.forEach { names.insert($0.name) } }
        return names
    }

    func labelValues(_ name: String, _ matchers: [LabelMatcher]) -> Set<String> {
        if matchers.isEmpty { return Set(values(of: name)) }
        var vals = Set<String>()
        for i in postings(for: matchers) { if let v = series[Int(i)].labels[name] { vals.insert(v) } }
        return vals
    }

    func allSeriesLabels() throws -> [(Labels, Int)] { series.map { ($0.labels, $0.chunks.count) } }

    var allSeries: [(Labels, [XORChunk])] {
        get throws { try series.map { s in (s.labels, try s.chunks.map { try chunk(at: $0.offset) }) } }
    }

    private func chunk(at offset: Int) throws -> XORChunk {
        var r = ByteReader(chunkFile.bytes, at: offset, path: chunkFile.path)
        let n = Int(try r.uvarint())
        let body = try r.bytes(n)
        let crc = try r.u32()
        if crc != CRC32C.checksum(body) {
            throw StorageError.corrupt(path: chunkFile.path, reason: "chunk at offset \(offset): checksum mismatch")
        }
        return try XORChunk(bytes: Array(body))
    }
}

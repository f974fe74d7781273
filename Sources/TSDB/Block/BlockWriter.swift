import Foundation
import Glibc
import Model

/// Writes an immutable block: `chunks`, `index` and `meta.json`, made durable and then
/// renamed into place so a crash never leaves a half block visible.
enum BlockWriter {
    static let indexMagic: UInt32 = 0x4B4C_5849  // "KLXI"

    /// `series` must be sorted by labels. Samples outside `mint..<maxt` are dropped.
    static func write(to parent: URL, mint: Int64, maxt: Int64, series: [(Labels, [XORChunk])],
                      level: Int = 1, sources: [String]? = nil) throws -> BlockMeta {
        let id = BlockMeta.makeID(minTime: mint)
        let tmp = parent.appendingPathComponent(id + ".tmp")
        let final = parent.appendingPathComponent(id)
        try? FileManager.default.removeItem(at: tmp)
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)

        var chunkFile = ByteWriter()
        var symbols = Set<String>()
        var entries: [(Labels, [(Int64, Int64, UInt64)])] = []
        var numSamples = 0, numChunks = 0
        for (labels, chunks) in series {
            var metas: [(Int64, Int64, UInt64)] = []
            for c in try clip(chunks, mint, maxt) {
                let off = UInt64(chunkFile.bytes.count)
                chunkFile.uvarint(UInt64(c.bytes.count))
                chunkFile.bytes.append(contentsOf: c.bytes)
                chunkFile.u32(CRC32C.checksum(c.bytes))
                metas.append((c.minTime!, c.maxTime!, off))
                numSamples += c.count
                numChunks += 1
            }
            if metas.isEmpty { continue }
            for p in labels.pairs { symbols.insert(p.name); symbols.insert(p.value) }
            entries.append((labels, metas))
        }

        let sortedSymbols = symbols.sorted { $0.utf8Precedes($1) }
        var symRef: [String: UInt64] = [:]
        for (i, s) in sortedSymbols.enumerated() { symRef[s] = UInt64(i) }
        var idx = ByteWriter()
        idx.u32(indexMagic)
        idx.u32(UInt32(BlockMeta.currentVersion))
        idx.uvarint(UInt64(sortedSymbols.count))
        for s in sortedSymbols { idx.string(s) }
        idx.uvarint(UInt64(entries.count))
        var postings: [Label: [UInt64]] = [:]
        for (i, (labels, metas)) in entries.enumerated() {
            idx.uvarint(UInt64(labels.count))
            for p in labels.pairs {
                idx.uvarint(symRef[p.name]!)
                idx.uvarint(symRef[p.value]!)
                postings[p, default: []].append(UInt64(i))
            }
            idx.uvarint(UInt64(metas.count))
            for (lo, hi, off) in metas {
                idx.varint(lo)
                idx.uvarint(UInt64(hi - lo))
                idx.uvarint(off)
            }
        }
        let keys = postings.keys.sorted()
        idx.uvarint(UInt64(keys.count))
        for k in keys {
            idx.uvarint(symRef[k.name]!)
            idx.uvarint(symRef[k.value]!)
            let list = postings[k]!
            idx.uvarint(UInt64(list.count))
            var prev: UInt64 = 0
            for x in list { idx.uvarint(x - prev); prev = x }
        }
        idx.u32(CRC32C.checksum(idx.bytes))

        try writeDurably(tmp.appendingPathComponent("chunks"), chunkFile.bytes)
        try writeDurably(tmp.appendingPathComponent("index"), idx.bytes)
        let meta = BlockMeta(ulid: id, minTime: mint, maxTime: maxt,
                             stats: .init(numSeries: entries.count, numSamples: numSamples, numChunks: numChunks),
                             compaction: .init(level: level, sources: sources ?? [id]), version: BlockMeta.currentVersion)
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writeDurably(tmp.appendingPathComponent("meta.json"), Array(try enc.encode(meta)))
        try syncDirectory(tmp.path)
        if rename(tmp.path, final.path) != 0 { throw StorageError.io(path: final.path, operation: "rename", errno: errno) }
        try syncDirectory(parent.path)
        return meta
    }

    /// Chunks restricted to `mint..<maxt`; a chunk crossing an edge is re-encoded.
    static func clip(_ chunks: [XORChunk], _ mint: Int64, _ maxt: Int64) throws -> [XORChunk] {
        var out: [XORChunk] = []
        for c in chunks {
            guard let lo = c.minTime, let hi = c.maxTime else { continue }
            if lo >= mint && hi < maxt { out.append(c); continue }
            if hi < mint || lo >= maxt { continue }
            var ts: [Int64] = [], vs: [Double] = []
            try c.decode(into: &ts, &vs)
            var n = XORChunk()
            for (t, v) in zip(ts, vs) where t >= mint && t < maxt { n.append(t, v) }
            if n.count > 0 { out.append(n) }
        }
        return out
    }

    static func writeDurably(_ url: URL, _ bytes: [UInt8]) throws {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { throw StorageError.io(path: url.path, operation: "create", errno: errno) }
        defer { close(fd) }
        var off = 0
        try bytes.withUnsafeBytes { p in
            while off < p.count {
                let n = Glibc.write(fd, p.baseAddress! + off, p.count - off)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw StorageError.io(path: url.path, operation: "write", errno: errno)
                }
                off += n
            }
        }
        if fsync(fd) != 0 { throw StorageError.io(path: url.path, operation: "fsync", errno: errno) }
    }

    static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0 { throw StorageError.io(path: path, operation: "open", errno: errno) }
        defer { close(fd) }
        if fsync(fd) != 0 && errno != EINVAL { throw StorageError.io(path: path, operation: "fsync", errno: errno) }
    }
}

import Foundation

/// `meta.json` of a block: its time range and counts. Times are ms, `maxTime` exclusive.
public struct BlockMeta: Codable, Sendable, Equatable {
    public struct Stats: Codable, Sendable, Equatable {
        public var numSeries: Int
        public var numSamples: Int
        public var numChunks: Int
    }

    public struct Compaction: Codable, Sendable, Equatable {
        public var level: Int
        public var sources: [String]
    }

    public var ulid: String
    public var minTime: Int64
    public var maxTime: Int64
    public var stats: Stats
    public var compaction: Compaction
    /// The block format version; readers refuse newer ones.
    public var version: Int

    public static let currentVersion = 1

    static func read(_ dir: URL) throws -> BlockMeta {
        let url = dir.appendingPathComponent("meta.json")
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw StorageError.corrupt(path: url.path, reason: "cannot read: \(error.localizedDescription)")
        }
        let meta: BlockMeta
        do { meta = try JSONDecoder().decode(BlockMeta.self, from: data) } catch {
            throw StorageError.corrupt(path: url.path, reason: "invalid JSON: \(error)")
        }
        if meta.version > currentVersion {
            throw StorageError.newerFormat(path: url.path, found: meta.version, supported: currentVersion)
        }
        return meta
    }

    /// A sortable, unique block name: the start time and a random suffix.
    static func makeID(minTime: Int64) -> String {
        let t = String(UInt64(bitPattern: minTime), radix: 16)
        let pad = String(repeating: "0", count: max(0, 16 - t.count)) + t
        let r = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        return "\(pad)-\(String(repeating: "0", count: max(0, 16 - r.count)))\(r)"
    }
}

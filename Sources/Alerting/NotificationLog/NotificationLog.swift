import Foundation

/// The notification log (`nflog.Log`, spec §6): what each integration of each receiver was last
/// sent for each aggregation group. Consulted before sending (dedup), written after a successful
/// send, snapshotted to disk so a restart neither repeats nor drops a notification.
public struct NotificationLog: Sendable {
    public struct Key: Hashable, Sendable, Comparable {
        public var groupKey: String
        public var receiver: String
        public var integration: IntegrationID
        public init(groupKey: String, receiver: String, integration: IntegrationID) {
            self.groupKey = groupKey
            self.receiver = receiver
            self.integration = integration
        }
        public static func < (a: Key, b: Key) -> Bool {
            (a.groupKey, a.receiver, a.integration.kind, a.integration.index)
                < (b.groupKey, b.receiver, b.integration.kind, b.integration.index)
        }
    }

    public struct Entry: Sendable, Equatable {
        /// `notificationLogHash` of the firing / resolved alerts' labels when last notified.
        public var firing: Set<UInt64>
        public var resolved: Set<UInt64>
        /// When the send completed (ms).
        public var timestamp: Int64
        /// `timestamp + min(retention, 2 × repeat_interval)`.
        public var expiresAt: Int64
    }

    private(set) var entries: [Key: Entry] = [:]
    /// `--data.retention` (ms, default 120h).
    public var retention: Int64

    public init(retention: Int64 = 120 * 3_600_000) { self.retention = retention }

    public subscript(key: Key) -> Entry? { entries[key] }
    public var count: Int { entries.count }

    /// `DedupStage.needsUpdate` (spec §6) at `now`.
    public func needsUpdate(_ key: Key, firing: Set<UInt64>, resolved: Set<UInt64>, sendResolved: Bool,
                            repeatInterval: Int64, now: Int64) -> Bool {
        guard let e = entries[key] else { return !firing.isEmpty }
        if !firing.isSubset(of: e.firing) { return true }
        if firing.isEmpty { return !e.firing.isEmpty }
        if sendResolved && !resolved.isSubset(of: e.resolved) { return true }
        return e.timestamp < now - repeatInterval
    }

    /// `SetNotifiesStage`: records a successful notification completed at `now`.
    public mutating func record(_ key: Key, firing: Set<UInt64>, resolved: Set<UInt64>, repeatInterval: Int64, now: Int64) {
        let expiry = repeatInterval > 0 && retention > 2 * repeatInterval ? 2 * repeatInterval : retention
        entries[key] = Entry(firing: firing, resolved: resolved, timestamp: now, expiresAt: now + expiry)
    }

    /// Drops expired entries; returns how many.
    @discardableResult
    public mutating func collectGarbage(now: Int64) -> Int {
        let before = entries.count
        entries = entries.filter { $0.value.expiresAt > now }
        return before - entries.count
    }

    // MARK: Snapshot

    struct SnapshotV1: Codable {
        struct EntryDTO: Codable {
            var groupKey: String
            var receiver: String
            var integration: String
            var index: Int
            /// Hashes as 16 hex digits, sorted.
            var firing: [String]
            var resolved: [String]
            var timestamp: Int64
            var expiresAt: Int64
        }
        var version = 1
        var entries: [EntryDTO]
    }

    public func snapshot() throws -> Data {
        func hex(_ s: Set<UInt64>) -> [String] { s.sorted().map { Fingerprint($0).description } }
        let dto = SnapshotV1(entries: entries.keys.sorted().map { k in
            let e = entries[k]!
            return .init(groupKey: k.groupKey, receiver: k.receiver, integration: k.integration.kind, index: k.integration.index,
                         firing: hex(e.firing), resolved: hex(e.resolved), timestamp: e.timestamp, expiresAt: e.expiresAt)
        })
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        return try enc.encode(dto)
    }

    public mutating func restore(from data: Data) throws {
        let dto: SnapshotV1
        do {
            dto = try JSONDecoder().decode(SnapshotV1.self, from: data)
        } catch {
            throw SnapshotError("notification log snapshot: \(error)")
        }
        guard dto.version == 1 else { throw SnapshotError("notification log snapshot: unsupported version \(dto.version)") }
        func parse(_ s: [String]) throws -> Set<UInt64> {
            Set(try s.map { h in
                guard let v = UInt64(h, radix: 16) else { throw SnapshotError("notification log snapshot: bad hash \(h)") }
                return v
            })
        }
        var out: [Key: Entry] = [:]
        for e in dto.entries {
            let k = Key(groupKey: e.groupKey, receiver: e.receiver, integration: IntegrationID(kind: e.integration, index: e.index))
            out[k] = Entry(firing: try parse(e.firing), resolved: try parse(e.resolved), timestamp: e.timestamp, expiresAt: e.expiresAt)
        }
        entries = out
    }
}

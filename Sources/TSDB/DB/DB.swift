import Foundation
import Glibc
import Model
import Synchronization

/// The embedded time-series store: a head in memory, a write-ahead log, and immutable
/// on-disk blocks cut from the head every `blockRange`. Queries span all of them.
public final class DB: Queryable, Appendable, @unchecked Sendable {
    /// The storage format this build writes and reads.
    public static let formatVersion = 1

    public let directory: URL
    public let options: DBOptions
    let head = Head()
    let wal: WAL
    private let lockFD: Int32
    /// Guards `blocks`, `stats` and `minValidTimeStorage`; held briefly.
    private let state = Mutex(State())

    struct State {
        var blocks: [Block] = []
        var stats = DBStats()
        /// Samples older than this belong to persisted blocks and are rejected.
        var minValidTime: Int64 = .min
        var closed = false
        /// The `minValidTime` each open appender batch read (by appender id): such a batch can
        /// still commit samples down to it, so the settled horizon stays there until it ends.
        var openBatches: [UInt64: Int64] = [:]
        /// Bumped whenever stored samples are deleted (retention).
        var epoch: UInt64 = 0
        var appends = AppendLog()
    }

    /// Opens (creating if needed) a store directory: takes the lock, checks the format
    /// version, loads blocks and replays the WAL into the head.
    public static func open(_ path: String, options: DBOptions = DBOptions()) throws -> DB {
        try DB(path: path, options: options)
    }

    private init(path: String, options: DBOptions) throws {
        directory = URL(fileURLWithPath: path)
        self.options = options
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw StorageError.io(path: path, operation: "mkdir", errno: EACCES)
        }
        lockFD = try DB.lock(directory)
        do {
            try DB.checkVersion(directory)
            var blocks: [Block] = []
            for name in try FileManager.default.contentsOfDirectory(atPath: path).sorted() {
                let url = directory.appendingPathComponent(name)
                if name.hasSuffix(".tmp") { try? FileManager.default.removeItem(at: url); continue }
                if FileManager.default.fileExists(atPath: url.appendingPathComponent("meta.json").path) {
                    blocks.append(try Block(dir: url))
                }
            }
            blocks.sort { $0.meta.minTime < $1.meta.minTime }
            wal = try WAL(directory: directory.appendingPathComponent("wal").path, segmentSize: options.walSegmentSize)
            let persistedUntil = blocks.last?.meta.maxTime ?? .min
            let report = try replayWAL(after: persistedUntil)
            state.withLock {
                $0.blocks = blocks
                $0.minValidTime = persistedUntil
                $0.stats.walReplayedRecords = report.records
                $0.stats.walDiscardedBytes = report.discardedBytes
            }
        } catch {
            flock(lockFD, LOCK_UN)
            Glibc.close(lockFD)
            throw error
        }
    }

    deinit {
        flock(lockFD, LOCK_UN)
        Glibc.close(lockFD)
    }

    /// Releases the lock; the WAL is already durable after every commit.
    public func close() {
        state.withLock { $0.closed = true }
        try? wal.close()
        flock(lockFD, LOCK_UN)
    }

    static func lock(_ dir: URL) throws -> Int32 {
        let path = dir.appendingPathComponent("lock").path
        let fd = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        if fd < 0 { throw StorageError.io(path: path, operation: "open", errno: errno) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            Glibc.close(fd)
            throw StorageError.locked(path: path)
        }
        return fd
    }

    static func checkVersion(_ dir: URL) throws {
        let url = dir.appendingPathComponent("VERSION")
        if let text = try? String(contentsOf: url, encoding: .utf8) {
            guard let v = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw StorageError.corrupt(path: url.path, reason: "VERSION is not a number")
            }
            if v > formatVersion { throw StorageError.newerFormat(path: url.path, found: v, supported: formatVersion) }
        } else {
            try BlockWriter.writeDurably(url, Array("\(formatVersion)\n".utf8))
        }
    }

    private func replayWAL(after persistedUntil: Int64) throws -> (records: Int, discardedBytes: Int) {
        var records = 0
        let report = try wal.replay { record in
            records += 1
            switch record {
            case .series(let list):
                for s in list { _ = head.create(s.labels, ref: s.ref) }
            case .samples(let list):
                head.applyByRef(list, from: persistedUntil)
            }
        }
        return (records, report.bytesDiscarded)
    }

    var minValidTime: Int64 { state.withLock { $0.minValidTime } }

    /// `minValidTime` for a batch that is starting; the batch holds the settled horizon at
    /// most there until `endBatch`.
    func beginBatch(_ id: UInt64) -> Int64 {
        state.withLock {
            $0.openBatches[id] = $0.minValidTime
            return $0.minValidTime
        }
    }

    func endBatch(_ id: UInt64) {
        state.withLock { _ = $0.openBatches.removeValue(forKey: id) }
    }

    public func appendMark() -> UInt64? { state.withLock { $0.appends.mark() } }
    public func oldestAppend(since mark: UInt64) -> Int64? { state.withLock { $0.appends.oldest(since: mark) } }

    /// Records a committed batch's oldest sample, once the batch is visible.
    func committed(oldest t: Int64) { state.withLock { $0.appends.record(t) } }

    /// Nothing older than the persisted blocks' end can be appended (a batch that started
    /// before the last cut still can, down to the end it read), and only retention deletes.
    public var settledHorizon: SettledHorizon {
        state.withLock { s in
            SettledHorizon(time: s.openBatches.values.reduce(s.minValidTime, min), epoch: s.epoch)
        }
    }

    func count(outOfOrder: Int = 0, duplicate: Int = 0) {
        state.withLock {
            $0.stats.outOfOrderSamples += outOfOrder
            $0.stats.duplicateSamples += duplicate
        }
    }

    public func makeAppender() -> any Appender { DBAppender(db: self) }

    public func querier(mint: Int64, maxt: Int64) throws -> any Querier {
        DBQuerier(head: head, blocks: { self.state.withLock { $0.blocks } }, mint: mint, maxt: maxt)
    }

    public var stats: DBStats {
        var s = state.withLock { $0.stats }
        s.headSeries = head.seriesCount
        s.headMinTime = head.minTime
        s.headMaxTime = head.maxTime
        let blocks = state.withLock { $0.blocks }
        s.blocks = blocks.count
        s.blockBytes = blocks.reduce(0) { $0 + $1.sizeBytes }
        return s
    }

    public var blockMetas: [BlockMeta] { state.withLock { $0.blocks.map(\.meta) } }

    // MARK: Compaction and retention

    /// Cuts every full `blockRange` of the head that is at least half a range old into a block,
    /// then applies retention. Prometheus cuts when the head spans 1.5 ranges.
    @discardableResult
    public func compact() throws -> [BlockMeta] {
        var cut: [BlockMeta] = []
        let range = options.blockRange
        while head.minTime != .max {
            let lo = max(head.minTime, minValidTime)
            guard head.maxTime - lo >= range * 3 / 2 else { break }
            let mint = floorDiv(lo, range) * range
            cut.append(try persist(mint: mint, maxt: mint + range))
        }
        try applyRetention()
        return cut
    }

    /// Writes everything in the head before `maxt` into blocks (used by import and shutdown tools).
    @discardableResult
    public func flushHead() throws -> [BlockMeta] {
        var cut: [BlockMeta] = []
        let range = options.blockRange
        while head.minTime != .max {
            let lo = max(head.minTime, minValidTime)
            if lo > head.maxTime { break }
            let mint = floorDiv(lo, range) * range
            cut.append(try persist(mint: mint, maxt: mint + range))
        }
        return cut
    }

    private func persist(mint: Int64, maxt: Int64) throws -> BlockMeta {
        let series = head.snapshot(mint: mint, maxt: maxt)
        let meta = try BlockWriter.write(to: directory, mint: mint, maxt: maxt, series: series)
        let block = try Block(dir: directory.appendingPathComponent(meta.ulid))
        state.withLock {
            $0.blocks.append(block)
            $0.blocks.sort { $0.meta.minTime < $1.meta.minTime }
            $0.minValidTime = max($0.minValidTime, maxt)
        }
        let alive = head.truncate(before: maxt)
        // Close the current segment so the checkpoint covers every earlier one, then drop them.
        let active = try wal.nextSegment()
        try wal.checkpoint(upTo: active - 1, keepSeries: { alive.contains($0) }, minTime: maxt)
        try wal.truncate(before: active)
        return meta
    }

    /// Deletes whole blocks past the time retention, then the oldest while over the size limit.
    public func applyRetention() throws {
        let newest = max(head.maxTime, state.withLock { $0.blocks.last?.meta.maxTime ?? .min })
        var doomed: [Block] = []
        state.withLock { s in
            s.blocks.sort { $0.meta.minTime < $1.meta.minTime }
            doomed = s.blocks.filter { newest != .min && $0.meta.maxTime <= newest - options.retentionTime }
            var keep = s.blocks.filter { b in !doomed.contains { $0 === b } }
            if let limit = options.retentionBytes {
                var total = keep.reduce(0) { $0 + $1.sizeBytes }
                while total > limit, let oldest = keep.first {
                    doomed.append(oldest)
                    keep.removeFirst()
                    total -= oldest.sizeBytes
                }
            }
            s.blocks = keep
            if !doomed.isEmpty { s.epoch &+= 1 }
        }
        for b in doomed {
            do { try FileManager.default.removeItem(at: b.dir) } catch {
                throw StorageError.io(path: b.dir.path, operation: "remove", errno: EIO)
            }
        }
    }
}

func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

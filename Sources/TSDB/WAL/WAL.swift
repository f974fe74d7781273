import Synchronization

/// The write-ahead log: a directory of numbered segment files (`00000000`, `00000001`, …)
/// holding framed, checksummed records, modelled on Prometheus' `tsdb/wlog`.
///
/// Life cycle, as in Prometheus (the log must be read once before it is written):
///
///     let wal = try WAL(directory: dir)
///     let report = try wal.replay { record in head.apply(record) }  // repairs a torn tail
///     try wal.log([.series(...), .samples(...)])                    // durable on return
///     try wal.nextSegment()
///     try wal.checkpoint(upTo: n, keepSeries: head.isAlive, minTime: mint)
///     try wal.truncate(before: n + 1)
///
/// - Segments are at most `segmentSize` bytes; a record goes to a new segment when it would
///   overflow the current one. Records are never split (see `Frame`).
/// - `log` writes with `pwrite` and syncs with `fdatasync` before returning. A failed write or
///   sync truncates the segment back to the end of the last durable record and throws a
///   `WALError.io` naming the file and errno, so no partial record is left for replay.
/// - Thread safety: every method may be called from any thread; an internal `Mutex` serialises
///   writers and replay, and a second one serialises checkpoints. Calls block on disk I/O, so
///   callers in async code should run them off the cooperative pool.
public final class WAL: Sendable {
    public static let defaultSegmentSize = 128 * 1024 * 1024
    /// Smallest accepted segment size (tests use small ones to force many segments).
    public static let minimumSegmentSize = 64

    public let directory: String
    public let segmentSize: Int
    /// `pwrite` except in tests, which inject failures here.
    let writeFunction: WALWriteFunction

    struct State {
        /// The segment being appended to. Nil before `replay` and after `close`.
        var writer: SegmentWriter?
        /// True once `replay` has positioned the writer; `log` requires it.
        var isReplayed = false
        var isClosed = false
        /// Encoding buffer reused across `log` calls.
        var buffer: [UInt8] = []
        var frameEnds: [Int] = []
    }

    /// Guards the writer: `log`, `replay`, `nextSegment`, `truncate`, `close`.
    private let state = Mutex(State())
    /// Serialises `checkpoint` (which reads closed segments without holding `state`).
    let checkpointLock = Mutex(())

    /// Opens (creating if needed) the log in `directory`. Reads nothing yet: call `replay` before `log`.
    public convenience init(directory: String, segmentSize: Int = WAL.defaultSegmentSize) throws(WALError) {
        try self.init(directory: directory, segmentSize: segmentSize, writeFunction: WALFiles.posixWrite)
    }

    /// Test seam: `writeFunction` replaces `pwrite` for every record write.
    init(directory: String, segmentSize: Int, writeFunction: @escaping WALWriteFunction) throws(WALError) {
        guard segmentSize >= WAL.minimumSegmentSize else { throw .invalidSegmentSize(segmentSize) }
        try WALFiles.makeDirectories(directory)
        self.directory = directory
        self.segmentSize = segmentSize
        self.writeFunction = writeFunction
    }

    deinit {
        state.withLock { s in try? s.writer?.close() }
    }

    /// Index of the segment being written; nil before `replay` or after `close`.
    public var activeSegment: Int? {
        state.withLock { $0.writer?.index }
    }

    /// Appends `records` and makes them durable (written and `fdatasync`ed) before returning.
    ///
    /// On error nothing partial remains: the segment is truncated back to its last whole record.
    /// If the batch spans a segment switch, records that went to the earlier segment stay durable
    /// (the batch is a prefix-durable sequence of atomic records, as in Prometheus).
    /// Requires a prior `replay()` (a programmer error otherwise).
    public func log(_ records: [WALRecord]) throws(WALError) {
        try log(records: records.count) { i, buf in records[i].encode(into: &buf) }
    }

    /// `log` for payloads encoded straight into the write buffer: `encode(i, &buf)` appends the
    /// payload of record `i` of `count` (the bytes `WALRecord.encode` would append), so a
    /// caller holding its samples in another shape builds no `WALRecord` arrays. Same frames,
    /// same durability.
    func log(records count: Int, _ encode: (Int, inout [UInt8]) -> Void) throws(WALError) {
        if count == 0 { return }
        try state.withLock { (s: inout State) throws(WALError) in
            guard !s.isClosed else { throw .closed(directory: directory) }
            precondition(s.isReplayed, "WAL.log before WAL.replay: the log must be read (and repaired) first")
            // Taken out of the state, so that they are unique and keep their memory (a copy
            // left behind would make `removeAll(keepingCapacity:)` allocate afresh every call).
            var buf = s.buffer
            var ends = s.frameEnds
            s.buffer = []
            s.frameEnds = []
            buf.removeAll(keepingCapacity: true)
            ends.removeAll(keepingCapacity: true)
            defer {
                // Keep the capacity for the next call, but not a huge one-off batch.
                if buf.capacity <= 16 << 20 { s.buffer = buf; s.frameEnds = ends }
            }
            for i in 0..<count {
                let size = Frame.append(to: &buf) { encode(i, &$0) }
                guard size <= segmentSize else {
                    throw .recordTooLarge(path: s.writer!.path, bytes: size, segmentSize: segmentSize)
                }
                ends.append(buf.count)
            }
            try Self.write(buf, frameEnds: ends, to: &s.writer!, directory: directory,
                           segmentSize: segmentSize, using: writeFunction)
        }
    }

    /// Writes whole frames, starting a new segment before a frame that would overflow the current one.
    static func write(_ buf: [UInt8], frameEnds: [Int], to writer: inout SegmentWriter, directory: String,
                      segmentSize: Int, using write: WALWriteFunction) throws(WALError) {
        // `withUnsafeBytes` rethrows untyped errors; carry the typed one out in a `Result`.
        let result = buf.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in Result { () throws(WALError) in
            var pending = 0  // Start of the bytes not yet written.
            var frameStart = 0
            for end in frameEnds {
                if writer.offset + (end - pending) > segmentSize {
                    if frameStart > pending {
                        try writer.append(UnsafeRawBufferPointer(rebasing: bytes[pending..<frameStart]), using: write)
                        pending = frameStart
                    }
                    if writer.offset > 0 {
                        try roll(&writer, directory: directory)
                    }
                }
                frameStart = end
            }
            if bytes.count > pending {
                try writer.append(UnsafeRawBufferPointer(rebasing: bytes[pending...]), using: write)
            }
        } }
        try result.get()
    }

    /// Closes `writer` (synced) and replaces it with a new, empty next segment.
    static func roll(_ writer: inout SegmentWriter, directory: String) throws(WALError) {
        try writer.close()
        writer = try SegmentWriter.create(directory: directory, index: writer.index + 1)
    }

    /// Starts a new segment unless the current one is empty; returns the index now being written.
    /// Use it before `checkpoint(upTo:)` so the checkpointed segments are all closed.
    @discardableResult
    public func nextSegment() throws(WALError) -> Int {
        try state.withLock { (s: inout State) throws(WALError) -> Int in
            guard !s.isClosed else { throw .closed(directory: directory) }
            precondition(s.isReplayed, "WAL.nextSegment before WAL.replay")
            if s.writer!.offset > 0 { try Self.roll(&s.writer!, directory: directory) }
            return s.writer!.index
        }
    }

    /// Deletes the segments numbered below `index` (after a checkpoint covered them).
    /// Throws if that would include the segment being written.
    public func truncate(before index: Int) throws(WALError) {
        try state.withLock { (s: inout State) throws(WALError) in
            if let active = s.writer?.index, index > active {
                throw .activeSegment(operation: "truncate before", requested: index, active: active)
            }
            var removed = false
            for seg in try WALFiles.listSegments(directory) where seg < index {
                try WALFiles.removeFile(WALFiles.joinPath(directory, WALFiles.segmentName(seg)))
                removed = true
            }
            if removed { try WALFiles.syncDirectory(directory) }
        }
    }

    /// Syncs and closes the active segment. Later `log` calls throw `WALError.closed`.
    public func close() throws(WALError) {
        try state.withLock { (s: inout State) throws(WALError) in
            s.isClosed = true
            defer { s.writer = nil }
            try s.writer?.close()
        }
    }

    // MARK: - Replay

    /// Reads the newest checkpoint, then every later segment in order, calling `body` per record;
    /// then positions the writer after the last good record. Must run once before `log`.
    ///
    /// A torn or corrupt frame ends the replay: the segment is truncated at that frame and every
    /// later segment is deleted (Prometheus' repair), and `ReplayReport.damage` says what was cut.
    /// Damage inside a checkpoint is not repaired but thrown (`WALError.corruption`).
    /// `body` runs under the WAL's lock and must not call back into this WAL; errors it throws
    /// end the replay without any repair.
    @discardableResult
    public func replay(_ body: (WALRecord) throws -> Void) throws -> ReplayReport {
        try state.withLock { (s: inout State) throws -> ReplayReport in
            guard !s.isClosed else { throw WALError.closed(directory: directory) }
            try s.writer?.close()
            s.writer = nil
            s.isReplayed = false
            let (report, next) = try replayLocked(body)
            if let next {
                s.writer = try SegmentWriter.openExisting(directory: directory, index: next)
            } else {
                let first = (report.checkpoint ?? -1) + 1
                s.writer = try SegmentWriter.create(directory: directory, index: first)
            }
            s.isReplayed = true
            return report
        }
    }

    /// Replays into an array. Memory grows with the log; prefer the callback form for big logs.
    public func replay() throws(WALError) -> (records: [WALRecord], report: ReplayReport) {
        var records: [WALRecord] = []
        do {
            let report = try replay { records.append($0) }
            return (records, report)
        } catch let e as WALError {
            throw e
        } catch {
            fatalError("unreachable: the collecting body does not throw")
        }
    }

    /// Opens the log in `directory`, replays (and repairs) it, and closes it again.
    public static func replay(from directory: String) throws(WALError) -> (records: [WALRecord], report: ReplayReport) {
        let wal = try WAL(directory: directory)
        let result = try wal.replay()
        try wal.close()
        return result
    }
}

/// Counts from one `WAL.checkpoint` run.
public struct CheckpointStats: Sendable, Equatable {
    /// Index N of the `checkpoint.N` written; nil when nothing was to do.
    public var checkpoint: Int?
    public var seriesKept = 0
    public var seriesDropped = 0
    public var samplesKept = 0
    public var samplesDropped = 0
}

extension WAL {
    /// Writes `checkpoint.N` (N = `last`): the newest earlier checkpoint plus segments up to `last`,
    /// keeping only series records whose ref passes `keepSeries` and samples with `t >= minTime`.
    ///
    /// Atomic: it is written as `checkpoint.N.tmp` in the same segment format, synced, renamed,
    /// and the directory synced; older checkpoints are then deleted. Segments are left in place;
    /// delete them with `truncate(before: last + 1)`. `last` must be below the active segment
    /// (call `nextSegment()` first). Damage in what it reads is thrown, never repaired: the head
    /// could not tell which series it lost. Does not block `log`.
    @discardableResult
    public func checkpoint(upTo last: Int, keepSeries: (UInt64) -> Bool, minTime: Int64) throws -> CheckpointStats {
        try checkpointLock.withLock { _ throws -> CheckpointStats in
            guard let active = activeSegment else {
                preconditionFailure("WAL.checkpoint before WAL.replay")
            }
            guard last < active else {
                throw WALError.activeSegment(operation: "checkpoint up to", requested: last, active: active)
            }
            var stats = CheckpointStats()
            let previous = try WALFiles.newestCheckpoint(in: directory)
            if let previous, previous.index >= last { return stats }  // Already covered.
            let first: Int
            if let previous {
                first = previous.index + 1
            } else {
                guard let f = try WALFiles.listSegments(directory).first, f <= last else { return stats }
                first = f
            }

            // Leftovers of an interrupted checkpoint.
            for name in try WALFiles.listDirectory(directory) where name.hasPrefix(WALFiles.checkpointPrefix) && name.hasSuffix(WALFiles.temporarySuffix) {
                try WALFiles.removeFlatDirectory(WALFiles.joinPath(directory, name))
            }
            let final = WALFiles.joinPath(directory, WALFiles.checkpointName(last))
            let temporary = final + WALFiles.temporarySuffix
            try WALFiles.makeDirectories(temporary)
            var writer = try SegmentWriter.create(directory: temporary, index: 0)
            var buf: [UInt8] = []
            var ends: [Int] = []
            func flush() throws(WALError) {
                try WAL.write(buf, frameEnds: ends, to: &writer, directory: temporary,
                              segmentSize: segmentSize, using: writeFunction)
                buf.removeAll(keepingCapacity: true)
                ends.removeAll(keepingCapacity: true)
            }
            func add(_ record: WALRecord) throws(WALError) {
                let size = Frame.append(record, to: &buf)
                guard size <= segmentSize else {
                    throw .recordTooLarge(path: temporary, bytes: size, segmentSize: segmentSize)
                }
                ends.append(buf.count)
                if buf.count >= 1 << 20 { try flush() }
            }
            func filter(_ record: WALRecord, _: Int) throws {
                switch record {
                case .series(let series):
                    let kept = series.filter { keepSeries($0.ref) }
                    stats.seriesKept += kept.count
                    stats.seriesDropped += series.count - kept.count
                    if !kept.isEmpty { try add(.series(kept)) }
                case .samples(let samples):
                    let kept = samples.filter { $0.t >= minTime }
                    stats.samplesKept += kept.count
                    stats.samplesDropped += samples.count - kept.count
                    if !kept.isEmpty { try add(.samples(kept)) }
                }
            }
            do {
                let buffer = ReadBuffer()
                if let previous { try readStrictly(previous.path, buffer: buffer, filter) }
                try readStrictly(directory, only: first...last, buffer: buffer, filter)
                try flush()
                try writer.close()
                try WALFiles.syncDirectory(temporary)
                if WALFiles.isDirectory(final) { try WALFiles.removeFlatDirectory(final) }
                try WALFiles.renameFile(temporary, to: final)
                try WALFiles.syncDirectory(directory)
            } catch {
                try? writer.close()
                try? WALFiles.removeFlatDirectory(temporary)
                throw error
            }
            for old in try WALFiles.listCheckpoints(in: directory) where old.index < last {
                try WALFiles.removeFlatDirectory(old.path)
            }
            stats.checkpoint = last
            return stats
        }
    }
}

extension WAL {
    /// The replay proper; the caller holds `state`. Returns the report and the segment to
    /// append to next (nil when no segment follows the checkpoint).
    func replayLocked(_ body: (WALRecord) throws -> Void) throws -> (ReplayReport, Int?) {
        var report = ReplayReport()
        let buffer = ReadBuffer()
        let checkpoint = try WALFiles.newestCheckpoint(in: directory)
        if let checkpoint {
            report.checkpoint = checkpoint.index
            try readStrictly(checkpoint.path, buffer: buffer) { record, size in
                report.count(record, bytes: size)
                try body(record)
            }
        }

        var segments = try WALFiles.listSegments(directory)
        if let checkpoint {
            // Segments the checkpoint covers may linger until `truncate(before:)`; skip them.
            segments.removeAll { $0 <= checkpoint.index }
            if let first = segments.first, first != checkpoint.index + 1 {
                throw WALError.missingSegmentsAfterCheckpoint(
                    directory: directory, checkpoint: checkpoint.index, firstSegment: first)
            }
        }
        try WALFiles.checkSequential(segments, in: directory)

        for (i, segment) in segments.enumerated() {
            let path = WALFiles.joinPath(directory, WALFiles.segmentName(segment))
            let bytes = try buffer.load(path)
            report.segments.append(segment)
            var reader = FrameReader(bytes)
            var bad: (offset: Int, reason: String)?
            frames: while true {
                switch reader.next() {
                case .end:
                    break frames
                case .damaged(let offset, let reason):
                    bad = (offset, reason)
                    break frames
                case .frame(let payload, let offset):
                    let record: WALRecord
                    do {
                        record = try WALRecord.decode(payload)
                    } catch {
                        bad = (offset, "undecodable record: \(error)")
                        break frames
                    }
                    report.count(record, bytes: Frame.headerSize + payload.count)
                    try body(record)
                }
            }
            guard let bad else { continue }

            // Repair: drop everything from the bad frame on, in this and all later segments.
            var discarded = bytes.count - bad.offset
            let later = Array(segments[(i + 1)...])
            for seg in later {
                let p = WALFiles.joinPath(directory, WALFiles.segmentName(seg))
                discarded += try WALFiles.fileSize(p)
                try WALFiles.removeFile(p)
            }
            try WALFiles.truncateFile(path, to: bad.offset)
            if !later.isEmpty { try WALFiles.syncDirectory(directory) }
            report.damage = .init(path: path, segment: segment, offset: bad.offset, reason: bad.reason,
                                  bytesDiscarded: discarded, deletedSegments: later)
            return (report, segment)
        }
        return (report, segments.last)
    }

    /// Reads every record of the segments in `directory` (a checkpoint, or a range of closed
    /// segments while checkpointing). Damage is not repaired but thrown as `WALError.corruption`.
    func readStrictly(_ directory: String, only range: ClosedRange<Int>? = nil, buffer: ReadBuffer,
                      _ body: (WALRecord, Int) throws -> Void) throws {
        var segments = try WALFiles.listSegments(directory)
        if let range { segments.removeAll { !range.contains($0) } }
        try WALFiles.checkSequential(segments, in: directory)
        if let range, segments.first != range.lowerBound || segments.last != range.upperBound {
            throw WALError.corruption(path: directory, offset: 0,
                                      reason: "segments \(range.lowerBound)...\(range.upperBound) are not all present")
        }
        for segment in segments {
            let path = WALFiles.joinPath(directory, WALFiles.segmentName(segment))
            var reader = FrameReader(try buffer.load(path))
            while true {
                switch reader.next() {
                case .end:
                    break
                case .damaged(let offset, let reason):
                    throw WALError.corruption(path: path, offset: offset, reason: reason)
                case .frame(let payload, let offset):
                    let record: WALRecord
                    do {
                        record = try WALRecord.decode(payload)
                    } catch {
                        throw WALError.corruption(path: path, offset: offset, reason: "undecodable record: \(error)")
                    }
                    try body(record, Frame.headerSize + payload.count)
                    continue
                }
                break
            }
        }
    }
}

extension ReplayReport {
    mutating func count(_ record: WALRecord, bytes: Int) {
        records += 1
        self.bytes += bytes
        switch record {
        case .series(let s): series += s.count
        case .samples(let s): samples += s.count
        }
    }
}

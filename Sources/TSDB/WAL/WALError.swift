#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything the write-ahead log throws. Each case names the file or directory involved.
public enum WALError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A system call failed: `write /data/wal/00000003: No space left on device (errno 28)`.
    case io(operation: String, path: String, errno: Int32)
    /// One encoded record does not fit in a segment.
    case recordTooLarge(path: String, bytes: Int, segmentSize: Int)
    /// Segment size below `WAL.minimumSegmentSize`.
    case invalidSegmentSize(Int)
    /// Segment files with a gap in their numbering (a segment is missing).
    case segmentsNotSequential(directory: String, previous: Int, next: Int)
    /// A checkpoint covers segments up to `checkpoint`, but the first later segment is `firstSegment`.
    case missingSegmentsAfterCheckpoint(directory: String, checkpoint: Int, firstSegment: Int)
    /// A checkpoint or a segment being checkpointed does not read back; nothing was repaired.
    case corruption(path: String, offset: Int, reason: String)
    /// `checkpoint(upTo:)` or `truncate(before:)` would touch the segment being written.
    case activeSegment(operation: String, requested: Int, active: Int)
    /// The WAL was closed.
    case closed(directory: String)

    public var errnoText: String? {
        if case .io(_, _, let code) = self { return String(cString: strerror(code)) }
        return nil
    }

    public var description: String {
        switch self {
        case .io(let op, let path, let code):
            "\(op) \(path): \(String(cString: strerror(code))) (errno \(code))"
        case .recordTooLarge(let path, let bytes, let size):
            "\(path): record of \(bytes) bytes does not fit in a segment of \(size) bytes"
        case .invalidSegmentSize(let n):
            "invalid segment size \(n): must be at least \(WAL.minimumSegmentSize)"
        case .segmentsNotSequential(let dir, let a, let b):
            "\(dir): segments are not sequential: \(WALFiles.segmentName(a)) is followed by \(WALFiles.segmentName(b))"
        case .missingSegmentsAfterCheckpoint(let dir, let cp, let first):
            "\(dir): checkpoint covers segments up to \(WALFiles.segmentName(cp)) but the next segment is \(WALFiles.segmentName(first))"
        case .corruption(let path, let offset, let reason):
            "\(path):\(offset): corruption: \(reason)"
        case .activeSegment(let op, let requested, let active):
            "\(op) \(requested): segment \(active) is being written"
        case .closed(let dir):
            "\(dir): write-ahead log is closed"
        }
    }
}

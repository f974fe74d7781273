/// What a replay read, and what it had to cut off.
public struct ReplayReport: Sendable, Equatable, CustomStringConvertible {
    /// Index N of the `checkpoint.N` directory read first; nil when there was none.
    public var checkpoint: Int?
    /// Segment indexes read after the checkpoint, ascending (the damaged one included).
    public var segments: [Int] = []
    /// Records delivered (checkpoint records included).
    public var records = 0
    /// Series and samples inside those records.
    public var series = 0
    public var samples = 0
    /// Bytes of good frames read.
    public var bytes = 0
    /// The first bad frame found in the segments, and how it was repaired; nil when all read clean.
    public var damage: Damage?

    /// Bytes removed by the repair (0 when nothing was damaged).
    public var bytesDiscarded: Int { damage?.bytesDiscarded ?? 0 }

    /// A torn or corrupt frame, and the repair: like Prometheus' `Repair`, everything from the
    /// frame on is dropped. The segment is truncated at `offset` and all later segments are deleted,
    /// because later records may depend on the lost ones (a sample on its series record).
    public struct Damage: Sendable, Equatable, CustomStringConvertible {
        /// The damaged segment file.
        public var path: String
        public var segment: Int
        /// Where the bad frame starts; the segment now ends here.
        public var offset: Int
        /// Why the frame was rejected: torn header or payload, checksum mismatch, bad kind or payload.
        public var reason: String
        /// Bytes cut from the damaged segment plus the sizes of deleted later segments.
        public var bytesDiscarded: Int
        /// Later segments deleted by the repair (empty when the damage was in the last one).
        public var deletedSegments: [Int]

        public var description: String {
            var s = "\(path):\(offset): \(reason); discarded \(bytesDiscarded) bytes"
            if !deletedSegments.isEmpty {
                s += " including segments " + deletedSegments.map(WALFiles.segmentName).joined(separator: ", ")
            }
            return s
        }
    }

    public var description: String {
        var s = "replayed \(records) records (\(series) series, \(samples) samples, \(bytes) bytes)"
        if let checkpoint { s += " from checkpoint \(WALFiles.segmentName(checkpoint))" }
        if let first = segments.first, let last = segments.last {
            s += " and segments \(WALFiles.segmentName(first))...\(WALFiles.segmentName(last))"
        }
        if let damage { s += "; repaired \(damage)" }
        return s
    }
}

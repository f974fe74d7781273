/// How a record sits in a segment file.
///
///     ┌────────┬───────────────┬──────────────────┬─────────────┐
///     │ kind 1 │ length u32 LE │ CRC32C u32 LE    │ payload …   │
///     └────────┴───────────────┴──────────────────┴─────────────┘
///
/// Unlike Prometheus, records are never fragmented: each record is one frame and lies whole
/// inside one segment (Prometheus splits records across 32 KiB pages but, like here, never
/// across segments). There is no page padding, so a segment is just frames back to back and
/// its size is the end of its last record. Consequences:
/// - a record larger than `segmentSize − headerSize` cannot be logged (`WALError.recordTooLarge`);
/// - a torn write can only damage the tail of the segment being written;
/// - zero bytes (an extended but unwritten file tail) read as kind 0, which is invalid.
///
/// The CRC covers the payload, as in Prometheus. A damaged length either points past the end
/// of the file (torn) or makes the CRC mismatch.
enum Frame {
    static let headerSize = 9
    /// The only kind so far: a whole record. Other values are left for fragments.
    static let fullRecord: UInt8 = 1

    /// Appends `record` as one frame to `buf`; returns the frame's size.
    @discardableResult
    static func append(_ record: WALRecord, to buf: inout [UInt8]) -> Int {
        append(to: &buf) { record.encode(into: &$0) }
    }

    /// The same for a payload that `encode` appends.
    @discardableResult
    static func append(to buf: inout [UInt8], payload encode: (inout [UInt8]) -> Void) -> Int {
        let start = buf.count
        buf.append(contentsOf: repeatElement(0, count: headerSize))
        encode(&buf)
        let length = buf.count - start - headerSize
        let crc = buf.withUnsafeBytes {
            CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[(start + headerSize)...]))
        }
        buf[start] = fullRecord
        withUnsafeBytes(of: UInt32(length).littleEndian) { h in
            for i in 0..<4 { buf[start + 1 + i] = h[i] }
        }
        withUnsafeBytes(of: crc.littleEndian) { h in
            for i in 0..<4 { buf[start + 5 + i] = h[i] }
        }
        return buf.count - start
    }
}

/// Walks the frames of one segment held in memory.
struct FrameReader {
    enum Step {
        /// A frame whose checksum matches; `offset` is where its header starts.
        case frame(payload: UnsafeRawBufferPointer, offset: Int)
        /// Clean end: every byte belonged to a good frame.
        case end
        /// The bytes from `offset` on are not a valid frame.
        case damaged(offset: Int, reason: String)
    }

    private let bytes: UnsafeRawBufferPointer
    /// Offset of the next frame header.
    private(set) var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    mutating func next() -> Step {
        let left = bytes.count - offset
        if left == 0 { return .end }
        guard let base = bytes.baseAddress else { return .end }
        if left < Frame.headerSize {
            return .damaged(offset: offset, reason: "torn record: \(left) bytes, less than a record header")
        }
        let kind = base.load(fromByteOffset: offset, as: UInt8.self)
        guard kind == Frame.fullRecord else {
            return .damaged(offset: offset, reason: "invalid record kind \(kind)")
        }
        let length = Int(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset + 1, as: UInt32.self)))
        let want = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset + 5, as: UInt32.self))
        guard length <= left - Frame.headerSize else {
            return .damaged(offset: offset, reason: "torn record: length \(length) but \(left - Frame.headerSize) bytes left in segment")
        }
        let payload = UnsafeRawBufferPointer(start: base + offset + Frame.headerSize, count: length)
        let got = CRC32C.checksum(payload)
        guard got == want else {
            return .damaged(offset: offset, reason: "checksum mismatch: computed \(Frame.hex(got)), stored \(Frame.hex(want))")
        }
        let at = offset
        offset += Frame.headerSize + length
        return .frame(payload: payload, offset: at)
    }
}

extension Frame {
    /// `0x0000abcd`, for checksums in messages.
    static func hex(_ v: UInt32) -> String {
        let s = String(v, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - s.count) + s
    }
}

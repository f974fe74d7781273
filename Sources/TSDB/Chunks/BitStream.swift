// Bit-level writer and reader for chunk encodings.
//
// Bits are packed most-significant first, as Prometheus' `bstream` packs them,
// so chunks written here read back in Prometheus and the other way round.

/// Appends bits to a byte array, most significant bit first.
///
/// The array is always complete: its last byte holds the bits written so far
/// in its high end, and zeros in the `free` low bits not yet written.
struct BitWriter: Sendable {
    /// The encoded bytes, including any partial last byte.
    private(set) var bytes: [UInt8]
    /// How many low-order bits of the last byte are still unwritten, 0...7.
    /// Zero means the next bit starts a new byte.
    private(set) var free: Int

    /// Continues after `bytes`, whose last byte has `free` unwritten low bits
    /// (which must be zero).
    init(bytes: [UInt8], free: Int = 0) {
        precondition((0...7).contains(free), "BitWriter: free bits must be 0...7")
        precondition(free == 0 || !bytes.isEmpty, "BitWriter: free bits without a last byte")
        self.bytes = bytes
        self.free = free
    }

    /// Appends a whole byte (at the current bit position, which need not be
    /// byte aligned).
    @inline(__always)
    mutating func writeByte(_ byte: UInt8) {
        write(UInt64(byte), bits: 8)
    }

    /// Appends the `n` low-order bits of `value`, the highest of them first.
    /// `n` must be 1...64; bits of `value` above the low `n` are ignored.
    ///
    /// With a `header`, also stores it big-endian in the first two bytes
    /// (which must exist): the sample count, updated by the sample's last write.
    ///
    /// Does at most one in-place update and one append on the array: their
    /// uniqueness and capacity checks dominate the cost of small writes.
    @inline(__always)
    mutating func write(_ value: UInt64, bits n: Int, header: UInt16? = nil) {
        assert((1...64).contains(n))
        // Left-align the bits so the next one to write is the top bit.
        var u = value &<< UInt64(64 - n)
        var n = n
        let f = free
        if f > 0 || header != nil {
            let high = f > 0 ? UInt8(truncatingIfNeeded: u &>> UInt64(64 - f)) : 0
            bytes.withUnsafeMutableBufferPointer { buffer in
                buffer[buffer.count - 1] |= high
                if let header {
                    buffer[0] = UInt8(truncatingIfNeeded: header >> 8)
                    buffer[1] = UInt8(truncatingIfNeeded: header)
                }
            }
            if n <= f {
                free = f - n
                return
            }
            u = u &<< UInt64(f)
            n -= f
        }
        let newBytes = (n + 7) >> 3
        if newBytes == 1 {
            bytes.append(UInt8(truncatingIfNeeded: u &>> 56))
        } else {
            var bigEndian = u.bigEndian
            withUnsafeBytes(of: &bigEndian) { raw in
                bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[0..<newBytes]))
            }
        }
        free = newBytes * 8 - n
    }

    /// Appends `x` as an unsigned LEB128 varint (Go's `binary.PutUvarint`).
    mutating func writeUvarint(_ x: UInt64) {
        var x = x
        while x >= 0x80 {
            writeByte(UInt8(truncatingIfNeeded: x) | 0x80)
            x >>= 7
        }
        writeByte(UInt8(x))
    }

    /// Appends `x` as a zig-zag signed varint (Go's `binary.PutVarint`).
    mutating func writeVarint(_ x: Int64) {
        writeUvarint(UInt64(bitPattern: (x &<< 1) ^ (x >> 63)))
    }
}

/// Reads bits from a byte buffer, most significant bit first.
///
/// The reader never touches memory outside `buffer`. Reading past the end is
/// allowed and yields zero bits; callers compare `position` with `bitCount`
/// to notice (once per sample, which keeps the hot path free of checks).
struct BitReader {
    /// The bytes read; only valid inside the `withUnsafeBufferPointer` that made it.
    let buffer: UnsafeBufferPointer<UInt8>
    /// Bits in `buffer`.
    let bitCount: Int
    /// The index of the next bit to read. May exceed `bitCount` after reading
    /// past the end.
    var position: Int

    @inline(__always)
    init(_ buffer: UnsafeBufferPointer<UInt8>, position: Int) {
        self.buffer = buffer
        self.bitCount = buffer.count &* 8
        self.position = position
    }

    /// Whether the reader went past the end of the data.
    @inline(__always)
    var isOverrun: Bool { position > bitCount }

    /// The next 64 bits, left-aligned, without consuming them. At least the
    /// top 57 bits are stream bits (zeros past the end of the data).
    @inline(__always)
    func peek() -> UInt64 {
        let byte = position &>> 3
        if byte &+ 8 <= buffer.count {
            let raw = UnsafeRawPointer(buffer.baseAddress.unsafelyUnwrapped + byte)
                .loadUnaligned(as: UInt64.self)
            return UInt64(bigEndian: raw) &<< UInt64(position & 7)
        }
        return peekNearEnd()
    }

    /// `peek()` for the last 8 bytes: assembles the remaining bytes one by one.
    @inline(never)
    func peekNearEnd() -> UInt64 {
        let byte = position &>> 3
        guard byte < buffer.count else { return 0 }
        var word: UInt64 = 0
        var shift: UInt64 = 56
        for i in byte..<buffer.count {
            word |= UInt64(buffer[i]) &<< shift
            shift &-= 8
        }
        return word &<< UInt64(position & 7)
    }

    /// Consumes `n` bits (0...64) already inspected with `peek()`.
    @inline(__always)
    mutating func skip(_ n: Int) {
        position &+= n
    }

    /// Reads `n` bits, 1...56, as the low bits of the result.
    @inline(__always)
    mutating func read(_ n: Int) -> UInt64 {
        assert((1...56).contains(n))
        let word = peek()
        position &+= n
        return word &>> UInt64(64 - n)
    }

    /// Reads `n` bits, 1...64, as the low bits of the result.
    @inline(__always)
    mutating func readWide(_ n: Int) -> UInt64 {
        if n <= 56 { return read(n) }
        let high = read(32)
        return (high &<< UInt64(n - 32)) | read(n - 32)
    }

    /// Reads an unsigned LEB128 varint (Go's `binary.ReadUvarint`); nil if it
    /// runs longer than 10 bytes or overflows 64 bits.
    @inline(__always)
    mutating func readUvarint() -> UInt64? {
        var x: UInt64 = 0
        var shift: UInt64 = 0
        for i in 0..<10 {
            let byte = read(8)
            if byte < 0x80 {
                if i == 9 && byte > 1 { return nil }
                return x | (byte &<< shift)
            }
            x |= (byte & 0x7f) &<< shift
            shift &+= 7
        }
        return nil
    }

    /// Reads a zig-zag signed varint (Go's `binary.ReadVarint`).
    @inline(__always)
    mutating func readVarint() -> Int64? {
        guard let ux = readUvarint() else { return nil }
        let x = Int64(bitPattern: ux >> 1)
        return ux & 1 == 0 ? x : ~x
    }
}

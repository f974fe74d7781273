/// The state of decoding an XOR chunk, one sample at a time.
///
/// Shared by `XORChunk.decode(into:_:)`, `XORIterator` and the appender
/// restore, so there is exactly one reading of the format. The bit position
/// lives in the `BitReader` passed in, so this state holds no pointers.
struct XORDecoder: Sendable {
    /// Samples the chunk header promises.
    let total: Int
    /// Samples decoded so far; the next to decode is `index + 1` (1-based).
    private(set) var index = 0
    /// The timestamp of the last decoded sample.
    private(set) var t: Int64 = 0
    /// The last timestamp delta, as the writer keeps it (wrapping arithmetic).
    private(set) var delta: UInt64 = 0
    /// The bit pattern of the last decoded value.
    private(set) var value: UInt64 = 0
    /// The current XOR window: trailing zeros and significant bits. Before any
    /// window is read it is the whole 64 bits, as Prometheus' reader assumes.
    private(set) var trailing = 0
    private(set) var significant = 64
    /// Whether a window was read ('11' control), as opposed to the initial one.
    private(set) var hasWindow = false

    /// Bytes in the chunk, for error messages.
    let byteCount: Int

    /// The bit position of the first sample: right after the 2-byte header.
    static let firstBit = 16

    init(total: Int, byteCount: Int) {
        self.total = total
        self.byteCount = byteCount
    }

    /// Leading zeros of the current window as the appender keeps them:
    /// 0xff when no window was read yet.
    var appenderLeading: UInt8 {
        hasWindow ? UInt8(64 - significant - trailing) : 0xff
    }

    /// Decodes the next sample into `t` and `value`. Must not be called once
    /// `index == total`. On error the state is unusable.
    @inline(__always)
    mutating func decodeNext(from r: inout BitReader) throws(ChunkError) {
        if index >= 2 {
            let word = r.peek()
            if word >> 63 == 0 {
                r.skip(1)  // delta of delta 0: the common case of a regular interval
            } else {
                readDeltaOfDelta(word, &r)
            }
            t &+= Int64(bitPattern: delta)
            try readValue(&r)
        } else if index == 0 {
            guard let first = r.readVarint() else { throw .varintOverflow(sample: 1) }
            t = first
            value = r.readWide(64)
        } else {
            guard let d = r.readUvarint() else { throw .varintOverflow(sample: 2) }
            delta = d
            t &+= Int64(bitPattern: d)
            try readValue(&r)
        }
        if r.isOverrun {
            throw .truncated(sample: index + 1, of: total, byteCount: byteCount)
        }
        index &+= 1
    }

    /// Reads a non-zero delta of delta whose control bits start `word`, and
    /// applies it to `delta`.
    ///
    /// Buckets: '10' + 14 bits, '110' + 17 bits, '1110' + 20 bits, '1111' + 64
    /// bits. An n-bit field holds -(2^(n-1) - 1)...2^(n-1): field values above
    /// 2^(n-1) are negative.
    @inline(__always)
    private mutating func readDeltaOfDelta(_ word: UInt64, _ r: inout BitReader) {
        let ones = min((~word).leadingZeroBitCount, 4)
        let control: Int
        let size: Int
        switch ones {
        case 1: (control, size) = (2, 14)
        case 2: (control, size) = (3, 17)
        case 3: (control, size) = (4, 20)
        default:
            r.skip(4)
            delta &+= r.readWide(64)
            return
        }
        var field = (word &<< UInt64(control)) &>> UInt64(64 - size)
        if field > 1 &<< UInt64(size - 1) {
            field &-= 1 &<< UInt64(size)
        }
        delta &+= field
        r.skip(control + size)
    }

    /// Reads a value: '0' unchanged, '10' + bits in the current window,
    /// '11' + 5 bits leading zeros + 6 bits significant count (0 means 64) + bits.
    @inline(__always)
    private mutating func readValue(_ r: inout BitReader) throws(ChunkError) {
        let word = r.peek()
        if word >> 63 == 0 {
            r.skip(1)
            return
        }
        if word & (1 << 62) == 0 {
            let m = significant
            let bits: UInt64
            if m <= 55 {  // '10' + m bits fit in the 57 bits `peek` guarantees
                bits = (word &<< 2) &>> UInt64(64 - m)
                r.skip(2 + m)
            } else {
                r.skip(2)
                bits = r.readWide(m)
            }
            value ^= bits &<< UInt64(trailing)
            return
        }
        try readNewWindow(word, &r)
    }

    @inline(__always)
    private mutating func readNewWindow(_ word: UInt64, _ r: inout BitReader) throws(ChunkError) {
        let leading = Int((word &>> 57) & 0x1f)
        var m = Int((word &>> 51) & 0x3f)
        if m == 0 { m = 64 }  // 64 significant bits do not fit in 6 bits; the writer stores 0
        guard leading + m <= 64 else {
            // Zeros read past the end make bad windows: report those as truncation.
            if r.position + 13 > r.bitCount {
                throw .truncated(sample: index + 1, of: total, byteCount: byteCount)
            }
            throw .invalidXORWindow(sample: index + 1, leadingZeros: leading, significantBits: m)
        }
        trailing = 64 - leading - m
        significant = m
        hasWindow = true
        let bits: UInt64
        if m <= 44 {  // 13 control bits + m fit in 57
            bits = (word &<< 13) &>> UInt64(64 - m)
            r.skip(13 + m)
        } else {
            r.skip(13)
            bits = r.readWide(m)
        }
        value ^= bits &<< UInt64(trailing)
    }
}

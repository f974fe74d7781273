/// Float samples compressed with the Gorilla XOR scheme, byte for byte as
/// Prometheus' `chunkenc.XORChunk` stores them, so chunks are interchangeable
/// and bytes per sample are comparable.
///
/// Layout:
/// - a 2-byte big-endian sample count;
/// - sample 1: timestamp as a zig-zag varint, value as 64 raw bits;
/// - sample 2: timestamp delta as an unsigned varint, value XOR-encoded;
/// - later samples: the delta of the timestamp delta ('0' for 0, '10' + 14
///   bits, '110' + 17 bits, '1110' + 20 bits, '1111' + 64 bits), then the value
///   XOR-encoded against the previous one ('0' if equal, '10' + the bits in the
///   previous window of leading and trailing zeros, '11' + 5 bits leading zeros
///   + 6 bits significant count + those bits).
///
/// Values are stored as bit patterns: NaN payloads, -0.0 and the staleness
/// marker (`StaleNaN`) come back bit-exactly. Timestamp arithmetic wraps, so
/// any timestamps round-trip, even a jump from `Int64.min` to `Int64.max`.
public struct XORChunk: Sendable {
    /// The bytes, always complete and ready to store; at least the header.
    private var writer: BitWriter
    /// What `append` needs to continue without decoding. Valid only when
    /// `hasAppender`.
    private var appender = AppendState()
    /// False only for a chunk made from bytes that has not been appended to
    /// yet; the first append decodes once to restore `appender`.
    private var hasAppender: Bool

    /// The appender's memory of the previous sample.
    private struct AppendState: Sendable {
        var count = 0
        var firstT: Int64 = 0
        var t: Int64 = 0
        /// The previous timestamp delta; 0 until the second sample.
        var delta: UInt64 = 0
        /// The previous value's bit pattern.
        var value: UInt64 = 0
        /// The current XOR window; `leading` is 0xff until the first window is written.
        var leading: UInt8 = 0xff
        var trailing: UInt8 = 0
    }

    /// The most samples a chunk holds: the header is 16 bits.
    public static let maxSamples = Int(UInt16.max)

    /// An empty chunk.
    public init() {
        var bytes: [UInt8] = [0, 0]
        bytes.reserveCapacity(128)
        writer = BitWriter(bytes: bytes)
        hasAppender = true
    }

    /// A chunk over stored bytes, as `bytes` returned them.
    ///
    /// Only the header is checked here, so this is O(1); corrupt sample data
    /// shows up as an error from `decode(into:_:)` or the iterator.
    /// Appending to such a chunk decodes it once, and traps if it is corrupt:
    /// decode bytes from an untrusted source before appending to them.
    public init(bytes: [UInt8]) throws(ChunkError) {
        guard bytes.count >= 2 else { throw .tooShort(byteCount: bytes.count) }
        let total = Int(bytes[0]) << 8 | Int(bytes[1])
        // The first sample alone takes at least 1 varint byte and 8 value bytes.
        if total > 0 && bytes.count < 2 + 1 + 8 {
            throw .truncated(sample: 1, of: total, byteCount: bytes.count)
        }
        writer = BitWriter(bytes: bytes)
        hasAppender = false
    }

    /// The encoded bytes, ready to store.
    public var bytes: [UInt8] { writer.bytes }

    /// The number of samples, from the header.
    public var count: Int {
        let bytes = writer.bytes
        return Int(bytes[0]) << 8 | Int(bytes[1])
    }

    /// The first sample's timestamp; nil when the chunk is empty (or, for
    /// stored bytes, when the first sample is corrupt).
    public var minTime: Int64? {
        guard count > 0 else { return nil }
        if hasAppender { return appender.firstT }
        return writer.bytes.withUnsafeBufferPointer { buffer in
            var reader = BitReader(buffer, position: XORDecoder.firstBit)
            guard let t = reader.readVarint(), !reader.isOverrun else { return nil }
            return t
        }
    }

    /// The last sample's timestamp; nil when the chunk is empty (or, for
    /// stored bytes, when they are corrupt). For a chunk made from bytes and
    /// not appended to since, this decodes the chunk.
    public var maxTime: Int64? {
        guard count > 0 else { return nil }
        if hasAppender { return appender.t }
        return try? decodeToEnd().decoder.t
    }

    /// Appends a sample. The caller guarantees `t > maxTime`; the encoding
    /// itself round-trips any timestamps. Traps when the chunk already holds
    /// `maxSamples`.
    public mutating func append(_ t: Int64, _ v: Double) {
        if !hasAppender { restoreAppender() }
        var state = appender
        let n = state.count
        precondition(n < Self.maxSamples, "XORChunk holds at most \(Self.maxSamples) samples")
        assert(n == 0 || t > state.t, "XORChunk.append: timestamps must increase")

        let bits = v.bitPattern
        let header = UInt16(truncatingIfNeeded: n + 1)
        var delta: UInt64 = 0
        switch n {
        case 0:
            writer.writeVarint(t)
            writer.write(bits, bits: 64, header: header)
            state.firstT = t
        case 1:
            delta = UInt64(bitPattern: t &- state.t)
            writer.writeUvarint(delta)
            writeValue(bits, &state, prefix: 0, prefixBits: 0, header: header)
        default:
            delta = UInt64(bitPattern: t &- state.t)
            let dod = Int64(bitPattern: delta &- state.delta)
            let field = UInt64(bitPattern: dod)
            if dod == 0 {
                writeValue(bits, &state, prefix: 0, prefixBits: 1, header: header)
            } else if Self.fits(dod, bits: 14) {
                writeValue(bits, &state, prefix: 0b10 << 14 | field & 0x3fff, prefixBits: 16, header: header)
            } else if Self.fits(dod, bits: 17) {
                writeValue(bits, &state, prefix: 0b110 << 17 | field & 0x1ffff, prefixBits: 20, header: header)
            } else if Self.fits(dod, bits: 20) {
                writeValue(bits, &state, prefix: 0b1110 << 20 | field & 0xfffff, prefixBits: 24, header: header)
            } else {
                writer.write(0b1111, bits: 4)
                writer.write(field, bits: 64)
                writeValue(bits, &state, prefix: 0, prefixBits: 0, header: header)
            }
        }
        state.count = n + 1
        state.t = t
        state.delta = delta
        state.value = bits
        appender = state
    }

    /// Whether `x` fits an n-bit delta-of-delta field: -(2^(n-1) - 1)...2^(n-1),
    /// Prometheus' `bitRange`.
    @inline(__always)
    private static func fits(_ x: Int64, bits n: Int64) -> Bool {
        let half: Int64 = 1 << (n - 1)
        return -(half - 1) <= x && x <= half
    }

    /// Writes the value XOR-encoded against the previous one, after the
    /// `prefixBits` low bits of `prefix` (the timestamp's code), in as few
    /// writes as fit in 64 bits.
    @inline(__always)
    private mutating func writeValue(
        _ bits: UInt64, _ state: inout AppendState, prefix: UInt64, prefixBits: Int, header: UInt16
    ) {
        let xor = bits ^ state.value
        let head: UInt64
        let headBits: Int
        let payload: UInt64
        let payloadBits: Int
        if xor == 0 {
            (head, headBits, payload, payloadBits) = (0, 1, 0, 0)
        } else {
            let leading = UInt8(Swift.min(xor.leadingZeroBitCount, 31))  // 5 bits hold at most 31
            let trailing = UInt8(xor.trailingZeroBitCount)
            if state.leading != 0xff && leading >= state.leading && trailing >= state.trailing {
                headBits = 2
                head = 0b10
                payloadBits = 64 - Int(state.leading) - Int(state.trailing)
                payload = xor &>> UInt64(state.trailing)
            } else {
                state.leading = leading
                state.trailing = trailing
                let m = 64 - Int(leading) - Int(trailing)
                headBits = 13
                // 64 significant bits are stored as 0 (the low 6 bits of 64).
                head = 0b11 << 11 | UInt64(leading) << 6 | UInt64(m & 0x3f)
                payloadBits = m
                payload = xor &>> UInt64(trailing)
            }
        }
        let total = prefixBits + headBits + payloadBits
        if total <= 64 {
            // prefix is 0 when prefixBits is 0, so its masked shift is harmless.
            var word = prefix &<< UInt64(headBits + payloadBits)
            word |= head &<< UInt64(payloadBits)
            word |= payload
            writer.write(word, bits: total, header: header)
        } else {
            writer.write(prefix &<< UInt64(headBits) | head, bits: prefixBits + headBits)
            writer.write(payload, bits: payloadBits, header: header)
        }
    }

    /// Decodes all samples without storing them, for the final state.
    private func decodeToEnd() throws(ChunkError) -> (decoder: XORDecoder, bitPosition: Int) {
        let bytes = writer.bytes
        return try bytes.withUnsafeBufferPointer { buffer throws(ChunkError) in
            var reader = BitReader(buffer, position: XORDecoder.firstBit)
            var decoder = XORDecoder(total: Int(bytes[0]) << 8 | Int(bytes[1]), byteCount: bytes.count)
            while decoder.index < decoder.total {
                try decoder.decodeNext(from: &reader)
            }
            return (decoder, reader.position)
        }
    }

    /// Rebuilds the appender state of a chunk made from bytes: decodes it once,
    /// drops any bytes after the last sample and clears the unused bits of the
    /// last byte, which the writer fills in.
    private mutating func restoreAppender() {
        let n = count
        guard n > 0 else {
            writer = BitWriter(bytes: Array(writer.bytes[0..<2]))
            appender = AppendState()
            hasAppender = true
            return
        }
        let firstT = minTime ?? 0
        let end: (decoder: XORDecoder, bitPosition: Int)
        do {
            end = try decodeToEnd()
        } catch {
            preconditionFailure("XORChunk.append: the stored bytes are corrupt (\(error)); decode before appending")
        }
        let position = end.bitPosition
        var bytes = Array(writer.bytes[0..<((position + 7) / 8)])
        let free = (8 - position % 8) % 8
        if free > 0 {
            bytes[bytes.count - 1] &= ~UInt8((1 << free) - 1)
        }
        writer = BitWriter(bytes: bytes, free: free)
        let decoder = end.decoder
        hasAppender = true
        appender = AppendState(
            count: n,
            firstT: firstT,
            t: decoder.t,
            delta: decoder.delta,
            value: decoder.value,
            // One sample has no window yet; later ones keep the decoder's.
            leading: n == 1 ? 0xff : decoder.appenderLeading,
            trailing: n == 1 ? 0 : UInt8(decoder.trailing)
        )
    }

    /// An iterator over the samples in order. It stops early at corrupt data,
    /// and then its `error` says why.
    public func makeIterator() -> XORIterator {
        XORIterator(bytes: writer.bytes)
    }

    /// Appends every sample to the arrays (the fast path queries use).
    ///
    /// On error the arrays are left as they were.
    public func decode(into ts: inout [Int64], _ vs: inout [Double]) throws(ChunkError) {
        try decode(into: &ts, &vs, from: .min, to: .max)
    }

    /// Appends the samples in `lo...hi`, decoding no further than the first one after `hi`:
    /// a query's window over the chunk being appended to, without a scratch copy of the rest.
    ///
    /// On error the arrays are left as they were.
    public func decode(into ts: inout [Int64], _ vs: inout [Double], from lo: Int64, to hi: Int64) throws(ChunkError) {
        let bytes = writer.bytes
        let total = Int(bytes[0]) << 8 | Int(bytes[1])
        guard total > 0 else { return }
        // Sample 1 takes at least 72 bits and every later one at least 2, so a
        // corrupt header cannot make us grow the arrays beyond what the data
        // could hold. Such a chunk fails to decode: find out where.
        guard total <= 2 + (bytes.count * 8 - 16 - 72) / 2 else {
            _ = try decodeToEnd()
            throw .truncated(sample: total, of: total, byteCount: bytes.count)  // not reached
        }
        let start = ts.count
        let startV = vs.count
        // Grow to the most it can take first, then fill through pointers and cut off the rest:
        // cheaper than appending sample by sample. Grow geometrically, so decoding many chunks
        // into the same arrays stays linear.
        if ts.capacity < start + total { ts.reserveCapacity(Swift.max(start + total, ts.capacity * 2)) }
        if vs.capacity < startV + total { vs.reserveCapacity(Swift.max(startV + total, vs.capacity * 2)) }
        ts.append(contentsOf: repeatElement(0, count: total))
        vs.append(contentsOf: repeatElement(0, count: total))
        var kept = 0
        do {
            try bytes.withUnsafeBufferPointer { buffer throws(ChunkError) in
                try ts.withUnsafeMutableBufferPointer { tOut throws(ChunkError) in
                    try vs.withUnsafeMutableBufferPointer { vOut throws(ChunkError) in
                        let t = tOut.baseAddress.unsafelyUnwrapped + start
                        let v = vOut.baseAddress.unsafelyUnwrapped + startV
                        var reader = BitReader(buffer, position: XORDecoder.firstBit)
                        var decoder = XORDecoder(total: total, byteCount: bytes.count)
                        while decoder.index < total {
                            try decoder.decodeNext(from: &reader)
                            if decoder.t > hi { break }
                            if decoder.t < lo { continue }
                            t[kept] = decoder.t
                            v[kept] = Double(bitPattern: decoder.value)
                            kept += 1
                        }
                    }
                }
            }
        } catch {
            ts.removeSubrange(start...)
            vs.removeSubrange(startV...)
            throw error
        }
        if kept < total {
            ts.removeSubrange((start + kept)...)
            vs.removeSubrange((startV + kept)...)
        }
    }
}

extension XORChunk: Sequence {
    public var underestimatedCount: Int { count }
}

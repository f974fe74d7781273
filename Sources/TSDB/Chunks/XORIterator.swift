/// Iterates over an `XORChunk`'s samples. Stops at the end, or at corrupt data
/// with `error` set.
public struct XORIterator: IteratorProtocol, Sendable {
    private let bytes: [UInt8]
    private var decoder: XORDecoder
    private var position = XORDecoder.firstBit
    /// Why iteration stopped before the header's sample count, if it did.
    public private(set) var error: ChunkError?

    init(bytes: [UInt8]) {
        self.bytes = bytes
        decoder = XORDecoder(total: Int(bytes[0]) << 8 | Int(bytes[1]), byteCount: bytes.count)
    }

    public mutating func next() -> (t: Int64, v: Double)? {
        guard decoder.index < decoder.total, error == nil else { return nil }
        let bytes = self.bytes
        var decoder = self.decoder
        var position = self.position
        do {
            try bytes.withUnsafeBufferPointer { buffer throws(ChunkError) in
                var reader = BitReader(buffer, position: position)
                try decoder.decodeNext(from: &reader)
                position = reader.position
            }
        } catch {
            self.error = error
            return nil
        }
        self.decoder = decoder
        self.position = position
        return (decoder.t, Double(bitPattern: decoder.value))
    }
}

/// Why stored chunk bytes could not be decoded: they are truncated or corrupt.
///
/// Sample numbers are 1-based and count from the start of the chunk.
public enum ChunkError: Error, Equatable, CustomStringConvertible {
    /// The bytes cannot even hold the 2-byte sample-count header.
    case tooShort(byteCount: Int)
    /// Sample `sample` of the `of` the header promises runs past the end of
    /// the chunk's `byteCount` bytes.
    case truncated(sample: Int, of: Int, byteCount: Int)
    /// The varint timestamp (sample 1) or timestamp delta (sample 2) is longer
    /// than 10 bytes or overflows 64 bits.
    case varintOverflow(sample: Int)
    /// A value's XOR window claims more than 64 bits.
    case invalidXORWindow(sample: Int, leadingZeros: Int, significantBits: Int)

    public var description: String {
        switch self {
        case .tooShort(let byteCount):
            return "XOR chunk of \(byteCount) byte\(byteCount == 1 ? "" : "s") is too short: "
                + "it needs at least the 2-byte sample count header"
        case .truncated(let sample, let total, let byteCount):
            return "XOR chunk truncated: sample \(sample) of \(total) runs past the end of its \(byteCount) bytes"
        case .varintOverflow(let sample):
            let what = sample == 1 ? "timestamp" : "timestamp delta"
            return "XOR chunk corrupt: sample \(sample): the varint \(what) overflows 64 bits"
        case .invalidXORWindow(let sample, let leadingZeros, let significantBits):
            return "XOR chunk corrupt: sample \(sample): value window of \(leadingZeros) leading zeros "
                + "and \(significantBits) significant bits exceeds 64 bits"
        }
    }
}

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum Prometheus'
/// write log puts on every record.
///
/// Software slicing-by-8: eight 256-entry tables, eight input bytes per step.
/// `checksum("123456789") == 0xE3069283`.
public enum CRC32C {
    /// The reflected Castagnoli polynomial.
    public static let polynomial: UInt32 = 0x82F6_3B78

    /// `tables[k * 256 + b]`: table k of slicing-by-8. Table 0 is the classic bytewise table.
    static let tables: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 8 * 256)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ polynomial : c >> 1 }
            t[i] = c
        }
        for k in 1..<8 {
            for i in 0..<256 {
                let prev = t[(k - 1) * 256 + i]
                t[k * 256 + i] = (prev >> 8) ^ t[Int(prev & 0xff)]
            }
        }
        return t
    }()

    /// The checksum of `bytes`; pass a previous result as `seed` to continue it.
    public static func checksum(_ bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
        guard var p = bytes.baseAddress, !bytes.isEmpty else { return seed }
        var n = bytes.count
        var crc = ~seed
        return tables.withUnsafeBufferPointer { tb in
            let t = tb.baseAddress.unsafelyUnwrapped
            while n >= 8 {
                let w = UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)) ^ UInt64(crc)
                crc = t[7 * 256 + Int(w & 0xff)]
                    ^ t[6 * 256 + Int((w >> 8) & 0xff)]
                    ^ t[5 * 256 + Int((w >> 16) & 0xff)]
                    ^ t[4 * 256 + Int((w >> 24) & 0xff)]
                    ^ t[3 * 256 + Int((w >> 32) & 0xff)]
                    ^ t[2 * 256 + Int((w >> 40) & 0xff)]
                    ^ t[1 * 256 + Int((w >> 48) & 0xff)]
                    ^ t[Int(w >> 56)]
                p += 8
                n -= 8
            }
            while n > 0 {
                crc = (crc >> 8) ^ t[Int((crc ^ UInt32(p.load(as: UInt8.self))) & 0xff)]
                p += 1
                n -= 1
            }
            return ~crc
        }
    }

    /// The checksum of a byte sequence (copies it when it is not contiguous).
    public static func checksum(_ bytes: some Sequence<UInt8>, seed: UInt32 = 0) -> UInt32 {
        if let r = bytes.withContiguousStorageIfAvailable({ checksum(UnsafeRawBufferPointer($0), seed: seed) }) {
            return r
        }
        return Array(bytes).withUnsafeBytes { checksum($0, seed: seed) }
    }
}

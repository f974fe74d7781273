/// Little-endian base-128 varints (Go's `binary.PutUvarint` / `PutVarint`).
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func uvarint(_ x: UInt64) {
        var x = x
        while x >= 0x80 { bytes.append(UInt8(x & 0x7f) | 0x80); x >>= 7 }
        bytes.append(UInt8(x))
    }

    mutating func varint(_ x: Int64) { uvarint(UInt64(bitPattern: (x << 1) ^ (x >> 63))) }

    mutating func u32(_ x: UInt32) { for i in 0..<4 { bytes.append(UInt8((x >> (8 * UInt32(i))) & 0xff)) } }

    mutating func u64(_ x: UInt64) { for i in 0..<8 { bytes.append(UInt8((x >> (8 * UInt64(i))) & 0xff)) } }

    mutating func string(_ s: String) {
        uvarint(UInt64(s.utf8.count))
        bytes.append(contentsOf: s.utf8)
    }
}

/// Reads what `ByteWriter` wrote; every read is bounds-checked and throws on truncation.
struct ByteReader {
    let buf: UnsafeRawBufferPointer
    var pos: Int
    let path: String

    init(_ buf: UnsafeRawBufferPointer, at pos: Int = 0, path: String) {
        self.buf = buf
        self.pos = pos
        self.path = path
    }

    func truncated() -> StorageError { .corrupt(path: path, reason: "unexpected end of data at offset \(pos)") }

    mutating func uvarint() throws -> UInt64 {
        var x: UInt64 = 0, shift: UInt64 = 0
        while true {
            guard pos < buf.count, shift < 64 else { throw truncated() }
            let b = buf[pos]
            pos += 1
            x |= UInt64(b & 0x7f) << shift
            if b < 0x80 { return x }
            shift += 7
        }
    }

    mutating func varint() throws -> Int64 {
        let u = try uvarint()
        return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
    }

    mutating func u32() throws -> UInt32 {
        guard pos + 4 <= buf.count else { throw truncated() }
        var x: UInt32 = 0
        for i in 0..<4 { x |= UInt32(buf[pos + i]) << (8 * UInt32(i)) }
        pos += 4
        return x
    }

    mutating func bytes(_ n: Int) throws -> UnsafeRawBufferPointer {
        guard n >= 0, pos + n <= buf.count else { throw truncated() }
        defer { pos += n }
        return UnsafeRawBufferPointer(rebasing: buf[pos..<(pos + n)])
    }

    mutating func string() throws -> String {
        let n = Int(try uvarint())
        return String(decoding: try bytes(n), as: UTF8.self)
    }
}

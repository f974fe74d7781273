import Model

// Payload layouts (the frame around them is in `Frame.swift`). Integers are Go-style
// varints: `uvarint` is LEB128, `varint` is zig-zag then LEB128.
//
//   series:  0x01 { uvarint ref, uvarint n, n × (uvarint len, name bytes, uvarint len, value bytes) }…
//   samples: 0x02 [ uvarint ref₀, varint t₀, { varint ref−prevRef, varint t−t₀, 8 bytes value bits LE }… ]
//
// Samples follow Prometheus' encoding: one base reference and base timestamp per record and
// small deltas per sample (refs against the previous sample, as its V2 encoding does, times
// against the base). Deltas wrap, so any Int64 timestamps and UInt64 refs round-trip.
// An empty samples record is the bare type byte.

/// A record payload that parses as no record (the frame's checksum was fine).
struct WALDecodeError: Error, CustomStringConvertible {
    var description: String
}

extension WALRecord {
    /// Appends the payload to `buf`.
    func encode(into buf: inout [UInt8]) {
        switch self {
        case .series(let series):
            WALRecord.encodeSeries(count: series.count, into: &buf) { series[$0] }
        case .samples(let samples):
            samples.withUnsafeBufferPointer { p in
                WALRecord.encodeSamples(count: p.count, into: &buf) { p[$0] }
            }
        }
    }

    /// Appends a series record's payload; `item(i)` is its i-th series.
    @inline(__always)
    static func encodeSeries(count: Int, into buf: inout [UInt8], _ item: (Int) -> (ref: UInt64, labels: Labels)) {
        buf.append(WALRecordType.series.rawValue)
        for i in 0..<count {
            let s = item(i)
            WALPayloadWriter.putUvarint(&buf, s.ref)
            WALPayloadWriter.putUvarint(&buf, UInt64(s.labels.count))
            for l in s.labels.pairs {
                WALPayloadWriter.putString(&buf, l.name)
                WALPayloadWriter.putString(&buf, l.value)
            }
        }
    }

    /// Appends a samples record's payload; `item(i)` is its i-th sample. The bytes go through a
    /// pointer into room made for the longest encoding (10 + 10 + 8 bytes per sample), then
    /// the unused tail is cut: no capacity check per byte.
    @inline(__always)
    static func encodeSamples(count n: Int, into buf: inout [UInt8], _ item: (Int) -> (ref: UInt64, t: Int64, v: Double)) {
        buf.append(WALRecordType.samples.rawValue)
        guard n > 0 else { return }
        let first = item(0)
        let start = buf.count
        let room = 20 + n * 28
        buf.append(contentsOf: repeatElement(0, count: room))
        let used = buf.withUnsafeMutableBufferPointer { b -> Int in
            let p0 = b.baseAddress.unsafelyUnwrapped + start
            var p = p0
            p = WALPayloadWriter.storeUvarint(p, first.ref)
            p = WALPayloadWriter.storeVarint(p, first.t)
            var prevRef = first.ref
            for i in 0..<n {
                let s = item(i)
                p = WALPayloadWriter.storeVarint(p, Int64(bitPattern: s.ref &- prevRef))
                p = WALPayloadWriter.storeVarint(p, s.t &- first.t)
                UnsafeMutableRawPointer(p).storeBytes(of: s.v.bitPattern.littleEndian, as: UInt64.self)
                p += 8
                prevRef = s.ref
            }
            return p - p0
        }
        buf.removeLast(room - used)
    }

    /// Parses one payload. Never traps on malformed input.
    static func decode(_ payload: UnsafeRawBufferPointer) throws(WALDecodeError) -> WALRecord {
        var d = WALPayloadReader(payload)
        let type = try d.byte()
        switch WALRecordType(rawValue: type) {
        case .series:
            var out: [(ref: UInt64, labels: Labels)] = []
            while !d.isEmpty {
                let ref = try d.uvarint()
                let n = try d.uvarint()
                // Each label takes at least two bytes, so a count beyond that is corrupt.
                guard n <= UInt64(d.remaining / 2) else {
                    throw WALDecodeError(description: "series record: label count \(n) exceeds payload")
                }
                var pairs: [Label] = []
                pairs.reserveCapacity(Int(n))
                for _ in 0..<n {
                    let name = try d.string()
                    let value = try d.string()
                    pairs.append(Label(name: name, value: value))
                }
                out.append((ref, Labels(sorted: pairs)))
            }
            return .series(out)
        case .samples:
            var out: [(ref: UInt64, t: Int64, v: Double)] = []
            if d.isEmpty { return .samples(out) }
            out.reserveCapacity(d.remaining / 10)
            var ref = try d.uvarint()
            let t0 = try d.varint()
            while !d.isEmpty {
                let dref = try d.varint()
                let dt = try d.varint()
                let bits = try d.uint64()
                ref = ref &+ UInt64(bitPattern: dref)
                out.append((ref, t0 &+ dt, Double(bitPattern: bits)))
            }
            return .samples(out)
        case .tombstones, nil:
            throw WALDecodeError(description: "unknown record type \(type)")
        }
    }
}

/// Appends Go-style varints and length-prefixed strings.
enum WALPayloadWriter {
    @inline(__always)
    static func putUvarint(_ buf: inout [UInt8], _ v: UInt64) {
        var v = v
        while v >= 0x80 {
            buf.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        buf.append(UInt8(v))
    }

    @inline(__always)
    static func putVarint(_ buf: inout [UInt8], _ v: Int64) {
        putUvarint(&buf, UInt64(bitPattern: (v << 1) ^ (v >> 63)))
    }

    /// `putUvarint` into memory with room for 10 bytes; returns the position after the varint.
    /// (Not an overload of it: `&buf` would convert to the pointer and pick this one.)
    @inline(__always)
    static func storeUvarint(_ p: UnsafeMutablePointer<UInt8>, _ v: UInt64) -> UnsafeMutablePointer<UInt8> {
        var v = v, p = p
        while v >= 0x80 {
            p.pointee = UInt8(truncatingIfNeeded: v) | 0x80
            p += 1
            v >>= 7
        }
        p.pointee = UInt8(v)
        return p + 1
    }

    @inline(__always)
    static func storeVarint(_ p: UnsafeMutablePointer<UInt8>, _ v: Int64) -> UnsafeMutablePointer<UInt8> {
        storeUvarint(p, UInt64(bitPattern: (v << 1) ^ (v >> 63)))
    }

    static func putString(_ buf: inout [UInt8], _ s: String) {
        putUvarint(&buf, UInt64(s.utf8.count))
        buf.append(contentsOf: s.utf8)
    }
}

/// A bounds-checked cursor over a payload.
struct WALPayloadReader {
    private let base: UnsafeRawPointer?
    private var pos: Int
    private let end: Int

    init(_ bytes: UnsafeRawBufferPointer) {
        base = bytes.baseAddress
        pos = 0
        end = bytes.count
    }

    var isEmpty: Bool { pos >= end }
    var remaining: Int { end - pos }

    mutating func byte() throws(WALDecodeError) -> UInt8 {
        guard pos < end, let base else { throw WALDecodeError(description: "unexpected end of record") }
        defer { pos += 1 }
        return base.load(fromByteOffset: pos, as: UInt8.self)
    }

    @inline(__always)
    mutating func uvarint() throws(WALDecodeError) -> UInt64 {
        guard let base else { throw WALDecodeError(description: "unexpected end of record") }
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while pos < end {
            let b = base.load(fromByteOffset: pos, as: UInt8.self)
            pos += 1
            if b < 0x80 {
                if shift == 63 && b > 1 { throw WALDecodeError(description: "varint overflows 64 bits") }
                return result | (UInt64(b) << shift)
            }
            result |= UInt64(b & 0x7f) << shift
            shift += 7
            if shift > 63 { throw WALDecodeError(description: "varint overflows 64 bits") }
        }
        throw WALDecodeError(description: "unexpected end of record inside a varint")
    }

    @inline(__always)
    mutating func varint() throws(WALDecodeError) -> Int64 {
        let u = try uvarint()
        return Int64(bitPattern: u >> 1) ^ -Int64(bitPattern: u & 1)
    }

    @inline(__always)
    mutating func uint64() throws(WALDecodeError) -> UInt64 {
        guard end - pos >= 8, let base else { throw WALDecodeError(description: "unexpected end of record inside a value") }
        defer { pos += 8 }
        return UInt64(littleEndian: base.loadUnaligned(fromByteOffset: pos, as: UInt64.self))
    }

    mutating func string() throws(WALDecodeError) -> String {
        let n = try uvarint()
        guard n <= UInt64(end - pos), let base else {
            throw WALDecodeError(description: "string of \(n) bytes exceeds record")
        }
        let s = String(decoding: UnsafeRawBufferPointer(start: base + pos, count: Int(n)), as: UTF8.self)
        pos += Int(n)
        return s
    }
}

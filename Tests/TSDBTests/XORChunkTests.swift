import Model
import PromQLTesting
import Testing

import TSDB

// MARK: - Helpers (fileprivate: other files in this target may define similar names)

/// A sample compared by bit pattern, so NaN payloads, -0.0 and the staleness
/// marker must survive exactly.
private struct BitSample: Equatable, CustomStringConvertible {
    var t: Int64
    var bits: UInt64
    init(_ t: Int64, _ v: Double) { self.t = t; self.bits = v.bitPattern }
    init(t: Int64, bits: UInt64) { self.t = t; self.bits = bits }
    var v: Double { Double(bitPattern: bits) }
    var description: String { "(\(t), 0x\(String(bits, radix: 16)))" }
}

private func makeChunk(_ samples: [BitSample]) -> XORChunk {
    var chunk = XORChunk()
    for s in samples { chunk.append(s.t, s.v) }
    return chunk
}

private func iterate(_ chunk: XORChunk) -> (samples: [BitSample], error: ChunkError?) {
    var it = chunk.makeIterator()
    var out: [BitSample] = []
    while let s = it.next() { out.append(BitSample(s.t, s.v)) }
    return (out, it.error)
}

private func decodeAll(_ chunk: XORChunk) throws(ChunkError) -> [BitSample] {
    var ts: [Int64] = []
    var vs: [Double] = []
    try chunk.decode(into: &ts, &vs)
    return zip(ts, vs).map { BitSample($0, $1) }
}

/// An independent, deliberately naive encoder (a bit at a time) of the same
/// format, written from the description, to pin the exact bytes.
private func referenceEncode(_ samples: [BitSample]) -> [UInt8] {
    var bits: [Bool] = []
    func put(_ v: UInt64, _ n: Int) {
        for i in stride(from: n - 1, through: 0, by: -1) { bits.append((v >> UInt64(i)) & 1 == 1) }
    }
    func putUvarint(_ x: UInt64) {
        var x = x
        while x >= 0x80 { put(x & 0x7f | 0x80, 8); x >>= 7 }
        put(x, 8)
    }
    func fits(_ x: Int64, _ n: Int) -> Bool { -((1 << (n - 1)) - 1) <= x && x <= 1 << (n - 1) }
    var prevT: Int64 = 0, prevDelta: UInt64 = 0, prevV: UInt64 = 0
    var leading = -1, trailing = 0
    for (i, s) in samples.enumerated() {
        if i == 0 {
            putUvarint(UInt64(bitPattern: (s.t << 1) ^ (s.t >> 63)))
            put(s.bits, 64)
        } else {
            let delta = UInt64(bitPattern: s.t &- prevT)
            if i == 1 {
                putUvarint(delta)
            } else {
                let dod = Int64(bitPattern: delta &- prevDelta)
                let u = UInt64(bitPattern: dod)
                if dod == 0 { put(0, 1) }
                else if fits(dod, 14) { put(0b10, 2); put(u, 14) }
                else if fits(dod, 17) { put(0b110, 3); put(u, 17) }
                else if fits(dod, 20) { put(0b1110, 4); put(u, 20) }
                else { put(0b1111, 4); put(u, 64) }
            }
            prevDelta = delta
            let x = s.bits ^ prevV
            if x == 0 {
                put(0, 1)
            } else {
                put(1, 1)
                let lz = min(x.leadingZeroBitCount, 31)
                let tz = x.trailingZeroBitCount
                if leading >= 0 && lz >= leading && tz >= trailing {
                    put(0, 1)
                    put(x >> UInt64(trailing), 64 - leading - trailing)
                } else {
                    leading = lz
                    trailing = tz
                    put(1, 1)
                    put(UInt64(lz), 5)
                    put(UInt64(64 - lz - tz), 6)
                    put(x >> UInt64(tz), 64 - lz - tz)
                }
            }
        }
        prevT = s.t
        prevV = s.bits
    }
    var bytes: [UInt8] = [UInt8(samples.count >> 8), UInt8(samples.count & 0xff)]
    for start in stride(from: 0, to: bits.count, by: 8) {
        var byte: UInt8 = 0
        for j in 0..<8 where start + j < bits.count && bits[start + j] { byte |= 0x80 >> UInt8(j) }
        bytes.append(byte)
    }
    return bytes
}

/// Checks every way of reading `samples` back, bit-exactly.
private func expectRoundTrip(_ samples: [BitSample], sourceLocation: SourceLocation = #_sourceLocation) throws {
    let chunk = makeChunk(samples)
    #expect(chunk.count == samples.count, sourceLocation: sourceLocation)
    #expect(chunk.minTime == samples.first?.t, sourceLocation: sourceLocation)
    #expect(chunk.maxTime == samples.last?.t, sourceLocation: sourceLocation)
    #expect(chunk.bytes == referenceEncode(samples), "bytes differ from the reference encoder", sourceLocation: sourceLocation)

    let iterated = iterate(chunk)
    #expect(iterated.samples == samples, "makeIterator", sourceLocation: sourceLocation)
    #expect(iterated.error == nil, sourceLocation: sourceLocation)
    #expect(try decodeAll(chunk) == samples, "decode(into:)", sourceLocation: sourceLocation)

    // decode(into:) appends after what is already there.
    var ts: [Int64] = [7]
    var vs: [Double] = [8]
    try chunk.decode(into: &ts, &vs)
    #expect(ts.count == samples.count + 1 && ts.first == 7 && vs.first == 8, sourceLocation: sourceLocation)

    // From stored bytes: same samples, same times.
    let stored = try XORChunk(bytes: chunk.bytes)
    #expect(stored.count == samples.count, sourceLocation: sourceLocation)
    #expect(stored.minTime == samples.first?.t, sourceLocation: sourceLocation)
    #expect(stored.maxTime == samples.last?.t, sourceLocation: sourceLocation)
    #expect(try decodeAll(stored) == samples, "decode(into:) from stored bytes", sourceLocation: sourceLocation)

    // Appending to a chunk made from stored bytes continues exactly as an
    // uninterrupted appender would.
    for split in Set([0, 1, 2, samples.count / 2, samples.count - 1]) where (0..<samples.count).contains(split) {
        var resumed = try XORChunk(bytes: makeChunk(Array(samples[..<split])).bytes)
        for s in samples[split...] { resumed.append(s.t, s.v) }
        #expect(resumed.bytes == chunk.bytes, "resumed after \(split) samples", sourceLocation: sourceLocation)
    }
}

/// Timestamps from a start and successive deltas-of-deltas.
private func timestamps(start: Int64, firstDelta: Int64, dods: [Int64]) -> [Int64] {
    var ts = [start, start + firstDelta]
    var delta = firstDelta
    for dod in dods {
        delta += dod
        ts.append(ts.last! + delta)
    }
    return ts
}

private let staleBits = StaleNaN.bits
private let normalNaNBits: UInt64 = 0x7ff8_0000_0000_0001

// MARK: - Hand-picked sequences

struct XORCase: CustomTestStringConvertible, Sendable {
    let name: String
    let samples: [(t: Int64, bits: UInt64)]
    var testDescription: String { name }

    init(_ name: String, _ samples: [(Int64, Double)]) {
        self.name = name
        self.samples = samples.map { ($0.0, $0.1.bitPattern) }
    }

    init(_ name: String, bits samples: [(Int64, UInt64)]) {
        self.name = name
        self.samples = samples.map { ($0.0, $0.1) }
    }

    static let all: [XORCase] = {
        var cases: [XORCase] = []
        cases.append(XORCase("empty", []))
        cases.append(XORCase("one sample", [(1_000, 1.5)]))
        cases.append(XORCase("two samples", [(1_000, 1.5), (16_000, 2.5)]))
        let equal: [(Int64, Double)] = (0..<50).map { (Int64($0) * 15_000, 42.0) }
        cases.append(XORCase("equal values", equal))
        let nans: [(Int64, UInt64)] = [
            (0, 1.0.bitPattern), (1, normalNaNBits), (2, normalNaNBits), (3, 2.0.bitPattern),
            (4, normalNaNBits), (5, Double.nan.bitPattern), (6, 0x7ff8_dead_beef_0001), (7, 0xfff8_0000_0000_0000),
        ]
        cases.append(XORCase("NaN keeps its payload", bits: nans))
        let infinities: [(Int64, Double)] = [
            (10, .infinity), (20, -.infinity), (30, .infinity), (40, .infinity), (50, 0), (60, -.infinity),
        ]
        cases.append(XORCase("infinities", infinities))
        let zeros: [(Int64, Double)] = [(1, 0.0), (2, -0.0), (3, -0.0), (4, 0.0), (5, -0.0)]
        cases.append(XORCase("signed zero", zeros))
        let stale: [(Int64, UInt64)] = [
            (15_000, 1.0.bitPattern), (30_000, staleBits), (45_000, staleBits), (60_000, 3.0.bitPattern),
            (75_000, staleBits), (90_000, normalNaNBits), (105_000, staleBits),
        ]
        cases.append(XORCase("staleness marker", bits: stale))
        let staleFirst: [(Int64, UInt64)] = [(0, staleBits), (1, staleBits), (2, 1.0.bitPattern)]
        cases.append(XORCase("stale first", bits: staleFirst))
        let huge: [(Int64, Double)] = [
            (.min, 1), (.min + 1, 2), (-1_000_000_000_000, 3), (-1, 4), (0, 5), (1, 6),
            (1_700_000_000_000, 7), (.max - 1, 8), (.max, 9),
        ]
        cases.append(XORCase("huge and negative timestamps", huge))
        let minToMax: [(Int64, Double)] = [(.min, 1), (.max, 2)]
        cases.append(XORCase("from Int64.min to Int64.max in one step", minToMax))
        let maxStep: [(Int64, Double)] = [(.min, 1), (-1, 2), (0, 3)]
        cases.append(XORCase("Int64.min, then a step of Int64.max, then one", maxStep))
        let irregular: [(Int64, Double)] = [
            (0, 1), (15_000, 2), (30_001, 3), (44_998, 4), (60_000, 5), (61_000, 6), (300_000, 7),
            (300_001, 8), (900_000, 9), (900_015, 10),
        ]
        cases.append(XORCase("irregular intervals", irregular))
        let dods: [Int64] = [
            0, 1, -1, 8_191, -8_191, 8_192, -8_192, 8_193,  // 14 bits: -8191...8192
            65_536, -65_535, -65_536, 65_537,                 // 17 bits: -65535...65536
            524_288, -524_287, -524_288, 524_289,             // 20 bits: -524287...524288
            1 << 40, -(1 << 40), 0, 0, 3,                     // 64 bits
        ]
        let bucketTimes = timestamps(start: 1_000_000, firstDelta: 1_000_000_000_000, dods: dods)
        let buckets: [(Int64, Double)] = bucketTimes.enumerated().map { ($0.element, Double($0.offset)) }
        cases.append(XORCase("every delta-of-delta bucket and its edges", buckets))
        let windows: [(Int64, UInt64)] = [
            (0, 0), (1, UInt64.max), (2, 0), (3, UInt64.max), (4, 1), (5, 0), (6, 1 << 63), (7, 3), (8, 0),
        ]
        cases.append(XORCase("value windows: 64 significant bits, more than 31 leading zeros", bits: windows))
        let floats: [(Int64, Double)] = (0..<40).map { (i: Int) -> (Int64, Double) in
            let v: Double = 1.0 / Double(i + 3) + Double(i)
            return (Int64(i) * 10_000, v)
        }
        cases.append(XORCase("full-precision floats", floats))
        return cases
    }()
}

@Suite("XORChunk")
struct XORChunkTests {
    @Test("round trip", arguments: XORCase.all)
    func roundTrip(_ c: XORCase) throws {
        try expectRoundTrip(c.samples.map { BitSample(t: $0.t, bits: $0.bits) })
    }

    /// Bytes worked out by hand from Prometheus' format: this pins both the
    /// reference encoder and the chunk to it.
    @Test("bytes match Prometheus' layout")
    func goldenBytes() throws {
        var chunk = XORChunk()
        chunk.append(1_000, 1.0)
        chunk.append(2_000, 1.0)
        chunk.append(3_000, 2.0)
        chunk.append(4_005, 2.0)
        let expected: [UInt8] = [
            0x00, 0x04,                          // 4 samples
            0xD0, 0x0F,                          // varint(1000): zig-zag 2000
            0x3F, 0xF0, 0, 0, 0, 0, 0, 0,        // 1.0
            0xE8, 0x07,                          // uvarint delta 1000
            // '0' same value | '0' dod 0 | '11' 00001 001011 11111111111 (2.0 xor 1.0)
            // | '10' 00000000000101 (dod 5) | '0' same value
            0x30, 0x97, 0xFF, 0xE0, 0x01, 0x40,
        ]
        #expect(chunk.bytes == expected)
        #expect(try decodeAll(XORChunk(bytes: expected)) == [
            BitSample(1_000, 1), BitSample(2_000, 1), BitSample(3_000, 2), BitSample(4_005, 2),
        ])
    }

    @Test("empty chunk")
    func empty() throws {
        let chunk = XORChunk()
        #expect(chunk.count == 0)
        #expect(chunk.minTime == nil)
        #expect(chunk.maxTime == nil)
        #expect(chunk.bytes == [0, 0])
        #expect(try decodeAll(chunk).isEmpty)
        var it = chunk.makeIterator()
        #expect(it.next() == nil)
    }

    @Test("a chunk is a Sequence of samples")
    func sequence() {
        let chunk = makeChunk([BitSample(1, 10), BitSample(2, 20)])
        var seen: [Int64] = []
        for (t, v) in chunk { seen.append(t); #expect(v == Double(t * 10)) }
        #expect(seen == [1, 2])
    }

    @Test("holds 65535 samples, the most the 16-bit header counts")
    func maxSamples() throws {
        let samples = (0..<XORChunk.maxSamples).map { BitSample(Int64($0) * 1_000 + Int64($0 % 7), Double($0 % 100)) }
        let chunk = makeChunk(samples)
        #expect(chunk.count == 65_535)
        #expect(Array(chunk.bytes.prefix(2)) == [0xff, 0xff])
        #expect(try decodeAll(chunk) == samples)
        #expect(iterate(chunk).samples == samples)
    }

    // MARK: Property test

    @Test("2,000 random sequences round-trip bit-exactly")
    func randomSequences() throws {
        var rng = SplitMix64(state: 0x5EED_0001)
        let specials: [UInt64] = [
            normalNaNBits, staleBits, Double.infinity.bitPattern, (-Double.infinity).bitPattern,
            (-0.0).bitPattern, 0.0.bitPattern, Double.nan.bitPattern, 1,
        ]
        for _ in 0..<2_000 {
            let length = Int.random(in: 1...240, using: &rng)
            var t = Int64.random(in: -(1 << 62)...(1 << 62), using: &rng)
            var v = Double.random(in: -1e6...1e6, using: &rng).bitPattern
            var samples: [BitSample] = []
            let interval = [Int64(1), 1_000, 15_000, 60_000][Int.random(in: 0..<4, using: &rng)]
            for _ in 0..<length {
                samples.append(BitSample(t: t, bits: v))
                // Next timestamp: regular, jittered, or a jump into each dod bucket.
                switch Int.random(in: 0..<10, using: &rng) {
                case 0..<4: t += interval
                case 4..<6: t += max(1, interval + Int64.random(in: -20...20, using: &rng))
                case 6: t += Int64.random(in: 1...100_000, using: &rng)
                case 7: t += Int64.random(in: 1...1_000_000, using: &rng)
                case 8: t += Int64.random(in: 1...(1 << 40), using: &rng)
                default: t += 1
                }
                // Next value: unchanged, a small step, a random float, random bits, or a special.
                switch Int.random(in: 0..<10, using: &rng) {
                case 0..<3: break
                case 3..<5:
                    let previous = Double(bitPattern: v).isFinite ? Double(bitPattern: v) : 0
                    v = (previous + Double(Int.random(in: 0...10, using: &rng))).bitPattern
                case 5: v = Double.random(in: -1e9...1e9, using: &rng).bitPattern
                case 6: v = rng.next()
                default: v = specials[Int.random(in: 0..<specials.count, using: &rng)]
                }
            }
            try expectRoundTrip(samples)
        }
    }

    // MARK: Corrupt input

    @Test("every truncation fails with an error, never a trap")
    func truncations() throws {
        var rng = SplitMix64(state: 0x7A0C)
        var chunks = XORCase.all.map { makeChunk($0.samples.map { BitSample(t: $0.t, bits: $0.bits) }) }
        for _ in 0..<30 {
            var t = Int64.random(in: 0...1_000_000, using: &rng)
            var samples: [BitSample] = []
            for _ in 0..<Int.random(in: 1...150, using: &rng) {
                samples.append(BitSample(t: t, bits: rng.next() & 0xFFFF_FF00_0000_0000))
                t += Int64.random(in: 1...30_000, using: &rng)
            }
            chunks.append(makeChunk(samples))
        }
        for chunk in chunks {
            let full = try decodeAll(chunk)
            let bytes = chunk.bytes
            for length in 0..<bytes.count {
                let cut = Array(bytes[..<length])
                let stored: XORChunk
                do {
                    stored = try XORChunk(bytes: cut)
                } catch {
                    if length < 2 {
                        #expect(error == .tooShort(byteCount: length))
                    } else {
                        guard case .truncated = error else { Issue.record("\(error)"); continue }
                    }
                    continue
                }
                var ts: [Int64] = [], vs: [Double] = []
                #expect(throws: ChunkError.self, "cut to \(length) of \(bytes.count) bytes") {
                    try stored.decode(into: &ts, &vs)
                }
                #expect(ts.isEmpty && vs.isEmpty, "arrays untouched on error")
                let (prefix, error) = iterate(stored)
                #expect(prefix.count < full.count)
                #expect(prefix == Array(full.prefix(prefix.count)), "the iterator yields a prefix")
                guard case .truncated(_, let of, let byteCount)? = error else {
                    Issue.record("expected a truncation error, got \(String(describing: error))")
                    continue
                }
                #expect(of == full.count && byteCount == length)
                _ = stored.minTime
                #expect(stored.maxTime == nil)
            }
        }
    }

    @Test("random and mutated bytes never trap; iterator and decode agree")
    func randomBytes() throws {
        var rng = SplitMix64(state: 0xBAD_BEEF)
        let validSamples: [BitSample] = (0..<100).map { (i: Int) -> BitSample in
            BitSample(Int64(i) * 15_000 + Int64(i % 3), Double(i * i) / 7)
        }
        let valid = makeChunk(validSamples).bytes
        var decodedSome = 0
        for round in 0..<20_000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int.random(in: 0...80, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                // Mostly small plausible counts, sometimes anything.
                if bytes.count >= 2 && round % 4 == 0 { bytes[0] = 0; bytes[1] = UInt8.random(in: 0...20, using: &rng) }
            } else {
                bytes = valid
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    let i = Int.random(in: 0..<bytes.count, using: &rng)
                    bytes[i] ^= 1 << UInt8.random(in: 0...7, using: &rng)
                }
            }
            guard let chunk = try? XORChunk(bytes: bytes) else {
                #expect(bytes.count < 11)
                continue
            }
            _ = chunk.minTime
            _ = chunk.maxTime
            let iterated = iterate(chunk)
            var ts: [Int64] = [], vs: [Double] = []
            do {
                try chunk.decode(into: &ts, &vs)
                decodedSome += 1
                let decoded = zip(ts, vs).map { BitSample($0, $1) }
                #expect(iterated.error == nil)
                #expect(iterated.samples == decoded)
                #expect(decoded.count == chunk.count)
                #expect(chunk.maxTime == decoded.last?.t)
                // Bytes that decode can be appended to.
                if chunk.count < XORChunk.maxSamples, let last = decoded.last, last.t < .max {
                    var grown = chunk
                    grown.append(last.t + 1, 0.25)
                    #expect(try decodeAll(grown) == decoded + [BitSample(last.t + 1, 0.25)])
                }
            } catch {
                #expect(iterated.error == error)
                #expect(ts.isEmpty && vs.isEmpty)
                #expect(iterated.samples.count < chunk.count)
                #expect(!error.description.isEmpty)
            }
        }
        #expect(decodedSome > 100, "the corpus exercises the success path too")
    }

    @Test("errors say where")
    func errorMessages() throws {
        #expect(throws: ChunkError.tooShort(byteCount: 1)) { try XORChunk(bytes: [0]) }
        #expect(ChunkError.tooShort(byteCount: 1).description.contains("1 byte is too short"))
        var chunk = XORChunk()
        for i in 0..<5 { chunk.append(Int64(i) * 15_000, Double(i) * 1.1) }
        let cut = try XORChunk(bytes: Array(chunk.bytes.dropLast(3)))
        var ts: [Int64] = [], vs: [Double] = []
        do {
            try cut.decode(into: &ts, &vs)
            Issue.record("decoded a truncated chunk")
        } catch {
            #expect(error.description.contains("of 5"), "\(error)")
            #expect(error.description.contains("\(chunk.bytes.count - 3) bytes"), "\(error)")
        }
        // A '11' window claiming 31 leading zeros and 64 (stored as 0) significant bits.
        var bad = XORChunk()
        bad.append(0, 0)
        var bytes = bad.bytes  // header, varint 0, 8 value bytes
        bytes[1] = 2
        bytes += [0x01, 0b1111_1110, 0b0000_0000, 0, 0, 0, 0, 0, 0, 0, 0, 0]  // delta 1, '11' 11111 000000
        let corrupt = try XORChunk(bytes: bytes)
        #expect(throws: ChunkError.invalidXORWindow(sample: 2, leadingZeros: 31, significantBits: 64)) {
            try corrupt.decode(into: &ts, &vs)
        }
    }

    // MARK: Compression

    @Test("bytes per sample for realistic series")
    func bytesPerSample() {
        var rng = SplitMix64(state: 0xC0FFEE)
        func measure(_ name: String, jitter: Int64, next: (inout SplitMix64, Double) -> Double) -> Double {
            var bytes = 0, samples = 0
            var v = 0.0
            for chunkIndex in 0..<100 {
                var chunk = XORChunk()
                for i in 0..<120 {  // Prometheus' default: 120 samples (30 min at 15 s) per chunk
                    let offset: Int64 = jitter == 0 ? 0 : Int64.random(in: -jitter...jitter, using: &rng)
                    let t = Int64(chunkIndex * 120 + i) * 15_000 + offset
                    v = next(&rng, v)
                    chunk.append(t, v)
                }
                bytes += chunk.bytes.count
                samples += chunk.count
            }
            let perSample = Double(bytes) / Double(samples)
            print("xor: \(name) \((perSample * 100).rounded() / 100) bytes/sample")
            return perSample
        }
        let counter = measure("counter, regular 15 s", jitter: 0) { rng, v in v + Double(Int.random(in: 0...20, using: &rng)) }
        let jittered = measure("counter, 15 s ±2 ms jitter", jitter: 2) { rng, v in v + Double(Int.random(in: 0...20, using: &rng)) }
        var phase = 0.0
        let gauge = measure("gauge, slowly varying floats", jitter: 0) { rng, _ in
            phase += 0.01
            let noise: Double = Double.random(in: 0...0.001, using: &rng)
            let wave: Double = 0.25 * (phase - phase.rounded(.down))
            return 0.5 + wave + noise
        }
        #expect(counter < 2.0)
        #expect(jittered < 4.5)
        #expect(gauge < 9.0)
    }
}

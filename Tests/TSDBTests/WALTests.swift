#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Model
import Synchronization
import PromQLTesting
import Testing
@testable import TSDB

// MARK: - Helpers

/// A fresh directory under /tmp, removed when the test ends.
private final class WALTempDir {
    let path: String
    init() {
        var template = Array("/tmp/klaxon-wal-XXXXXX".utf8CString)
        let p = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(p != nil, "mkdtemp failed")
        path = String(cString: p!)
    }
    deinit { walRemoveTree(path) }
    func sub(_ name: String) -> String { path + "/" + name }
}

private func walRemoveTree(_ path: String) {
    if WALFiles.isDirectory(path) {
        for name in (try? WALFiles.listDirectory(path)) ?? [] { walRemoveTree(path + "/" + name) }
        rmdir(path)
    } else {
        unlink(path)
    }
}

private func walReadFile(_ path: String) -> [UInt8] {
    let b = ReadBuffer()
    return Array(try! b.load(path))
}

private func walWriteFile(_ path: String, _ bytes: [UInt8]) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    precondition(fd >= 0)
    bytes.withUnsafeBytes { var done = 0; while done < $0.count { done += write(fd, $0.baseAddress! + done, $0.count - done) } }
    close(fd)
}

/// Copies the segment files of `from` into the empty directory `to`.
private func walCopySegments(_ from: String, _ to: String) {
    for seg in try! WALFiles.listSegments(from) { walWriteFile(to + "/" + WALFiles.segmentName(seg), walReadFile(from + "/" + WALFiles.segmentName(seg))) }
}

private func walSegmentPath(_ dir: String, _ i: Int) -> String { dir + "/" + WALFiles.segmentName(i) }

private func walLabels(_ d: [String: String]) -> Labels { Labels(d) }

/// Values that must come back bit-exactly.
private let walAwkwardValues: [Double] = [
    StaleNaN.value, normalNaN, .nan, -.nan, Double(bitPattern: 0x7ff0_0000_dead_beef),
    .infinity, -.infinity, 0.0, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -1.5, 42,
]

/// Opens a WAL and replays it; the usual start.
private func openWAL(_ dir: String, segmentSize: Int = WAL.defaultSegmentSize,
             write: @escaping WALWriteFunction = WALFiles.posixWrite) throws -> (WAL, [WALRecord], ReplayReport) {
    let wal = try WAL(directory: dir, segmentSize: segmentSize, writeFunction: write)
    let (records, report) = try wal.replay()
    return (wal, records, report)
}

// MARK: - CRC32C

@Suite("WAL") struct WALTests {
    @Test("CRC32C known vectors", arguments: [
        (Array("123456789".utf8), UInt32(0xE306_9283)),
        ([], 0),
        (Array("a".utf8), 0xC1D0_4330),
        (Array(repeating: 0, count: 32), 0x8A91_36AA),  // RFC 3720 B.4
        (Array(repeating: 0xff, count: 32), 0x62A8_AB43),
        (Array(0..<32), 0x46DD_794E),
        (Array((0..<32).reversed()), 0x113F_DB5C),
        (Array("The quick brown fox jumps over the lazy dog".utf8), 0x2262_0404),
    ] as [([UInt8], UInt32)])
    func crcVectors(input: [UInt8], expected: UInt32) {
        #expect(CRC32C.checksum(input) == expected)
    }

    @Test("CRC32C slicing-by-8 agrees with the bytewise definition at every length, alignment and split")
    func crcAgreesWithBitwise() {
        func reference(_ bytes: ArraySlice<UInt8>) -> UInt32 {
            var c: UInt32 = 0xffff_ffff
            for b in bytes {
                c ^= UInt32(b)
                for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
            }
            return ~c
        }
        var rng = SplitMix64(state: 7)
        let data = (0..<300).map { _ in UInt8.random(in: 0...255, using: &rng) }
        for start in 0..<9 {
            for end in stride(from: start, through: data.count, by: 7) {
                let slice = data[start..<end]
                let whole = CRC32C.checksum(slice)
                #expect(whole == reference(slice))
                let mid = (start + end) / 2
                #expect(CRC32C.checksum(data[mid..<end], seed: CRC32C.checksum(data[start..<mid])) == whole)
            }
        }
    }

    // MARK: - Round trip

    @Test("round trip across many small segments: stale markers, NaN payloads, ±Inf, negative times, unicode")
    func roundTrip() throws {
        let tmp = WALTempDir()
        let segmentSize = 1024
        var rng = SplitMix64(state: 1)
        var written: [WALRecord] = []
        do {
            let (wal, existing, _) = try openWAL(tmp.path, segmentSize: segmentSize)
            #expect(existing.isEmpty)
            let series: WALRecord = WALRecord.series([
                (ref: 1, labels: walLabels(["__name__": "up", "job": "api"])),
                (ref: 2, labels: walLabels(["__name__": "température", "ville": "Zürich", "emoji": "🔥🚨", "cjk": "警报"])),
                (ref: UInt64.max, labels: walLabels(["__name__": "edge", "quote": "a\"b\\c\n"])),
                (ref: 3, labels: .empty),
            ])
            try wal.log([series])
            written.append(series)
            for batch in 0..<60 {
                var recs: [WALRecord] = []
                for _ in 0..<Int.random(in: 1...3, using: &rng) {
                    var samples: [(ref: UInt64, t: Int64, v: Double)] = []
                    for i in 0..<Int.random(in: 0...12, using: &rng) {
                        let t: Int64 = switch i % 5 {
                        case 0: -Int64(batch) * 1000 - 1
                        case 1: Int64.min
                        case 2: Int64.max
                        default: Int64(batch) * 15000 + Int64(i)
                        }
                        let ref: UInt64 = i % 4 == 3 ? UInt64.max : UInt64.random(in: 1...3, using: &rng)
                        samples.append((ref, t, walAwkwardValues[(batch + i) % walAwkwardValues.count]))
                    }
                    recs.append(.samples(samples))
                }
                try wal.log(recs)
                written += recs
            }
            try wal.close()
        }
        let segments = try WALFiles.listSegments(tmp.path)
        #expect(segments.count >= 3)
        #expect(segments == Array(0..<segments.count))
        for s in segments { #expect(try WALFiles.fileSize(walSegmentPath(tmp.path, s)) <= segmentSize) }

        let (records, report) = try WAL.replay(from: tmp.path)
        #expect(report.damage == nil)
        #expect(report.records == written.count)
        #expect(report.segments == segments)
        #expect(records == written)  // Values compare by bit pattern.
        let stale = records.contains { r in
            if case .samples(let s) = r { return s.contains { StaleNaN.isStale($0.v) } }
            return false
        }
        #expect(stale)
    }

    @Test("a record goes whole to the next segment; a record bigger than a segment is refused")
    func segmentBoundaries() throws {
        let tmp = WALTempDir()
        let (wal, _, _) = try openWAL(tmp.path, segmentSize: 200)
        let rec = WALRecord.samples((0..<10).map { (UInt64($0), Int64($0), 1.0) })  // 9 + 1 + 2 + 10×10 bytes
        try wal.log([rec])
        try wal.log([rec])
        #expect(wal.activeSegment == 1)
        #expect(try WALFiles.fileSize(walSegmentPath(tmp.path, 0)) == 112)
        let huge = WALRecord.samples((0..<50).map { (UInt64($0), Int64($0), 1.0) })
        #expect(throws: WALError.recordTooLarge(path: walSegmentPath(tmp.path, 1), bytes: 512, segmentSize: 200)) {
            try wal.log([huge])
        }
        try wal.close()
        #expect(try WAL.replay(from: tmp.path).records == [rec, rec])
    }

    // MARK: - Damage

    /// Writes `n` records (one per log call) over several segments; returns them and where the last frame starts.
    func writeFixture(_ dir: String, n: Int, segmentSize: Int = 256) throws -> (records: [WALRecord], lastStart: Int) {
        let (wal, _, _) = try openWAL(dir, segmentSize: segmentSize)
        var records: [WALRecord] = [WALRecord.series([(ref: 7, labels: walLabels(["__name__": "x", "v": "é"]))])]
        for i in 1..<n {
            records.append(.samples((0..<(i % 4 + 1)).map { (7, Int64(i * 10 + $0) - 20, $0 == 0 ? StaleNaN.value : Double(i)) }))
        }
        var lastStart = 0
        for r in records {
            let before = wal.activeSegment!
            lastStart = try WALFiles.fileSize(walSegmentPath(dir, before))
            try wal.log([r])
            if wal.activeSegment != before { lastStart = 0 }  // Went whole to a new segment.
        }
        try wal.close()
        return (records, lastStart)
    }

    @Test("torn tail: a cut at every byte of the final record drops exactly that record, and the log stays writable")
    func tornTail() throws {
        let original = WALTempDir()
        let (records, lastStart) = try writeFixture(original.path, n: 12)
        let last = try WALFiles.listSegments(original.path).last!
        #expect(last >= 1)
        let lastBytes = walReadFile(walSegmentPath(original.path, last))
        #expect(lastBytes.count > lastStart + Frame.headerSize)
        let extra = WALRecord.samples([(7, 999, StaleNaN.value)])

        for cut in lastStart..<lastBytes.count {
            let tmp = WALTempDir()
            walCopySegments(original.path, tmp.path)
            walWriteFile(walSegmentPath(tmp.path, last), Array(lastBytes[..<cut]))

            let (wal, got, report) = try openWAL(tmp.path, segmentSize: 256)
            #expect(got == Array(records.dropLast()), "cut at \(cut)")
            if cut == lastStart {
                #expect(report.damage == nil)
            } else {
                let damage = try #require(report.damage, "cut at \(cut)")
                #expect(damage.segment == last && damage.offset == lastStart && damage.deletedSegments.isEmpty)
                #expect(damage.bytesDiscarded == cut - lastStart)
                #expect(damage.reason.hasPrefix("torn record"))
            }
            #expect(try WALFiles.fileSize(walSegmentPath(tmp.path, last)) == lastStart)

            try wal.log([extra])
            try wal.close()
            let (again, report2) = try WAL.replay(from: tmp.path)
            #expect(again == Array(records.dropLast()) + [extra], "cut at \(cut)")
            #expect(report2.damage == nil)
        }
    }

    @Test("corrupt tail: flipping any byte of the final record drops it and reports the discarded bytes")
    func corruptTail() throws {
        let original = WALTempDir()
        let (records, lastStart) = try writeFixture(original.path, n: 12)
        let last = try WALFiles.listSegments(original.path).last!
        let lastBytes = walReadFile(walSegmentPath(original.path, last))
        let frameSize = lastBytes.count - lastStart

        for i in lastStart..<lastBytes.count {
            let tmp = WALTempDir()
            walCopySegments(original.path, tmp.path)
            var bytes = lastBytes
            bytes[i] ^= 0xff
            walWriteFile(walSegmentPath(tmp.path, last), bytes)

            let (wal, got, report) = try openWAL(tmp.path, segmentSize: 256)
            #expect(got == Array(records.dropLast()), "byte \(i) flipped")
            let damage = try #require(report.damage)
            #expect(damage.offset == lastStart && damage.segment == last)
            #expect(report.bytesDiscarded == frameSize)
            if i >= lastStart + Frame.headerSize {
                #expect(damage.reason.hasPrefix("checksum mismatch"), "\(damage.reason)")
            }
            try wal.log([records[1]])
            try wal.close()
            #expect(try WAL.replay(from: tmp.path).records == Array(records.dropLast()) + [records[1]])
        }
    }

    @Test("zero-filled tail (file extended but not written before a crash) is cut off")
    func zeroTail() throws {
        let tmp = WALTempDir()
        let (records, _) = try writeFixture(tmp.path, n: 5, segmentSize: 4096)
        let path = walSegmentPath(tmp.path, 0)
        let good = walReadFile(path)
        walWriteFile(path, good + [UInt8](repeating: 0, count: 4096 - good.count))
        let (got, report) = try WAL.replay(from: tmp.path)
        #expect(got == records)
        #expect(report.damage?.reason == "invalid record kind 0")
        #expect(report.bytesDiscarded == 4096 - good.count)
        #expect(walReadFile(path) == good)
    }

    @Test("corruption in an older segment: replay stops there and drops it and every later segment")
    func middleCorruption() throws {
        let tmp = WALTempDir()
        let (records, _) = try writeFixture(tmp.path, n: 30)
        let segments = try WALFiles.listSegments(tmp.path)
        #expect(segments.count >= 3)
        // Which records are in segment 0?
        let seg0 = walReadFile(walSegmentPath(tmp.path, 0))
        var starts: [Int] = []
        seg0.withUnsafeBytes { b in
            var reader = FrameReader(b)
            while case .frame(_, let off) = reader.next() { starts.append(off) }
        }
        #expect(starts.count >= 3)
        var bytes = seg0
        bytes[starts[2] + Frame.headerSize] ^= 0x01  // Third record's payload.
        walWriteFile(walSegmentPath(tmp.path, 0), bytes)
        var laterSize = 0
        for s in segments.dropFirst() { laterSize += try WALFiles.fileSize(walSegmentPath(tmp.path, s)) }

        let (wal, got, report) = try openWAL(tmp.path, segmentSize: 256)
        #expect(got == Array(records.prefix(2)))
        let damage = try #require(report.damage)
        #expect(damage.segment == 0 && damage.offset == starts[2])
        #expect(damage.deletedSegments == Array(segments.dropFirst()))
        #expect(damage.bytesDiscarded == seg0.count - starts[2] + laterSize)
        #expect(try WALFiles.listSegments(tmp.path) == [0])
        #expect(wal.activeSegment == 0)
        try wal.log([records[5]])
        try wal.close()
        #expect(try WAL.replay(from: tmp.path).records == Array(records.prefix(2)) + [records[5]])
    }

    @Test("decoding mangled payloads throws or succeeds, never traps")
    func decodeRobustness() {
        var rng = SplitMix64(state: 3)
        var buf: [UInt8] = []
        WALRecord.series([(ref: 5, labels: walLabels(["a": "b", "c": "δ"]))]).encode(into: &buf)
        let series = buf
        buf = []
        WALRecord.samples([(1, -5, 1), (300, 7, .nan)]).encode(into: &buf)
        let samples = buf
        for base in [series, samples] {
            for _ in 0..<2000 {
                var b = base
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: b[Int.random(in: 0..<b.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                case 1: b.removeLast(Int.random(in: 0..<b.count, using: &rng))
                default: b += (0..<Int.random(in: 1...12, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                }
                _ = b.withUnsafeBytes { try? WALRecord.decode($0) }
            }
        }
        #expect(samples.withUnsafeBytes { try? WALRecord.decode($0) } == .samples([(1, -5, 1), (300, 7, .nan)]))
    }

    // MARK: - Checkpoint

    @Test("checkpoint keeps live series and recent samples; replay = checkpoint + later segments")
    func checkpoint() throws {
        let tmp = WALTempDir()
        let (wal, _, _) = try openWAL(tmp.path, segmentSize: 300)
        var logged: [(record: WALRecord, segment: Int)] = []
        func log(_ r: WALRecord) throws {
            try wal.log([r])
            logged.append((r, wal.activeSegment!))
        }
        try log(.series((1...10).map { (ref: UInt64($0), labels: walLabels(["__name__": "m", "i": String($0)])) }))
        for t in 0..<40 {
            try log(.samples((1...4).map { (UInt64($0 + t % 7), Int64(t * 100 + $0), t % 9 == 0 ? StaleNaN.value : Double(t)) }))
            if t == 20 { try log(WALRecord.series([(ref: 11, labels: walLabels(["__name__": "late"]))])) }
        }
        let segments = try WALFiles.listSegments(tmp.path)
        #expect(segments.count >= 6)
        let upTo = segments[segments.count / 2]
        let keep: (UInt64) -> Bool = { $0 % 2 == 0 || $0 == 11 }
        let minTime: Int64 = 1500

        func filtered(_ r: WALRecord) -> WALRecord? {
            switch r {
            case .series(let s): let k = s.filter { keep($0.ref) }; return k.isEmpty ? nil : .series(k)
            case .samples(let s): let k = s.filter { $0.t >= minTime }; return k.isEmpty ? nil : .samples(k)
            }
        }
        let expected = logged.compactMap { $0.segment <= upTo ? filtered($0.record) : $0.record }

        #expect(throws: WALError.activeSegment(operation: "checkpoint up to", requested: wal.activeSegment!,
                                               active: wal.activeSegment!)) {
            try wal.checkpoint(upTo: wal.activeSegment!, keepSeries: keep, minTime: minTime)
        }
        let stats = try wal.checkpoint(upTo: upTo, keepSeries: keep, minTime: minTime)
        #expect(stats.checkpoint == upTo)
        #expect(stats.seriesKept == 5 + (logged.first { $0.record == WALRecord.series([(ref: 11, labels: walLabels(["__name__": "late"]))]) }!.segment <= upTo ? 1 : 0))
        #expect(stats.samplesDropped > 0 && stats.samplesKept > 0)
        try wal.truncate(before: upTo + 1)
        #expect(try WALFiles.listSegments(tmp.path).first == upTo + 1)
        #expect(try WALFiles.listDirectory(tmp.path).filter { $0.hasPrefix("checkpoint.") } == [WALFiles.checkpointName(upTo)])
        try wal.close()

        let (wal2, got, report) = try openWAL(tmp.path, segmentSize: 300)
        #expect(report.checkpoint == upTo && report.damage == nil)
        #expect(report.segments.first == upTo + 1)
        #expect(got == expected)

        // A second checkpoint starts from the first, which it then replaces.
        try wal2.log([.samples([(2, 10_000, 1)])])
        let second = try wal2.nextSegment() - 1
        try wal2.checkpoint(upTo: second, keepSeries: { $0 == 2 }, minTime: 3000)
        try wal2.truncate(before: second + 1)
        try wal2.log([.samples([(2, 10_001, StaleNaN.value)])])
        try wal2.close()
        #expect(try WALFiles.listDirectory(tmp.path).filter { $0.hasPrefix("checkpoint.") } == [WALFiles.checkpointName(second)])
        let (final, report3) = try WAL.replay(from: tmp.path)
        #expect(report3.checkpoint == second)
        let expected2 = (expected + [.samples([(2, 10_000, 1)])]).compactMap { r -> WALRecord? in
            switch r {
            case .series(let s): let k = s.filter { $0.ref == 2 }; return k.isEmpty ? nil : .series(k)
            case .samples(let s): let k = s.filter { $0.t >= 3000 }; return k.isEmpty ? nil : .samples(k)
            }
        } + [.samples([(2, 10_001, StaleNaN.value)])]
        #expect(final == expected2)
    }

    @Test("a leftover checkpoint.N.tmp from a crash is ignored by replay")
    func temporaryCheckpointIgnored() throws {
        let tmp = WALTempDir()
        let (records, _) = try writeFixture(tmp.path, n: 4)
        try WALFiles.makeDirectories(tmp.sub("checkpoint.00000000.tmp"))
        walWriteFile(tmp.sub("checkpoint.00000000.tmp/00000000"), [1, 2, 3])
        #expect(try WAL.replay(from: tmp.path).records == records)
    }

    // MARK: - Write failures

    /// Test seam state: `.pass` writes normally, `.full` sends the write to /dev/full (real ENOSPC),
    /// `.halfThenFull` writes half the bytes for real and then fails like a filling disk.
    final class Fault: Sendable {
        enum Mode { case pass, full, halfThenFull, failing }
        let mode = Mutex(Mode.pass)
        var write: WALWriteFunction {
            { fd, bytes, count, offset in
                switch self.mode.withLock({ $0 }) {
                case .pass:
                    return pwrite(fd, bytes, count, off_t(offset))
                case .full:
                    let full = open("/dev/full", O_WRONLY)
                    defer { close(full) }
                    return pwrite(full, bytes, count, off_t(offset))
                case .halfThenFull:
                    self.mode.withLock { $0 = .failing }
                    return pwrite(fd, bytes, count / 2, off_t(offset))
                case .failing:
                    errno = ENOSPC
                    return -1
                }
            }
        }
    }

    @Test("a full disk (/dev/full) throws an error naming the segment and errno; nothing is lost after")
    func fullDisk() throws {
        let tmp = WALTempDir()
        let fault = Fault()
        let (wal, _, _) = try openWAL(tmp.path, segmentSize: 4096, write: fault.write)
        let a = WALRecord.samples([(1, 1, 1)]), b = WALRecord.samples([(1, 2, StaleNaN.value)])
        let c = WALRecord.samples([(1, 3, 3)])
        try wal.log([a])
        let size = try WALFiles.fileSize(walSegmentPath(tmp.path, 0))

        fault.mode.withLock { $0 = .full }
        let error = #expect(throws: WALError.self) { try wal.log([b]) }
        #expect(error == .io(operation: "write", path: walSegmentPath(tmp.path, 0), errno: ENOSPC))
        #expect(error?.description == "write \(walSegmentPath(tmp.path, 0)): No space left on device (errno 28)")
        #expect(try WALFiles.fileSize(walSegmentPath(tmp.path, 0)) == size)

        fault.mode.withLock { $0 = .pass }
        try wal.log([c])
        try wal.close()
        #expect(try WAL.replay(from: tmp.path).records == [a, c])
    }

    @Test("a write that fails half-way is truncated back, so the next record follows the last good one")
    func partialWrite() throws {
        let tmp = WALTempDir()
        let fault = Fault()
        let (wal, _, _) = try openWAL(tmp.path, segmentSize: 4096, write: fault.write)
        let a = WALRecord.series([(ref: 1, labels: walLabels(["__name__": "a"]))])
        let batch: [WALRecord] = (0..<5).map { .samples([(1, Int64($0), Double($0))]) }
        try wal.log([a])
        let size = try WALFiles.fileSize(walSegmentPath(tmp.path, 0))

        fault.mode.withLock { $0 = .halfThenFull }
        #expect(throws: WALError.io(operation: "write", path: walSegmentPath(tmp.path, 0), errno: ENOSPC)) {
            try wal.log(batch)
        }
        #expect(try WALFiles.fileSize(walSegmentPath(tmp.path, 0)) == size)

        fault.mode.withLock { $0 = .pass }
        try wal.log([batch[4]])
        try wal.close()
        let (records, report) = try WAL.replay(from: tmp.path)
        #expect(records == [a, batch[4]])
        #expect(report.damage == nil)
    }

    @Test("errors say where: I/O errors name the file")
    func errorTexts() throws {
        #expect(throws: WALError.invalidSegmentSize(10)) { _ = try WAL(directory: "/tmp/x", segmentSize: 10) }
        let e = #expect(throws: WALError.self) { _ = try WAL(directory: "/proc/klaxon-no-such/wal") }
        #expect(e?.description.hasPrefix("mkdir /proc/klaxon-no-such") == true)
    }
}

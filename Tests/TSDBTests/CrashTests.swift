import Foundation
import Model
import Testing
@testable import TSDB

/// Crash safety with a real process: a child appends and commits, is killed with SIGKILL at
/// random points, and every batch it acknowledged must be there after reopening, with nothing
/// invented.
@Suite(.serialized) struct CrashTests {
    static let binary = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent(".build/debug/klaxon").path

    static let series = 50

    func value(_ s: Int, _ b: Int) -> Double { Double(s) * 1_000_003 + Double(b) }

    @Test func killedWriterLosesNothingAcknowledged() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            Issue.record("build klaxon first (swift build): \(Self.binary) is missing")
            return
        }
        let dir = TestDirectory("klaxon-crash")
        var acked = Set<Int>()
        var rng = SystemRandomNumberGenerator()
        let runs = 25
        for run in 0..<runs {
            let first = run * 100_000
            let p = Process()
            p.executableURL = URL(fileURLWithPath: Self.binary)
            p.arguments = ["tsdb", "crash-test-append", "--storage.path", dir.path,
                           "--series", String(Self.series), "--first", String(first)]
            let out = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            try p.run()
            // Kill after a random number of acknowledgements, at a random moment after it.
            let want = Int.random(in: 0...30, using: &rng)
            var buffer = Data()
            var seen = 0
            let handle = out.fileHandleForReading
            while seen < want {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                buffer.append(chunk)
                seen = buffer.split(separator: UInt8(ascii: "\n")).count
            }
            usleep(UInt32.random(in: 0...3000, using: &rng))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            buffer.append(handle.readDataToEndOfFile())
            for line in String(decoding: buffer, as: UTF8.self).split(separator: "\n") where line.hasPrefix("ack ") {
                acked.insert(Int(line.dropFirst(4))!)
            }

            let db = try DB.open(dir.path)
            let q = try db.querier(mint: .min, maxt: .max)
            let got = try q.select([try LabelMatcher(.equal, "__name__", "crash")], mint: .min, maxt: .max)
            var present: [Int: Int] = [:]
            for s in got {
                let idx = Int(s.labels.get("s"))!
                for (t, v) in zip(s.timestamps, s.values) {
                    let b = Int(t / 1000)
                    #expect(v == value(idx, b), "run \(run): invented value \(v) for series \(idx) batch \(b)")
                    present[b, default: 0] += 1
                }
            }
            for b in acked {
                #expect(present[b] == Self.series, "run \(run): acknowledged batch \(b) has \(present[b] ?? 0) of \(Self.series) samples")
            }
            for (b, n) in present where n != Self.series {
                Issue.record("run \(run): batch \(b) is partial (\(n) samples): a commit must be atomic")
            }
            db.close()
        }
        print("crash test: \(runs) SIGKILLs, \(acked.count) acknowledged batches all present")
        #expect(acked.count > 0)
    }

    /// Truncating the WAL's last segment anywhere inside its final record loses exactly that
    /// commit, never an earlier one, and the store reopens.
    @Test func truncatedWALTailAtEveryOffset() throws {
        let dir = TestDirectory("klaxon-torn")
        let l = Labels(["__name__": "torn"])
        var sizeBefore = 0, sizeAfter = 0
        let walDir = dir.sub("wal")
        func lastSegment() throws -> String {
            let segs = try FileManager.default.contentsOfDirectory(atPath: walDir).filter { $0.allSatisfy(\.isNumber) }.sorted()
            return (walDir as NSString).appendingPathComponent(segs.last!)
        }
        do {
            let db = try DB.open(dir.path)
            for b in 0..<20 {
                let app = db.makeAppender()
                try app.append(l, Int64(b) * 1000, Double(b))
                try app.commit()
            }
            sizeBefore = try FileManager.default.attributesOfItem(atPath: try lastSegment())[.size] as! Int
            let app = db.makeAppender()
            try app.append(l, 20_000, 20)
            try app.commit()
            sizeAfter = try FileManager.default.attributesOfItem(atPath: try lastSegment())[.size] as! Int
            db.close()
        }
        let segment = try lastSegment()
        let full = try Data(contentsOf: URL(fileURLWithPath: segment))
        #expect(sizeAfter > sizeBefore)
        for cut in sizeBefore..<sizeAfter {
            try full.prefix(cut).write(to: URL(fileURLWithPath: segment))
            let db = try DB.open(dir.path)
            let got = try db.querier(mint: .min, maxt: .max).select([try LabelMatcher(.equal, "__name__", "torn")], mint: .min, maxt: .max)
            #expect(got.first?.values.map { $0 } == (0..<20).map(Double.init), "cut at \(cut)")
            // The store accepts the lost sample again and keeps it.
            let app = db.makeAppender()
            try app.append(l, 20_000, 20)
            try app.commit()
            db.close()
            let again = try DB.open(dir.path)
            let back = try again.querier(mint: .min, maxt: .max).select([try LabelMatcher(.equal, "__name__", "torn")], mint: .min, maxt: .max)
            #expect(back.first?.count == 21, "cut at \(cut): append after repair")
            again.close()
        }
    }
}

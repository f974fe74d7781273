import Foundation
import Model
import PromQL
import Testing
@testable import TSDB

@Suite struct DBTests {
    let name = Labels(["__name__": "x", "job": "a"])

    func samples(_ db: DB, _ l: Labels, _ lo: Int64 = .min, _ hi: Int64 = .max) throws -> [Sample] {
        let m = try l.pairs.map { try LabelMatcher(.equal, $0.name, $0.value) }
        let s = try db.querier(mint: lo, maxt: hi).select(m, mint: lo, maxt: hi)
        return s.flatMap { zip($0.timestamps, $0.values).map { Sample(t: $0, v: $1) } }
    }

    @Test func appendCommitQuery() throws {
        let dir = TestDirectory()
        let db = try DB.open(dir.path)
        let app = db.makeAppender()
        for i in 0..<500 { try app.append(name, Int64(i) * 15_000, Double(i)) }
        #expect(try samples(db, name).isEmpty, "nothing is visible before commit")
        try app.commit()
        let got = try samples(db, name)
        #expect(got.count == 500)
        #expect(got.last == Sample(t: 499 * 15_000, v: 499))
        #expect(try samples(db, name, 15_000, 30_000).map(\.v) == [1, 2])
    }

    @Test func outOfOrderAndDuplicatesAreRejectedAndCounted() throws {
        let dir = TestDirectory()
        let db = try DB.open(dir.path)
        let app = db.makeAppender()
        try app.append(name, 1000, 1)
        try app.commit()
        #expect(throws: AppendError.outOfOrder(labels: name, t: 500)) { try app.append(name, 500, 1) }
        #expect(throws: AppendError.duplicateSampleForTimestamp(labels: name, t: 1000)) { try app.append(name, 1000, 2) }
        try app.append(name, 1000, 1)  // the same sample again is accepted and dropped
        try app.commit()
        #expect(db.stats.outOfOrderSamples == 1)
        #expect(db.stats.duplicateSamples == 1)
        #expect(try samples(db, name).count == 1)
    }

    @Test func staleMarkerSurvivesRestartBitExactly() throws {
        let dir = TestDirectory()
        do {
            let db = try DB.open(dir.path)
            let app = db.makeAppender()
            try app.append(name, 1000, 1)
            try app.append(name, 2000, StaleNaN.value)
            try app.append(name, 3000, normalNaN)
            try app.commit()
            db.close()
        }
        let db = try DB.open(dir.path)
        let got = try samples(db, name)
        #expect(got.map(\.v.bitPattern) == [Double(1).bitPattern, StaleNaN.bits, normalNaN.bitPattern])
    }

    @Test func restartReplaysTheWAL() throws {
        let dir = TestDirectory()
        var labels: [Labels] = []
        do {
            let db = try DB.open(dir.path)
            for b in 0..<10 {
                let app = db.makeAppender()
                for s in 0..<50 {
                    let l = Labels(["__name__": "m", "s": String(s)])
                    if b == 0 { labels.append(l) }
                    try app.append(l, Int64(b) * 15_000, Double(b * s))
                }
                try app.commit()
            }
            db.close()
        }
        let db = try DB.open(dir.path)
        #expect(db.stats.headSeries == 50)
        for (s, l) in labels.enumerated() {
            #expect(try samples(db, l).map(\.v) == (0..<10).map { Double($0 * s) })
        }
    }

    @Test func blocksAreCutAndQueriesSpanBlocksAndHead() throws {
        let dir = TestDirectory()
        var opts = DBOptions()
        opts.blockRange = 3_600_000
        let db = try DB.open(dir.path, options: opts)
        let app = db.makeAppender()
        // 4 h at 15 s.
        for i in 0..<960 { try app.append(name, Int64(i) * 15_000, Double(i)) }
        try app.commit()
        let cut = try db.compact()
        #expect(cut.count == 3, "the head spans 4 h with 1 h blocks: cut while ≥ 1.5 h remain")
        #expect(db.blockMetas.map(\.minTime) == [0, 3_600_000, 7_200_000])
        let got = try samples(db, name)
        #expect(got.count == 960)
        #expect(got.map(\.t) == (0..<960).map { Int64($0) * 15_000 })
        db.close()
        // After a restart: the blocks load, the WAL checkpoint holds only the rest.
        let db2 = try DB.open(dir.path, options: opts)
        let again = try samples(db2, name)
        #expect(again.map(\.t) == got.map(\.t))
        #expect(again.map(\.v) == got.map(\.v))
        // Samples that a block already holds are refused.
        #expect(throws: AppendError.outOfBounds(labels: Labels(["__name__": "new"]), t: 1000)) { try db2.makeAppender().append(Labels(["__name__": "new"]), 1000, 1) }
    }

    @Test func queryResultsMatchTheMemoryStore() throws {
        let dir = TestDirectory()
        var opts = DBOptions()
        opts.blockRange = 1_800_000
        let db = try DB.open(dir.path, options: opts)
        let mem = MemoryStore()
        let app = db.makeAppender()
        var rng = SystemRandomNumberGenerator()
        for s in 0..<40 {
            let l = Labels(["__name__": s % 2 == 0 ? "c" : "g", "provider": "p\(s % 5)", "model": "m\(s)"])
            var v = 0.0
            for i in 0..<400 {
                v += Double(Int.random(in: 0...10, using: &rng))
                let t = Int64(i) * 15_000 + Int64.random(in: -200...200, using: &rng)
                try app.append(l, t, v)
                mem.add(l, t, v)
            }
        }
        try app.commit()
        try db.compact()
        #expect(!db.blockMetas.isEmpty)
        let engine = Engine()
        for q in ["sum by (provider) (rate(c[5m]))", "max_over_time(g{provider=~\"p1|p2\"}[10m])",
                  "count({__name__=~\"c|g\", model!=\"m3\"})", "g offset 30m", "increase(c[1h])"] {
            for t in stride(from: Int64(0), through: 6_000_000, by: 700_000) {
                let a = try engine.instantQuery(q, at: t, on: db)
                let b = try engine.instantQuery(q, at: t, on: mem)
                #expect(a == b, "\(q) at \(t)")
            }
        }
    }

    @Test func retentionDeletesWholeOldBlocks() throws {
        let dir = TestDirectory()
        var opts = DBOptions()
        opts.blockRange = 3_600_000
        opts.retentionTime = 2 * 3_600_000
        let db = try DB.open(dir.path, options: opts)
        let app = db.makeAppender()
        for i in 0..<(6 * 240) { try app.append(name, Int64(i) * 15_000, Double(i)) }
        try app.commit()
        try db.compact()
        // Newest data at ~6 h: blocks ending at or before 4 h are gone.
        let newest = Int64(6 * 240 - 1) * 15_000
        #expect(!db.blockMetas.isEmpty)
        #expect(db.blockMetas.allSatisfy { $0.maxTime > newest - opts.retentionTime })
        #expect(try samples(db, name).first!.t >= 3 * 3_600_000)
        let dirs = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { !["wal", "lock", "VERSION"].contains($0) }
        #expect(dirs.count == db.blockMetas.count)
    }

    @Test func sizeRetentionKeepsTheNewestBlocks() throws {
        let dir = TestDirectory()
        var opts = DBOptions()
        opts.blockRange = 3_600_000
        opts.retentionBytes = 1
        let db = try DB.open(dir.path, options: opts)
        let app = db.makeAppender()
        for i in 0..<(4 * 240) { try app.append(name, Int64(i) * 15_000, Double(i)) }
        try app.commit()
        try db.compact()
        #expect(db.blockMetas.isEmpty, "every block is over a 1-byte limit")
    }

    @Test func secondProcessOnTheSameDirectoryIsRefused() throws {
        let dir = TestDirectory()
        let db = try DB.open(dir.path)
        do {
            _ = try DB.open(dir.path)
            Issue.record("expected the lock to refuse a second open")
        } catch let e as StorageError {
            #expect(e == .locked(path: dir.sub("lock")))
            #expect(e.description.contains("another process is using this storage directory"))
        }
        db.close()
        _ = try DB.open(dir.path)  // free again after close
    }

    @Test func newerFormatIsRefused() throws {
        let dir = TestDirectory()
        try "99\n".write(toFile: dir.sub("VERSION"), atomically: true, encoding: .utf8)
        #expect(throws: StorageError.newerFormat(path: dir.sub("VERSION"), found: 99, supported: 1)) {
            _ = try DB.open(dir.path)
        }
    }

    @Test func corruptBlockIndexIsAClearError() throws {
        let dir = TestDirectory()
        var opts = DBOptions()
        opts.blockRange = 3_600_000
        do {
            let db = try DB.open(dir.path, options: opts)
            let app = db.makeAppender()
            for i in 0..<960 { try app.append(name, Int64(i) * 15_000, Double(i)) }
            try app.commit()
            try db.compact()
            db.close()
        }
        let block = try FileManager.default.contentsOfDirectory(atPath: dir.path).first { $0.contains("-") }!
        let index = dir.sub("\(block)/index")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: index))
        bytes[bytes.count / 2] ^= 0xff
        try bytes.write(to: URL(fileURLWithPath: index))
        do {
            _ = try DB.open(dir.path, options: opts)
            Issue.record("expected a corruption error")
        } catch let e as StorageError {
            #expect(e.description.contains("index checksum mismatch"))
            #expect(e.description.contains(index))
        }
    }
}

@Suite struct PostingsTests {
    struct Brute: PostingsIndex {
        var series: [Labels]
        var allPostings: [UInt64] { (0..<UInt64(series.count)).map { $0 } }
        func values(of name: String) -> [String] { Array(Set(series.compactMap { $0[name] })) }
        func postings(_ name: String, _ value: String) -> [UInt64] {
            series.indices.filter { series[$0][name] == value }.map { UInt64($0) }
        }
    }

    /// Matcher combinations through the index equal a scan of every series.
    @Test func indexAgreesWithBruteForce() throws {
        var rng = SystemRandomNumberGenerator()
        let names = ["a", "b", "c"], values = ["", "x", "y", "xy", "z1"]
        for _ in 0..<300 {
            var series: [Labels] = []
            for _ in 0..<Int.random(in: 1...30, using: &rng) {
                var d: [String: String] = ["__name__": ["m", "n"].randomElement(using: &rng)!]
                for n in names { d[n] = values.randomElement(using: &rng)! }
                series.append(Labels(d))
            }
            let idx = Brute(series: series)
            var matchers: [LabelMatcher] = []
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let kind = [LabelMatcher.Kind.equal, .notEqual, .regexMatch, .regexNoMatch].randomElement(using: &rng)!
                let pat = kind == .regexMatch || kind == .regexNoMatch
                    ? ["x.*", "x|y", ".*", ".+", "z[0-9]", ""].randomElement(using: &rng)!
                    : values.randomElement(using: &rng)!
                matchers.append(try LabelMatcher(kind, (names + ["__name__"]).randomElement(using: &rng)!, pat))
            }
            let want = series.indices.filter { matchers.matches(series[$0]) }.map { UInt64($0) }
            #expect(idx.postings(for: matchers) == want, "\(matchers) over \(series)")
        }
    }
}

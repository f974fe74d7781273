import Foundation
import TestSupport
import Model
import Testing
@testable import DryRun

/// Loading recordings (plain and gzip) and replaying them with scrape-side staleness.
@Suite struct ReplayTests {
    static let text = """
        # TYPE a gauge
        a{instance="i1",job="j"} 1 100
        a{instance="i1",job="j"} 2 115
        a{instance="i1",job="j"} 3 130
        # TYPE b gauge
        b{instance="i1",job="j"} 10 100
        b{instance="i1",job="j"} 30 130
        b{instance="i2",job="j"} 5 101
        b{instance="i2",job="j"} 6 116.5
        up{instance="i1",job="j"} 1 100
        up{instance="i1",job="j"} 1 115
        up{instance="i1",job="j"} 1 130
        # EOF

        """

    func load(_ text: String) throws -> Recording {
        let dir = try Paths.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try write(text, to: dir + "/r.om")
        return try Recording.load(path: dir + "/r.om")
    }

    func samples(_ store: MemoryStore, _ name: String, instance: String) throws -> [(Int64, Double)] {
        let q = try store.querier(mint: 0, maxt: .max)
        let sel = try q.select([try LabelMatcher(.equal, "__name__", name), try LabelMatcher(.equal, "instance", instance)], mint: 0, maxt: .max)
        guard let s = sel.first else { return [] }
        return Array(zip(s.timestamps, s.values))
    }

    @Test func loadsSeriesTargetsAndTimes() throws {
        let r = try load(Self.text)
        #expect(r.series.count == 4)
        #expect(r.targets.count == 2)
        #expect(r.sampleCount == 10)
        #expect(r.minTime == 100_000)
        #expect(r.maxTime == 130_000)
    }

    @Test func fastPathAgreesWithTheParser() throws {
        // Same series spelled twice in a row, then again after another series, with odd values.
        let r = try load("""
            x{a="1 2",job="j"} 1e3 1
            x{a="1 2",job="j"} +Inf 2
            y 4 2
            x{a="1 2",job="j"} NaN 3
            x{a="1 2",job="j"} -0.5 3.25
            # EOF

            """)
        #expect(r.series.count == 2)
        #expect(r.sampleValues[0] == 1000)
        #expect(r.sampleValues[1] == .infinity)
        #expect(r.sampleValues[3].isNaN)
        #expect(r.sampleTimes == [1000, 2000, 2000, 3000, 3250])
        #expect(r.series[Int(r.sampleSeries[4])] == Labels(["__name__": "x", "a": "1 2", "job": "j"]))
    }

    @Test(arguments: [
        ("a 1 1\n", "expected \"# EOF\""),
        ("a 1\n# EOF\n", ":1: sample has no timestamp"),
        ("a 1 1\nb{ 2 2\n# EOF\n", ":2: "),
    ])
    func rejectsBadRecordings(text: String, message: String) throws {
        #expect {
            _ = try load(text)
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test func readsGzip() throws {
        let dir = try Paths.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try write(Self.text, to: dir + "/r.om")
        let r = try runProcess("/usr/bin/gzip", ["-k", dir + "/r.om"])
        #expect(r.status == 0)
        let plain = try Recording.load(path: dir + "/r.om")
        let gz = try Recording.load(path: dir + "/r.om.gz")
        #expect(plain.series == gz.series)
        #expect(plain.sampleTimes == gz.sampleTimes)
        #expect(plain.sampleValues == gz.sampleValues)
    }

    @Test func missingSeriesGoStaleAtTheNextScrapeOfTheirTarget() throws {
        var replay = ScrapeReplay(try load(Self.text))
        let store = MemoryStore()
        try replay.append(through: 115_000, to: store)
        #expect(replay.nextTime == 116_500)
        try replay.append(through: .max, to: store)
        // b of i1 was missing from i1's scrape at 115 s: a marker there, then a value again.
        let b1 = try samples(store, "b", instance: "i1")
        #expect(b1.map(\.0) == [100_000, 115_000, 130_000])
        #expect(StaleNaN.isStale(b1[1].1))
        #expect(b1[2].1 == 30)
        // i2's scrapes are its own: its series are not marked by i1's scrapes.
        let b2 = try samples(store, "b", instance: "i2")
        #expect(b2.map(\.1) == [5, 6])
        #expect(replay.staleMarkers == 1)
        #expect(replay.samplesAppended == 10)
    }

    @Test func aFailedScrapeMarksEverySeriesOfTheTarget() throws {
        var replay = ScrapeReplay(try load("""
            a{instance="i",job="j"} 1 0
            a{instance="i",job="j"} 1 30
            c{instance="i",job="j"} 1 0
            c{instance="i",job="j"} 1 30
            up{instance="i",job="j"} 1 0
            up{instance="i",job="j"} 0 15
            up{instance="i",job="j"} 1 30
            # EOF

            """))
        let store = MemoryStore()
        try replay.append(through: .max, to: store)
        for name in ["a", "c"] {
            let s = try samples(store, name, instance: "i")
            #expect(s.map(\.0) == [0, 15_000, 30_000])
            #expect(StaleNaN.isStale(s[1].1))
        }
        #expect(replay.staleMarkers == 2)
    }
}

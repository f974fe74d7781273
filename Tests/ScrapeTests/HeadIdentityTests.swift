import Foundation
import Model
import Testing
@testable import TSDB

/// The head finds a series by the storage of the `Labels` a scrape loop passes every scrape
/// (`Head.byIdentity`); these check that path against the store's plain behaviour. They live
/// with the scrape tests because the scrape cache is what relies on it.
@Suite struct HeadIdentityTests {
    /// Random inserts and removals against a Dictionary.
    @Test func identityMapMatchesADictionary() {
        var rng = SystemRandomNumberGenerator()
        var map = IdentityMap()
        var model: [LabelsIdentity: MemSeries] = [:]
        // Keep every label set alive so that addresses stay unique, as the head's series do.
        var alive: [Labels] = []
        for step in 0..<20_000 {
            if model.isEmpty || Int.random(in: 0..<3, using: &rng) != 0 {
                let l = Labels(sorted: [Label(name: "__name__", value: "m"), Label(name: "i", value: String(step))])
                alive.append(l)
                let key = LabelsIdentity(l)!
                let s = MemSeries(ref: UInt64(step), labels: l)
                map[key] = s
                model[key] = s
            } else {
                let key = model.keys.randomElement(using: &rng)!
                map[key] = nil
                model[key] = nil
            }
            if step % 997 == 0 {
                #expect(map.count == model.count)
                for (k, v) in model { #expect(map[k] === v) }
            }
        }
        for l in alive.prefix(2000) {
            let k = LabelsIdentity(l)!
            #expect(map[k] === model[k])
        }
        #expect(map.count == model.count)
    }

    @Test func sameStorageEqualLabelsAndReplayAllFindOneSeries() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("klaxon-identity-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let kept = Labels(["__name__": "x", "job": "a"])
        do {
            let db = try DB.open(dir)
            for t in 0..<3 {
                let app = db.makeAppender()
                try app.append(kept, Int64(t) * 1000, Double(t))  // the same storage every time
                try app.append(Labels(["__name__": "x", "job": "a"]), Int64(t) * 1000 + 500, Double(t) + 0.5)  // equal, elsewhere
                try app.commit()
            }
            #expect(db.stats.headSeries == 1)
            db.close()
        }
        // After a restart the series comes from the WAL: the caller's labels become its alias.
        let db = try DB.open(dir)
        defer { db.close() }
        for t in 3..<5 {
            let app = db.makeAppender()
            try app.append(kept, Int64(t) * 1000, Double(t))
            try app.commit()
        }
        #expect(db.stats.headSeries == 1)
        let got = try db.querier(mint: 0, maxt: 10_000).select([try LabelMatcher(.equal, "__name__", "x")], mint: 0, maxt: 10_000)
        #expect(got.count == 1)
        #expect(Array(got.first?.values ?? []) == [0, 0.5, 1, 1.5, 2, 2.5, 3, 4])
    }

    /// A series cut into a block and dropped from the head must not be found again by the
    /// storage of its old labels: appending with them creates a new head series.
    @Test func droppedSeriesIsNotFoundByItsOldStorage() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("klaxon-identity-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = try DB.open(dir)
        defer { db.close() }
        let gone = Labels(["__name__": "gone"]), stays = Labels(["__name__": "stays"])
        let hour: Int64 = 3_600_000
        var app = db.makeAppender()
        try app.append(gone, 0, 1)
        try app.append(stays, 0, 1)
        try app.commit()
        for k in 1...4 {
            app = db.makeAppender()
            try app.append(stays, Int64(k) * hour, 2)
            try app.commit()
        }
        try db.compact()
        #expect(db.stats.headSeries == 1, "the head dropped the series whose data went to the block")
        app = db.makeAppender()
        try app.append(gone, 4 * hour + 1000, 7)
        try app.commit()
        #expect(db.stats.headSeries == 2)
        let got = try db.querier(mint: 0, maxt: 5 * hour).select([try LabelMatcher(.equal, "__name__", "gone")], mint: 0, maxt: 5 * hour)
        #expect(got.count == 1)
        #expect(Array(got.first?.values ?? []) == [1, 7])
    }
}

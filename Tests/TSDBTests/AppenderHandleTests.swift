import Foundation
import Model
import Testing
@testable import TSDB

/// The DB appender's fast paths: series handles (`Appender.append(_:_:_:labels:)`), the order
/// checks kept in the series while one appender holds it, and the WAL records encoded straight
/// from the batch. Each must behave as the plain path did.
@Suite struct AppenderHandleTests {
    let a = Labels(["__name__": "h", "s": "a"])
    let b = Labels(["__name__": "h", "s": "b"])

    func values(_ db: DB, _ l: Labels) throws -> [Double] {
        let m = try l.pairs.map { try LabelMatcher(.equal, $0.name, $0.value) }
        return try db.querier(mint: .min, maxt: .max).select(m, mint: .min, maxt: .max).flatMap { Array($0.values) }
    }

    @Test func handlesFindTheSeriesAndSurviveReplay() throws {
        let dir = TestDirectory()
        var ha: AnyObject?, hb: AnyObject?
        do {
            let db = try DB.open(dir.path)
            for i in 0..<5 {
                let app = db.makeAppender()
                let before = (ha, hb)
                try app.append(&ha, Int64(i) * 1000, Double(i)) { a }
                try app.append(&hb, Int64(i) * 1000, Double(10 + i)) { b }
                if i > 0 { #expect(before.0 === ha && before.1 === hb, "a valid handle is kept") }
                try app.commit()
            }
            #expect(ha != nil && hb != nil && ha !== hb)
            #expect(try values(db, a) == [0, 1, 2, 3, 4])
            #expect(try values(db, b) == [10, 11, 12, 13, 14])
            // Order checks hold on the handle path, and errors name the series' labels.
            let app = db.makeAppender()
            #expect(throws: AppendError.outOfOrder(labels: a, t: 500)) { try app.append(&ha, 500, 1) { a } }
            #expect(throws: AppendError.duplicateSampleForTimestamp(labels: a, t: 4000)) { try app.append(&ha, 4000, 9) { a } }
            try app.append(&ha, 4000, 4) { a }  // an exact repeat is dropped
            try app.commit()
            #expect(db.stats.outOfOrderSamples == 1 && db.stats.duplicateSamples == 1)
            db.close()
        }
        // Series and samples records written from the batch replay into the same data.
        let db = try DB.open(dir.path)
        defer { db.close() }
        #expect(try values(db, a) == [0, 1, 2, 3, 4])
        #expect(try values(db, b) == [10, 11, 12, 13, 14])
        // A handle from another store is not used: the labels are looked up, and the handle replaced.
        let app = db.makeAppender()
        let foreign = ha
        try app.append(&ha, 5000, 5) { a }
        #expect(ha !== foreign)
        try app.commit()
        #expect(try values(db, a) == [0, 1, 2, 3, 4, 5])
    }

    @Test func emptyLabelsAreRejectedWithoutAHandle() throws {
        let dir = TestDirectory()
        let db = try DB.open(dir.path)
        defer { db.close() }
        var h: AnyObject?
        #expect(throws: AppendError.invalidLabels("empty label set")) { try db.makeAppender().append(&h, 1000, 1) { Labels.empty } }
        #expect(throws: AppendError.invalidLabels("empty label set")) { try db.makeAppender().append(Labels.empty, 1000, 1) }
    }

    /// Two open appenders on one series each check against their own uncommitted samples, as
    /// with the former per-batch dictionary.
    @Test func interleavedAppendersKeepTheirOwnOrder() throws {
        let dir = TestDirectory()
        let db = try DB.open(dir.path)
        defer { db.close() }
        let x = db.makeAppender(), y = db.makeAppender()
        try x.append(a, 10_000, 1)
        try y.append(a, 20_000, 2)  // x holds the series: y's sample is kept apart
        #expect(throws: AppendError.outOfOrder(labels: a, t: 5000)) { try x.append(a, 5000, 0) }
        #expect(throws: AppendError.outOfOrder(labels: a, t: 15_000)) { try y.append(a, 15_000, 0) }
        #expect(throws: AppendError.duplicateSampleForTimestamp(labels: a, t: 20_000)) { try y.append(a, 20_000, 3) }
        try x.append(a, 12_000, 1.5)
        try y.append(a, 21_000, 2.5)
        try x.commit()
        // y's hold of its own samples outlives x's commit.
        #expect(throws: AppendError.outOfOrder(labels: a, t: 20_500)) { try y.append(a, 20_500, 0) }
        try y.commit()
        #expect(try values(db, a) == [1, 1.5, 2, 2.5])
        // A third appender now checks against the committed samples.
        let z = db.makeAppender()
        #expect(throws: AppendError.outOfOrder(labels: a, t: 20_000)) { try z.append(a, 20_000, 9) }
        try z.append(a, 22_000, 3)
        try z.commit()
        #expect(try values(db, a) == [1, 1.5, 2, 2.5, 3])
    }

    @Test func rollbackAndReleaseEndTheHold() throws {
        let dir = TestDirectory()
        let db = try DB.open(dir.path)
        defer { db.close() }
        let x = db.makeAppender()
        try x.append(a, 10_000, 1)
        x.rollback()
        let y = db.makeAppender()
        try y.append(a, 5000, 1)  // x's rolled-back sample no longer counts
        try y.commit()
        do {
            let dropped = db.makeAppender()
            try dropped.append(a, 9000, 2)
        }  // released without commit or rollback
        let z = db.makeAppender()
        try z.append(a, 7000, 3)
        try z.commit()
        #expect(try values(db, a) == [1, 3])
        // An appender is reusable after commit: the next batch checks against what it committed.
        #expect(throws: AppendError.outOfOrder(labels: a, t: 6000)) { try z.append(a, 6000, 0) }
        try z.append(a, 8000, 4)
        try z.commit()
        #expect(try values(db, a) == [1, 3, 4])
    }

    /// A series an open appender holds is not dropped by the head truncation after a block is
    /// cut (its batch refers to it unretained): the sample lands, and survives a reopen.
    @Test func heldSeriesSurvivesCompaction() throws {
        let dir = TestDirectory()
        var options = DBOptions()
        options.blockRange = 1000
        do {
            let db = try DB.open(dir.path, options: options)
            let app = db.makeAppender()
            try app.append(a, 100, 1)
            try app.append(b, 100, 10)
            try app.append(b, 1600, 11)
            try app.commit()
            let x = db.makeAppender()
            try x.append(a, 1700, 2)  // `a` has nothing after 100: the truncation would drop it
            #expect(try db.compact().count == 1)
            try x.commit()
            #expect(try values(db, a) == [1, 2])
            db.close()
        }
        let db = try DB.open(dir.path, options: options)
        defer { db.close() }
        #expect(try values(db, a) == [1, 2])
        #expect(try values(db, b) == [10, 11])
    }

    /// The samples record built from the batch is byte for byte what `WALRecord.encode` writes,
    /// including refs going down, negative time deltas and NaN payloads.
    @Test func samplesEncodingMatchesTheRecordEncoder() throws {
        let samples: [(ref: UInt64, t: Int64, v: Double)] = [
            (5, 1_764_000_000_000, 1), (3, 1_764_000_000_000 - 1, -0.0), (1 << 40, .max, StaleNaN.value),
            (0, .min, .infinity), (UInt64.max, 0, Double(bitPattern: 0x7FF8_0000_0000_0001)),
        ]
        var viaRecord: [UInt8] = []
        WALRecord.samples(samples).encode(into: &viaRecord)
        var direct: [UInt8] = [0xAA]
        WALRecord.encodeSamples(count: samples.count, into: &direct) { samples[$0] }
        #expect(Array(direct.dropFirst()) == viaRecord)
        let back = try viaRecord.withUnsafeBytes { try WALRecord.decode($0) }
        #expect(back == .samples(samples))
        let list: [(ref: UInt64, labels: Labels)] = [(7, a), (300, b)]
        var series: [UInt8] = []
        WALRecord.series(list).encode(into: &series)
        let decoded = try series.withUnsafeBytes { try WALRecord.decode($0) }
        #expect(decoded == .series(list))
    }
}

import Model
import PromQL
import Testing
@testable import TSDB

/// What a DB reports as settled (`DB.settledHorizon`), and rule-style evaluations that keep
/// subquery steps on a DB with blocks giving what a store without a horizon gives.
@Suite struct SettledHorizonTests {
    func open(_ dir: TestDirectory, retention: Int64 = 15 * 86_400_000) throws -> DB {
        var o = DBOptions()
        o.retentionTime = retention
        return try DB.open(dir.path, options: o)
    }

    func fill(_ db: DB, _ mem: MemoryStore? = nil, from: Int, through: Int) throws {
        for k in from...through {
            let app = db.makeAppender()
            for g in ["a", "b"] {
                let l = Labels(["__name__": "x", "g": g])
                let v = Double(k * (g == "a" ? 3 : 5) + (k % 7))
                try app.append(l, Int64(k) * 15_000, v)
                mem?.add(l, Int64(k) * 15_000, v)
            }
            try app.commit()
        }
    }

    @Test func theHorizonIsTheEndOfTheBlocks() throws {
        let dir = TestDirectory()
        let db = try open(dir)
        defer { db.close() }
        #expect(db.settledHorizon.time == .min)
        try fill(db, from: 1, through: 4 * 240)  // 4 h
        #expect(try db.compact().count == 1)
        #expect(db.settledHorizon.time == 2 * 3_600_000)
    }

    @Test func anOpenBatchHoldsTheHorizonWhereItStarted() throws {
        let dir = TestDirectory()
        let db = try open(dir)
        defer { db.close() }
        try fill(db, from: 1, through: 4 * 240)
        let early = db.makeAppender()
        try early.append(Labels(["__name__": "late", "g": "new"]), 3_600_000, 1)  // reads minValidTime .min
        _ = try db.compact()
        #expect(db.settledHorizon.time == .min)
        try early.commit()
        #expect(db.settledHorizon.time == 2 * 3_600_000)
    }

    @Test func retentionDeletingABlockChangesTheEpoch() throws {
        let dir = TestDirectory()
        let db = try open(dir, retention: 3 * 3_600_000)
        defer { db.close() }
        try fill(db, from: 1, through: 4 * 240)
        _ = try db.compact()
        let epoch = db.settledHorizon.epoch
        try fill(db, from: 4 * 240 + 1, through: 6 * 240)
        _ = try db.compact()  // cuts 2–4 h; the 0–2 h block is now past retention
        #expect(db.blockMetas.map(\.minTime) == [2 * 3_600_000])
        #expect(db.settledHorizon.epoch != epoch)
    }

    /// As a rule group does: one cache with the group's memo per evaluation, swept after it.
    @Test func keptStepsOnADBGiveWhatAMemoryStoreGives() throws {
        let dir = TestDirectory()
        let db = try open(dir)
        defer { db.close() }
        let mem = MemoryStore()
        try fill(db, mem, from: 1, through: 5 * 240)  // 5 h; blocks 0–2 h and 2–4 h after compaction
        _ = try db.compact()
        #expect(db.settledHorizon.time == 4 * 3_600_000)
        let q = try PromQLParser.parse(
            "sum by (g) (rate(x[5m])) / avg_over_time((sum by (g) (rate(x[5m])))[3h:10m]) and on (g) count_over_time((sum by (g) (rate(x[5m])))[3h:10m]) >= 3")
        let memo = SubqueryStepMemo()
        var t: Int64 = 5 * 3_600_000 - 20 * 60_000
        while t <= 5 * 3_600_000 {
            if t == 5 * 3_600_000 - 10 * 60_000 {
                // A new series with samples far behind the head's newest (accepted: after the blocks).
                let app = db.makeAppender()
                for k in 0..<4 {
                    let l = Labels(["__name__": "x", "g": "late"]), ts = 4 * 3_600_000 + 30 * 60_000 + Int64(k) * 15_000
                    try app.append(l, ts, Double(k * 100))
                    mem.add(l, ts, Double(k * 100))
                }
                try app.commit()
            }
            let kept = try Engine().instantQuery(q, at: t, on: db, sharing: SubexpressionCache(steps: memo))
            memo.sweep()
            let fresh = try Engine().instantQuery(q, at: t, on: mem)
            guard case .vector(let a) = kept, case .vector(let b) = fresh else { Issue.record("not vectors"); return }
            #expect(a.count >= 2)
            #expect(a.map(\.labels) == b.map(\.labels))
            #expect(a.map(\.v.bitPattern) == b.map(\.v.bitPattern), "at \(t)")
            t += 15_000
        }
        #expect(memo.hits > 0)
    }
}

/// A querier made before a cut still sees every sample when it reads after the cut (the
/// block list is read after the head, at each read).
@Suite struct QuerierAcrossACutTests {
    @Test func aCutBetweenMakingAndReadingLosesNothing() throws {
        let dir = TestDirectory()
        let db = try DB.open(dir.path)
        defer { db.close() }
        for k in 1...(4 * 240) {
            let app = db.makeAppender()
            try app.append(Labels(["__name__": "x"]), Int64(k) * 15_000, Double(k))
            try app.commit()
        }
        let q = try db.querier(mint: 0, maxt: 5 * 3_600_000)
        #expect(try db.compact().count == 1)  // 0–2 h moves from the head into a block
        let s = try q.select([try LabelMatcher(.equal, "__name__", "x")], mint: 0, maxt: 5 * 3_600_000)
        #expect(s.count == 1)
        #expect(s.first?.count == 4 * 240)
        #expect(try q.labelValues("__name__", []) == ["x"])
    }
}

/// The head's kept sorted selections stay bounded however many distinct selectors are read.
@Suite struct SortedSelectionBoundTests {
    @Test func manyDistinctSelectorsKeepABoundedNumberOfReferences() throws {
        let dir = TestDirectory()
        let db = try DB.open(dir.path)
        defer { db.close() }
        let app = db.makeAppender()
        for i in 0..<3_000 { try app.append(Labels(["__name__": "x", "i": String(i)]), 1_000, Double(i)) }
        try app.commit()
        let q = try db.querier(mint: 0, maxt: 2_000)
        for k in 0..<300 {
            let s = try q.select([try LabelMatcher(.equal, "__name__", "x"), try LabelMatcher(.notEqual, "i", String(k))], mint: 0, maxt: 2_000)
            #expect(s.count == 2_999)
            #expect(db.head.sortedSelectionsHeld <= 8 * 3_000 + 10_000)
        }
    }
}

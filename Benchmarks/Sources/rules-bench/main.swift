// Rule evaluation benchmark: every rule of rules/*.yml (34 alerting rules in 11 groups) evaluated
// by RuleManager over a store holding the Gatewayz metric set (GatewayzData: 15 providers × 100
// models of every per-model metric) for 6 h at 15 s.
//
//   rules-bench [--rules DIR] [--store memory|tsdb] [--iterations N] [--hours H] [--db PATH]
//               [--at live|past] [--query EXPR]
//
// `--db PATH` (tsdb only) keeps the built DB at PATH and reopens it on the next run instead of
// building it again (2 minutes); without it the DB goes to /tmp and is deleted at the end.
//
// One full evaluation = `RuleManager.evaluate(group:at:)` for all groups at one timestamp. The data
// set is built untimed. Evaluations run as in a running server (`--at live`, the default): at
// consecutive 15 s steps after the data's end, each after an untimed scrape that appends one sample
// per series at its time. `--at past` evaluates inside the data instead (consecutive steps ending at
// t = 6 h, nothing appended but the rules' outputs), as the benchmark did before 2026-11-29 09:00 UTC.
// After the timed evaluations, 3 more run with ordo-one's malloc interposer hooked to count
// allocations. With `--db`, a live run works on a copy of the kept DB, so that the kept one stays
// as built.
// Per-rule times come from a wrapper around the rules' InstantQuerier (the engine call only).

import Foundation
import GatewayzData
import Glibc
import MallocInterposerSwift
import Model
import PromQL
import Rules
import Synchronization
import TSDB

var rulesDir = "../rules"
var storeKind = "memory"
var iterations = 20
var hours = 6.0
var keepDB: String?
var onlyQuery: String?
var live = true
var a = CommandLine.arguments.dropFirst().makeIterator()
while let x = a.next() {
    switch x {
    case "--rules": rulesDir = a.next()!
    case "--store": storeKind = a.next()!
    case "--iterations": iterations = Int(a.next()!)!
    case "--hours": hours = Double(a.next()!)!
    case "--db": keepDB = a.next()!
    case "--query": onlyQuery = a.next()!
    case "--at": live = a.next()! == "live"
    default:
        print("usage: rules-bench [--rules DIR] [--store memory|tsdb] [--iterations N] [--hours H] [--db PATH] [--at live|past] [--query EXPR]")
        exit(2)
    }
}

let clock = ContinuousClock()
func secs(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
func fmt(_ x: Double, _ d: Int = 2) -> String { String(format: "%.\(d)f", x) }
func cpuSeconds() -> Double {
    var u = rusage()
    getrusage(RUSAGE_SELF.rawValue, &u)
    return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6 + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6
}
func rssMB() -> Double {
    let s = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? "0 0"
    return Double(s.split(separator: " ")[1])! * 4096 / 1_048_576
}

final class NullSink: AlertSink {
    let sent = Mutex(0)
    func send(_ alerts: [NotifierAlert]) async { sent.withLock { $0 += alerts.count } }
}

/// Times every engine call, keyed by the expression's text.
final class TimingQuerier: InstantQuerier, @unchecked Sendable {
    let inner: EngineQuerier
    var enabled = false
    var times: [String: (Double, Int)] = [:]
    init(_ inner: EngineQuerier) { self.inner = inner }
    func query(_ expr: Expr, at t: Int64) throws -> [VectorSample] {
        try query(expr, at: t, sharing: nil)
    }
    /// Forwards the group evaluation's subexpression cache, as RuleGroup passes it.
    func query(_ expr: Expr, at t: Int64, sharing cache: SubexpressionCache?) throws -> [VectorSample] {
        guard enabled else { return try inner.query(expr, at: t, sharing: cache) }
        let s = clock.now
        defer {
            let d = secs(clock.now - s)
            let k = "\(expr)"
            let o = times[k] ?? (0, 0)
            times[k] = (o.0 + d, o.1 + 1)
        }
        return try inner.query(expr, at: t, sharing: cache)
    }
}

let step: Int64 = 15_000
let scrapes = Int(hours * 3600 / 15)
let end = Int64(scrapes) * step
let fleet = GatewayzFleet()
let n = fleet.series.count
let extra = [("instance", "gatewayz-api:8000"), ("job", "gatewayz")]
let labels = (0..<n).map { fleet.labels($0, extra: extra) }
print("data set: \(n) series (\(fleet.families.count) families), \(scrapes) samples each (\(fmt(hours, 1)) h at 15 s): \(n * scrapes) samples")

let store: any Queryable & Appendable
let c0 = clock.now
var dbPath: String?
switch storeKind {
case "memory":
    let m = MemoryStore()
    for i in 0..<n {
        for k in 1...scrapes { m.add(labels[i], Int64(k) * step, fleet.value(i, k)) }
    }
    store = m
case "tsdb" where keepDB.map { FileManager.default.fileExists(atPath: $0 + "/built") } == true:
    var p = keepDB!
    if live {
        // Live runs append: they get a copy, deleted at the end.
        p = "/tmp/klaxon-rules-bench-\(getpid())"
        try? FileManager.default.removeItem(atPath: p)
        try FileManager.default.copyItem(atPath: keepDB!, toPath: p)
        dbPath = p
    }
    let db = try DB.open(p)
    let st = db.stats
    print("TSDB reopened from \(keepDB!): head series \(st.headSeries), blocks \(st.blocks) (\(st.blockBytes) bytes)")
    store = db
case "tsdb":
    let p = keepDB ?? "/tmp/klaxon-rules-bench-\(getpid())"
    try? FileManager.default.removeItem(atPath: p)
    if keepDB == nil { dbPath = p }
    let db = try DB.open(p)
    for k in 1...scrapes {
        let app = db.makeAppender()
        for i in 0..<n { try app.append(labels[i], Int64(k) * step, fleet.value(i, k)) }
        try app.commit()
    }
    // As a running server would have it: the older full 2 h ranges cut into blocks, the rest in the head.
    let blocks = try db.compact()
    print("TSDB: appended in \(fmt(secs(clock.now - c0), 1)) s, compacted \(blocks.count) block(s) in total \(fmt(secs(clock.now - c0), 1)) s")
    if keepDB != nil { FileManager.default.createFile(atPath: p + "/built", contents: Data()) }
    let st = db.stats
    print("TSDB at \(p): head series \(st.headSeries), blocks \(st.blocks) (\(st.blockBytes) bytes)")
    store = db
default:
    print("--store memory|tsdb"); exit(2)
}
print("store: \(storeKind), built in \(fmt(secs(clock.now - c0), 1)) s (untimed), RSS \(fmt(rssMB(), 0)) MB")

/// One scrape of every series at `t`, as a running server appends before its rules read.
func scrape(at t: Int64) {
    let app = store.makeAppender()
    let k = Int(t / step)
    for i in 0..<n { try! app.append(labels[i], t, fleet.value(i, k)) }
    try! app.commit()
}

// `--query EXPR`: only that expression, as an instant query at the evaluation times, with what a
// rule group keeps between evaluations (for profiling).
if let q = onlyQuery {
    let expr = try PromQLParser.parse(q)
    let engine = Engine()
    var t = live ? end + step : end - Int64(iterations) * step
    var times: [Double] = []
    var resultCount = 0
    // As a rule group runs it: one cache per evaluation with the group's subquery step memo.
    let memo = SubqueryStepMemo(), plans = GroupPlanMemo(), windows = SelectorWindowMemo()
    _ = try engine.instantQuery(expr, at: t - step, on: store, sharing: SubexpressionCache(steps: memo, plans: plans, windows: windows))
    memo.sweep()
    plans.sweep()
    windows.sweep()
    for _ in 0..<iterations {
        if live { scrape(at: t) }
        let s = clock.now
        let r = try engine.instantQuery(expr, at: t, on: store, sharing: SubexpressionCache(steps: memo, plans: plans, windows: windows))
        memo.sweep()
        plans.sweep()
        windows.sweep()
        times.append(secs(clock.now - s))
        if case .vector(let v) = r { resultCount = v.count }
        t += step
    }
    times.sort()
    print("\(q): min \(fmt(times[0] * 1e3, 2)) ms, median \(fmt(times[times.count / 2] * 1e3, 2)) ms; \(resultCount) series in the last result; selector reads \(windows.reads), \(windows.hits) from kept reads")
    print("times (ms): " + times.map { fmt($0 * 1e3, 1) }.joined(separator: " "))
    exit(0)
}

// Rule names by expression text, to label the per-rule times.
let files = (try FileManager.default.contentsOfDirectory(atPath: rulesDir)).filter { $0.hasSuffix(".yml") }.sorted().map { rulesDir + "/" + $0 }
guard case .success(let loadedGroups) = RuleGroupLoader.load(paths: files, defaultInterval: 60_000, externalLabels: [:], externalURL: "") else {
    print("rule files do not load"); exit(1)
}
var ruleName: [String: String] = [:]
for g in loadedGroups {
    for r in g.rules {
        switch r {
        case .alerting(let x): ruleName["\(x.expr)"] = "\(g.name)/\(x.name)"
        case .recording(let x): ruleName["\(x.expr)"] = "\(g.name)/\(x.name)"
        }
    }
}

let engine = Engine()
let querier = TimingQuerier(EngineQuerier(engine: engine, store: store))
let sink = NullSink()
let first = live ? end + step : end - Int64(iterations + 2 + 3 - 1) * step
let manager = RuleManager(querier: querier, queryable: store, storage: store, sink: sink)
try manager.update(files: files, at: first - 60_000)
let keys = manager.groupKeys
print("rules: \(loadedGroups.reduce(0) { $0 + $1.rules.count }) in \(keys.count) groups from \(files.count) files")

var ts = first
/// Process CPU spent in evaluations (not in the scrapes before them).
var evaluationCPU = 0.0
var firing = 0
@MainActor func fullEvaluation(_ perGroup: inout [GroupKey: Double]) -> Double {
    var total = 0.0
    firing = 0
    if live { scrape(at: ts) }
    let cpuStart = cpuSeconds()
    defer { evaluationCPU += cpuSeconds() - cpuStart }
    for k in keys {
        let s = clock.now
        let alerts = manager.evaluate(group: k, at: ts)
        let d = secs(clock.now - s)
        firing += alerts.count
        perGroup[k, default: 0] += d
        total += d
    }
    ts += step
    return total
}

// Two warm-up evaluations (the second restores `for` state), not in the figures below. The
// first also shows what an evaluation costs before the groups have kept anything (subquery
// steps, groupings), as after a start or a reload.
var scratch: [GroupKey: Double] = [:]
let cold = fullEvaluation(&scratch)
_ = fullEvaluation(&scratch)
print("first full evaluation (nothing kept from an earlier one yet): \(fmt(cold * 1e3, 1)) ms")

querier.enabled = true
var perGroup: [GroupKey: Double] = [:]
var times: [Double] = []
evaluationCPU = 0
for _ in 0..<iterations { times.append(fullEvaluation(&perGroup)) }
let wall = times.reduce(0, +)
let cpu = evaluationCPU
querier.enabled = false
times.sort()
print("\(iterations) full evaluations (\(live ? "live: each after a scrape at its time" : "past: inside the data"), all \(keys.count) groups, t = \(fmt(Double(first + 2 * step) / 3_600_000, 3)) h … \(fmt(Double(ts - step) / 3_600_000, 3)) h, 15 s apart):")
print("  per full evaluation: min \(fmt(times[0] * 1e3, 1)) ms, median \(fmt(times[times.count / 2] * 1e3, 1)) ms, max \(fmt(times.last! * 1e3, 1)) ms")
print("  process CPU in the evaluations: \(fmt(cpu / Double(iterations) * 1e3, 1)) ms per evaluation (wall \(fmt(wall / Double(iterations) * 1e3, 1)) ms)")
print("  alerts returned by the last evaluation: \(firing)")

MallocInterposerSwift.initialize()
var mallocs: [Int] = []
var mbytes: [Int] = []
for _ in 0..<3 {
    MallocInterposerSwift.reset()
    MallocInterposerSwift.hook()
    _ = fullEvaluation(&scratch)
    MallocInterposerSwift.unhook()
    let st = MallocInterposerSwift.getStatistics()
    mallocs.append(st.mallocCount)
    mbytes.append(st.mallocBytesCount)
}
print("  allocations per full evaluation (malloc interposer, 3 evaluations): \(mallocs.map(String.init).joined(separator: ", ")) mallocs; \(mbytes.map { fmt(Double($0) / 1_048_576, 1) }.joined(separator: ", ")) MiB allocated")

print("per group (mean ms per evaluation, share):")
let sum = perGroup.values.reduce(0, +)
for (k, v) in perGroup.sorted(by: { $0.value > $1.value }) {
    print("  \(k.name.padding(toLength: 20, withPad: " ", startingAt: 0)) \(fmt(v / Double(iterations) * 1e3, 2).leftPad(8)) ms  \(fmt(v / sum * 100, 1).leftPad(5)) %")
}
print("per rule (engine time, mean ms per evaluation, share of the full evaluation):")
for (e, v) in querier.times.sorted(by: { $0.value.0 > $1.value.0 }) {
    let name = ruleName[e] ?? ("(template query) " + String(e.prefix(60)))
    print("  \(name.padding(toLength: 52, withPad: " ", startingAt: 0)) \(fmt(v.0 / Double(iterations) * 1e3, 2).leftPad(8)) ms  \(fmt(v.0 / sum * 100, 1).leftPad(5)) %")
}
print("RSS at end: \(fmt(rssMB(), 0)) MB")
if let p = dbPath {
    (store as? DB)?.close()
    try? FileManager.default.removeItem(atPath: p)
}

extension String {
    func leftPad(_ w: Int) -> String { count >= w ? self : String(repeating: " ", count: w - count) + self }
}

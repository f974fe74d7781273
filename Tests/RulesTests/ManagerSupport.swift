import Foundation
import Model
import PromQL
import Synchronization
@testable import Rules

/// A clock tests set and advance by hand.
final class ManualClock: Model.Clock {
    private let t: Mutex<Int64>
    init(_ t: Int64) { self.t = Mutex(t) }
    func now() -> Int64 { t.withLock { $0 } }
    func set(_ v: Int64) { t.withLock { $0 = v } }
    func advance(_ ms: Int64) { t.withLock { $0 += ms } }
}

/// Records every batch the manager sends.
final class RecordingSink: AlertSink {
    private let batches = Mutex<[[NotifierAlert]]>([])
    func send(_ alerts: [NotifierAlert]) async { batches.withLock { $0.append(alerts) } }
    var sent: [[NotifierAlert]] { batches.withLock { $0 } }
}

/// A temporary directory of rule files.
struct RuleDir {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("klaxon-manager-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let p = url.appendingPathComponent(name).path
        try text.write(toFile: p, atomically: true, encoding: .utf8)
        return p
    }
    func remove(_ name: String) throws { try FileManager.default.removeItem(at: url.appendingPathComponent(name)) }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// A MemoryStore-backed manager; `cond` drives the test expressions.
struct ManagerHarness {
    let db: MemoryStore
    let sink = RecordingSink()
    let manager: RuleManager

    init(options: RuleManagerOptions, store: MemoryStore = MemoryStore()) {
        db = store
        manager = RuleManager(options: options, engine: Engine(), store: store, sink: sink)
    }

    func setCond(_ v: Double, at t: Int64, labels: [String: String] = [:]) {
        var l = labels
        l["__name__"] = "cond"
        db.add(Labels(l), t, v)
    }

    /// Last sample of the series named exactly by `labels` at or before `t`.
    func sample(_ labels: [String: String], at t: Int64) -> (t: Int64, v: Double)? {
        let ms = labels.map { try! LabelMatcher(.equal, $0.key, $0.value) }
        guard let q = try? db.querier(mint: .min, maxt: t),
              let s = (try? q.select(ms, mint: .min, maxt: t))?.first(where: { $0.labels == Labels(labels) }),
              let lt = s.timestamps.last, let lv = s.values.last else { return nil }
        return (lt, lv)
    }

    func series(named name: String) -> [Labels] {
        let q = try! db.querier(mint: .min, maxt: .max)
        return try! q.select([try! LabelMatcher(.equal, "__name__", name)], mint: .min, maxt: .max).map(\.labels)
    }
}

extension RuleManager {
    func alertingRule(_ name: String) -> AlertingRule? {
        for g in health() {
            for r in g.rules { if case .alerting(let a) = r.rule, a.name == name { return a } }
        }
        return nil
    }

    func alert(_ name: String) -> Alert? { alertingRule(name)?.active.values.first }
}

let t0: Int64 = 1_700_000_000_000

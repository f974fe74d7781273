import Alerting
import Foundation
import Model
import Testing

/// Shared helpers of the Pipeline* suites.
enum PipelineFixtures {
    static func config(_ yaml: String) throws -> AlertmanagerConfig { try AlertmanagerConfig.parse(yaml) }

    static func alert(_ labels: [String: String], startsAt: Int64? = nil, endsAt: Int64? = nil,
                      annotations: [String: String] = [:]) -> PostableAlert {
        PostableAlert(labels: Labels(labels), annotations: annotations, startsAt: startsAt, endsAt: endsAt)
    }

    /// Deterministic silence ids: `s1`, `s2`, ...
    static func silences() -> Silences {
        let counter = Counter()
        return Silences(makeID: { "s\(counter.next())" })
    }

    static func tempDir() -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("klaxon-pipeline-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func next() -> Int { lock.lock(); defer { lock.unlock() }; n += 1; return n }
}

/// A clock the test sets by hand; `sleep` is never awaited by `step()`-driven tests.
final class ManualClock: PipelineClock, @unchecked Sendable {
    private let lock = NSLock()
    private var t: Int64
    init(_ t: Int64) { self.t = t }
    func now() -> Int64 { lock.lock(); defer { lock.unlock() }; return t }
    func set(_ v: Int64) { lock.lock(); t = v; lock.unlock() }
    func sleep(until deadline: Int64) async throws {
        while now() < deadline { try Task.checkCancellation(); await Task.yield() }
    }
}

/// Records what it is asked to send; answers with `result`.
actor RecordingSender: NotificationSender {
    private(set) var sent: [Alerting.Notification] = []
    var result: DeliveryResult = .delivered
    func setResult(_ r: DeliveryResult) { result = r }
    func send(_ n: Alerting.Notification) async -> DeliveryResult {
        sent.append(n)
        return result
    }
}

extension Alerting.Notification {
    /// `alertname` of each alert with its status, e.g. `["A:firing", "B:resolved"]`.
    var summary: [String] { alerts.map { "\($0.labels.get("alertname")):\($0.status.rawValue)" } }
}

import Foundation
import Synchronization
import Testing
@testable import Alerting
import HTTPClient

/// A sink from `fixtures/notify/sink.py` running as a child process on 127.0.0.1.
/// stdin and stderr are /dev/null; `stop()` kills it with SIGKILL and waits, so
/// `swift test` never hangs on it.
final class NotifySink: @unchecked Sendable {
    let port: Int
    private let process: Process

    static let script = Paths.packageRoot.appendingPathComponent("fixtures/notify/sink.py").path

    init(_ arguments: [String]) throws {
        (process, port) = try startPythonServer(Self.script, arguments, stdin: FileHandle.nullDevice)
    }

    var base: String { "http://127.0.0.1:\(port)" }

    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// The requests recorded under `id`: path, lower-cased headers, body.
    func requests(_ id: String, client: HTTPClient) async throws -> [(path: String, headers: [String: String], body: String)] {
        let resp = try await client.execute(HTTPRequest(url: "\(base)/requests/\(id)"))
        let list = try JSONSerialization.jsonObject(with: Data(resp.body)) as? [[String: Any]] ?? []
        return list.map { ($0["path"] as? String ?? "", $0["headers"] as? [String: String] ?? [:], $0["body"] as? String ?? "") }
    }
}

/// Starts `python3 script arguments…` (stderr to /dev/null) and reads the port it prints on its
/// first line; a child that prints no port is killed.
func startPythonServer(_ script: String, _ arguments: [String], stdin: Any) throws -> (Process, Int) {
    let name = (script as NSString).lastPathComponent
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script] + arguments
    let stdout = Pipe()
    process.standardInput = stdin
    process.standardError = FileHandle.nullDevice
    process.standardOutput = stdout
    try process.run()
    var line = Data()
    while !line.contains(UInt8(ascii: "\n")) {
        let chunk = stdout.fileHandleForReading.availableData
        if chunk.isEmpty { process.waitUntilExit(); throw SinkError("\(name) \(arguments) exited before printing a port") }
        line.append(chunk)
    }
    guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        throw SinkError("\(name) printed no port")
    }
    return (process, port)
}

struct SinkError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// Runs `body` with a fresh HTTP sink and client, stopping the sink afterwards.
func withSink<T>(_ body: (NotifySink, HTTPClient) async throws -> T) async throws -> T {
    let sink = try NotifySink(["http"])
    defer { sink.stop() }
    let client = try HTTPClient()
    defer { client.shutdown() }
    return try await body(sink, client)
}

/// A clock that only moves when the retrier sleeps; records every sleep.
final class FakeSleeper: Sleeper {
    private let state: Mutex<(now: Int64, sleeps: [Duration])>
    init(now: Int64 = 1_000_000) { state = Mutex((now, [])) }
    func now() -> Int64 { state.withLock { $0.now } }
    func sleep(for d: Duration) async throws {
        state.withLock { $0.now += d.milliseconds; $0.sleeps.append(d) }
    }
    var sleeps: [Duration] { state.withLock { $0.sleeps } }
}

enum NotifyFixtures {
    static let dir = Paths.packageRoot.appendingPathComponent("fixtures/notify")

    static func golden(_ name: String) throws -> String {
        try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
    }

    /// 2026-11-28T23:35:47Z.
    static let t0: Int64 = 1_795_908_947_000

    static func alert(_ labels: [String: String], _ annotations: [String: String] = [:], fingerprint: String = "0000000000000001",
                      generatorURL: String = "", resolved: Bool = false, endsAt: Int64? = nil) -> NotificationRequest.Alert {
        NotificationRequest.Alert(labels: labels, annotations: annotations, startsAt: t0, endsAt: endsAt ?? (resolved ? t0 + 60_000 : nil),
                                  generatorURL: generatorURL, fingerprint: fingerprint, isResolved: resolved)
    }

    /// spec §10.1: three HighLoad alerts, the third resolved.
    static let highLoad: NotificationRequest = {
        func a(_ inst: String, _ fp: String, resolved: Bool = false) -> NotificationRequest.Alert {
            alert(["alertname": "HighLoad", "cluster": "c1", "instance": inst, "job": "node", "severity": "warning"],
                  ["summary": "load high on " + inst.split(separator: ":")[0]], fingerprint: fp,
                  generatorURL: "http://prom.example:9090/graph?g0.expr=up&g0.tab=1", resolved: resolved)
        }
        return NotificationRequest(receiver: "web", groupKey: #"{}:{alertname="HighLoad"}"#, groupLabels: ["alertname": "HighLoad"],
                                   alerts: [a("h1:9100", "b6f27a251ef24a84"), a("h2:9100", "7cd2d9dd7097cc2d"), a("h3:9100", "1a2b3c4d5e6f7081", resolved: true)],
                                   externalURL: "http://am.example:9093")
    }()

    /// spec §10.2.
    static let slack = NotificationRequest(
        receiver: "slack", groupKey: #"{}/{team="slack"}:{alertname="SlackTest"}"#, groupLabels: ["alertname": "SlackTest"],
        alerts: [alert(["alertname": "SlackTest", "instance": "i1", "severity": "critical", "team": "slack"])],
        externalURL: "http://am.example:9093")

    /// spec §10.3.
    static func pd(resolved: Bool = false) -> NotificationRequest {
        NotificationRequest(
            receiver: "pd", groupKey: #"{}/{team="pd"}:{alertname="PDTest"}"#, groupLabels: ["alertname": "PDTest"],
            alerts: [alert(["alertname": "PDTest", "instance": "i1", "team": "pd"], ["summary": "pd summary"],
                           generatorURL: "http://prom/graph", resolved: resolved)],
            externalURL: "http://am.example:9093")
    }
}

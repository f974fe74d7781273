import Foundation
import TestSupport
import Testing

// Process helpers for the Alertmanager end-to-end suites (Amtool*, PrometheusSends*, Reload*,
// IncidentScenario*), then the API v2 checks over HTTP against the built binary.


enum E2E {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let klaxon = root.appendingPathComponent(".build/debug/klaxon").path
    static let sinkScript = root.appendingPathComponent("fixtures/notify/sink.py").path

    static func tempDir(_ tag: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("klaxon-\(tag)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func write(_ text: String, to path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    static func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    /// Runs a tool to completion (killed after `timeout` s by coreutils' `timeout`); output through files.
    static func run(_ executable: String, _ args: [String], timeout: Int = 30) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        p.arguments = ["-s", "KILL", String(timeout), executable] + args
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("klaxon-run-\(UUID().uuidString)").path
        FileManager.default.createFile(atPath: base + ".out", contents: nil)
        FileManager.default.createFile(atPath: base + ".err", contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: base + ".out")
            try? FileManager.default.removeItem(atPath: base + ".err")
        }
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: base + ".out"))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: base + ".err"))
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        try out.close()
        try err.close()
        return (p.terminationStatus, read(base + ".out"), read(base + ".err"))
    }

    /// One HTTP request with curl: (status code, body, headers).
    static func http(_ method: String, _ url: String, json: String? = nil) throws -> (code: Int, body: String, headers: String) {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("klaxon-http-\(UUID().uuidString)").path
        defer {
            for s in [".body", ".hdr", ".req"] { try? FileManager.default.removeItem(atPath: base + s) }
        }
        var args = ["-s", "--max-time", "10", "-X", method, "-o", base + ".body", "-D", base + ".hdr", "-w", "%{http_code}"]
        if let json {
            try write(json, to: base + ".req")
            args += ["-H", "Content-Type: application/json", "--data-binary", "@" + base + ".req"]
        }
        let r = try run("/usr/bin/curl", args + [url])
        return (Int(r.out) ?? 0, read(base + ".body"), read(base + ".hdr"))
    }

    static func json(_ text: String) -> Any? { try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) }

    /// Starts `klaxon run` with `args` (plus storage and listen address) and waits until it answers.
    static func startKlaxon(dir: String, _ args: [String]) async throws -> (E2EProcess, Int) {
        try #require(FileManager.default.isExecutableFile(atPath: klaxon), "build the binary first: swift build --product klaxon")
        let port = try freePort()
        let c = E2EProcess()
        c.process.executableURL = URL(fileURLWithPath: klaxon)
        c.process.arguments = ["run", "--storage.path", dir + "/data", "--web.listen-address", "127.0.0.1:\(port)"] + args
        let log = dir + "/klaxon.log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        c.process.standardOutput = h
        c.process.standardError = h
        c.process.standardInput = FileHandle.nullDevice
        try c.process.run()
        let up = try await eventually(60) {
            guard c.process.isRunning else { return true }
            return (try? http("GET", "http://127.0.0.1:\(port)/-/ready").code) == 200
        }
        try #require(up && c.process.isRunning, "klaxon did not start:\n\(read(log))")
        return (c, port)
    }

    /// A minimal `prometheus.yml` with no targets and fast evaluation.
    static func writePrometheusConfig(dir: String, extra: String = "") throws -> String {
        let path = dir + "/prometheus.yml"
        try write("""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            \(extra)
            """, to: path)
        return path
    }

    /// Starts `fixtures/notify/sink.py http`; returns it and its port.
    static func startSink() throws -> (E2EProcess, Int) { try startPython([sinkScript, "http"]) }

    /// The JSON bodies the sink recorded under `id`, oldest first.
    static func sinkBodies(port: Int, id: String) throws -> [[String: Any]] {
        let r = try http("GET", "http://127.0.0.1:\(port)/requests/\(id)")
        guard let list = json(r.body) as? [[String: Any]] else { return [] }
        return list.compactMap { ($0["body"] as? String).flatMap { json($0) as? [String: Any] } }
    }

    /// The raw bodies the sink recorded under `id`.
    static func sinkRawBodies(port: Int, id: String) throws -> [String] {
        let r = try http("GET", "http://127.0.0.1:\(port)/requests/\(id)")
        guard let list = json(r.body) as? [[String: Any]] else { return [] }
        return list.compactMap { $0["body"] as? String }
    }
}

/// Status codes and bodies of the API v2 on the built binary, as Alertmanager 0.25 answers them
/// (each expectation was taken from a live 0.25 server with the same request).
@Suite(.serialized) struct AlertmanagerAPITests {
    @Test func statusCodesAndShapesMatchAlertmanager() async throws {
        let dir = try E2E.tempDir("amapi")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try E2E.write("""
            route:
              receiver: hook
              group_by: [alertname]
            receivers:
              - name: hook
              - name: slack
                slack_configs:
                  - api_url: https://hooks.slack.com/services/T0/B0/SECRETTOKEN
                    channel: '#a'
            """, to: dir + "/am.yml")
        let (klaxon, port) = try await E2E.startKlaxon(dir: dir, ["--config.file", try E2E.writePrometheusConfig(dir: dir),
                                                                  "--alertmanager.config.file", dir + "/am.yml"])
        defer { klaxon.stop() }
        let u = "http://127.0.0.1:\(port)/api/v2"

        // Status: cluster disabled, config with the Slack URL masked, required fields present.
        let status = try E2E.http("GET", u + "/status")
        #expect(status.code == 200)
        #expect(status.body.hasPrefix(#"{"cluster":{"peers":[],"status":"disabled"},"config":{"original":"#), "\(status.body)")
        #expect(!status.body.contains("SECRETTOKEN"), "\(status.body)")
        #expect(status.body.contains("api_url: <secret>"), "\(status.body)")
        let statusJSON = try #require(E2E.json(status.body) as? [String: Any])
        #expect((statusJSON["versionInfo"] as? [String: Any])?["version"] is String)
        #expect(statusJSON["uptime"] is String)

        #expect(try E2E.http("GET", u + "/receivers").body == #"[{"name":"hook"},{"name":"slack"}]"# + "\n")

        // Alerts: validation errors and a stored alert.
        let noLabels = try E2E.http("POST", u + "/alerts", json: "[{}]")
        #expect(noLabels.code == 422)
        #expect(noLabels.body == #"{"code":602,"message":"0.labels in body is required"}"# + "\n")
        let empty = try E2E.http("POST", u + "/alerts", json: #"[{"labels":{}}]"#)
        #expect(empty.code == 400)
        #expect(empty.body == #""at least one label pair required""# + "\n")
        let notArray = try E2E.http("POST", u + "/alerts", json: "{}")
        #expect(notArray.code == 400)
        let ok = try E2E.http("POST", u + "/alerts",
                              json: #"[{"labels":{"alertname":"A","team":"x"},"annotations":{"s":"<b>"},"generatorURL":"http://g/?a=1&b=2"}]"#)
        #expect(ok.code == 200)
        #expect(ok.body.isEmpty)
        let alerts = try E2E.http("GET", u + "/alerts?filter=team%3Dx")
        #expect(alerts.code == 200)
        // Key order of go-swagger's gettableAlert, HTML escaping inside it.
        #expect(alerts.body.hasPrefix(#"[{"annotations":{"s":"\u003cb\u003e"},"endsAt":""#), "\(alerts.body)")
        #expect(alerts.body.contains(#""fingerprint":"#), "\(alerts.body)")
        #expect(alerts.body.contains(#","receivers":[{"name":"hook"}],"startsAt":""#), "\(alerts.body)")
        #expect(alerts.body.contains(#""status":{"inhibitedBy":[],"silencedBy":[],"state":"active"},"updatedAt":""#), "\(alerts.body)")
        #expect(alerts.body.hasSuffix(#""generatorURL":"http://g/?a=1\u0026b=2","labels":{"alertname":"A","team":"x"}}]"# + "\n"),
                "\(alerts.body)")
        #expect(try E2E.http("GET", u + "/alerts?filter=team%3Dy").body == "[]\n")
        let badFilter = try E2E.http("GET", u + "/alerts?filter=bad~x")
        #expect(badFilter.code == 400)
        #expect(badFilter.body == #""bad matcher format: bad~x""# + "\n")
        #expect(try E2E.http("GET", u + "/alerts?receiver=(").code == 400)
        let put = try E2E.http("PUT", u + "/alerts")
        #expect(put.code == 405)
        #expect(put.body == #"{"code":405,"message":"method PUT is not allowed, but [GET,POST] are"}"# + "\n")
        #expect(put.headers.lowercased().contains("allow: get,post"), "\(put.headers)")
        #expect(try E2E.http("GET", u + "/nothing").code == 404)

        // Groups.
        let groups = try E2E.http("GET", u + "/alerts/groups")
        #expect(groups.code == 200)
        #expect(groups.body.hasPrefix(#"[{"alerts":[{"annotations""#), "\(groups.body)")
        #expect(groups.body.hasSuffix(#""labels":{"alertname":"A"},"receiver":{"name":"hook"}}]"# + "\n"), "\(groups.body)")

        // Silences: required fields, create, get, silenced alert, expire, unknown ids.
        let missing = try E2E.http("POST", u + "/silences", json: "{}")
        #expect(missing.code == 422)
        #expect(missing.body == #"{"code":602,"message":"comment in body is required"}"# + "\n")
        let noMatchers = try E2E.http("POST", u + "/silences", json: """
            {"matchers":[],"startsAt":"2030-01-01T00:00:00Z","endsAt":"2031-01-01T00:00:00Z","createdBy":"a","comment":"c"}
            """)
        #expect(noMatchers.code == 422)
        #expect(noMatchers.body == #"{"code":612,"message":"matchers in body should have at least 1 items"}"# + "\n")
        let created = try E2E.http("POST", u + "/silences", json: """
            {"matchers":[{"name":"team","value":"x","isRegex":false}],"startsAt":"2020-01-01T00:00:00Z",
             "endsAt":"2099-01-01T00:00:00Z","createdBy":"me","comment":"c"}
            """)
        #expect(created.code == 200)
        let id = try #require((E2E.json(created.body) as? [String: Any])?["silenceID"] as? String)
        let one = try E2E.http("GET", u + "/silence/\(id)")
        #expect(one.code == 200)
        #expect(one.body.hasPrefix(#"{"id":"\#(id)","status":{"state":"active"},"updatedAt":""#), "\(one.body)")
        #expect(one.body.contains(#""comment":"c","createdBy":"me","endsAt":"2099-01-01T00:00:00.000Z","matchers":[{"isEqual":true,"isRegex":false,"name":"team","value":"x"}],"startsAt":""#),
                "\(one.body)")
        let silenced = try E2E.http("GET", u + "/alerts?silenced=false")
        #expect(silenced.body == "[]\n")
        let all = try E2E.http("GET", u + "/alerts")
        #expect(all.body.contains(#""silencedBy":["\#(id)"],"state":"suppressed""#), "\(all.body)")
        #expect(try E2E.http("DELETE", u + "/silence/\(id)").code == 200)
        #expect(try E2E.http("GET", u + "/silence/\(id)").body.contains(#""state":"expired""#))
        let unknown = "0b0c7f3c-1f4e-4b9d-9a4c-111111111111"
        let get404 = try E2E.http("GET", u + "/silence/\(unknown)")
        #expect(get404.code == 404)
        #expect(get404.body.isEmpty)
        let del500 = try E2E.http("DELETE", u + "/silence/\(unknown)")
        #expect(del500.code == 500)
        #expect(del500.body == #""silence not found""# + "\n")
        let badID = try E2E.http("GET", u + "/silence/abc")
        #expect(badID.code == 422)
        #expect(badID.body == #"{"code":601,"message":"silenceID in path must be of type uuid: \"abc\""}"# + "\n")
        let update404 = try E2E.http("POST", u + "/silences", json: """
            {"id":"\(unknown)","matchers":[{"name":"a","value":"b","isRegex":false}],"startsAt":"2020-01-01T00:00:00Z",
             "endsAt":"2099-01-01T00:00:00Z","createdBy":"me","comment":"c"}
            """)
        #expect(update404.code == 404)
        #expect(update404.body == #""silence not found""# + "\n")
    }

    /// Without `--alertmanager.config.file` the built-in config still serves the API and logs alerts.
    @Test func builtInConfigServesTheAPI() async throws {
        let dir = try E2E.tempDir("ambuiltin")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (klaxon, port) = try await E2E.startKlaxon(dir: dir, ["--config.file", try E2E.writePrometheusConfig(dir: dir)])
        defer { klaxon.stop() }
        let u = "http://127.0.0.1:\(port)/api/v2"
        #expect(try E2E.http("GET", u + "/receivers").body == #"[{"name":"console"}]"# + "\n")
        #expect(try E2E.http("POST", u + "/alerts", json: #"[{"labels":{"alertname":"B"}}]"#).code == 200)
        #expect(try E2E.http("GET", u + "/alerts").body.contains(#""receivers":[{"name":"console"}]"#))
    }
}

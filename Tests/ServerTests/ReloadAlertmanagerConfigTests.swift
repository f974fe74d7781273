import Foundation
import TestSupport
import Testing

/// `POST /-/reload` and SIGHUP re-read `alertmanager.yml` in the running binary; an invalid file
/// is rejected (logged, and returned by `/-/reload`) and the old config keeps routing.
@Suite(.serialized) struct ReloadAlertmanagerConfigTests {
    func config(receiver: String, sinkPort: Int) -> String {
        """
        route:
          receiver: \(receiver)
          group_by: [alertname]
          group_wait: 1s
          group_interval: 2s
        receivers:
          - name: \(receiver)
            webhook_configs:
              - url: http://127.0.0.1:\(sinkPort)/codes/200/\(receiver)
        """
    }

    static let invalid = """
        route:
          receiver: nowhere
        receivers:
          - name: somewhere
        """

    func receivers(_ port: Int) throws -> String { try E2E.http("GET", "http://127.0.0.1:\(port)/api/v2/receivers").body }

    /// Posts a new alert and waits until the sink recorded it under `id`.
    func deliver(_ alertname: String, port: Int, sinkPort: Int, id: String) async throws -> Bool {
        let post = try E2E.http("POST", "http://127.0.0.1:\(port)/api/v2/alerts", json: #"[{"labels":{"alertname":"\#(alertname)"}}]"#)
        #expect(post.code == 200)
        return try await eventually(60) {
            try E2E.sinkBodies(port: sinkPort, id: id).contains { ($0["groupLabels"] as? [String: String])?["alertname"] == alertname }
        }
    }

    @Test func reloadEndpointAndSighupSwapOrRejectTheAlertmanagerConfig() async throws {
        let dir = try E2E.tempDir("amreload")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (sink, sinkPort) = try E2E.startSink()
        defer { sink.stop() }
        let am = dir + "/am.yml"
        try E2E.write(config(receiver: "first", sinkPort: sinkPort), to: am)
        let (klaxon, port) = try await E2E.startKlaxon(dir: dir, ["--config.file", try E2E.writePrometheusConfig(dir: dir),
                                                                  "--alertmanager.config.file", am])
        defer { klaxon.stop() }
        #expect(try receivers(port) == #"[{"name":"first"}]"# + "\n")
        #expect(try await deliver("BeforeReload", port: port, sinkPort: sinkPort, id: "first"))

        // POST /-/reload with a new valid file.
        try E2E.write(config(receiver: "second", sinkPort: sinkPort), to: am)
        let ok = try E2E.http("POST", "http://127.0.0.1:\(port)/-/reload")
        #expect(ok.code == 200, "\(ok.body)")
        #expect(try receivers(port) == #"[{"name":"second"}]"# + "\n")
        #expect(try await deliver("AfterReload", port: port, sinkPort: sinkPort, id: "second"))
        // Alerts received before the reload are kept.
        #expect(try E2E.http("GET", "http://127.0.0.1:\(port)/api/v2/alerts?filter=alertname%3DBeforeReload").body.contains("BeforeReload"))

        // POST /-/reload with an invalid file: 500 with the error and where it is; the old config stays.
        try E2E.write(Self.invalid, to: am)
        let bad = try E2E.http("POST", "http://127.0.0.1:\(port)/-/reload")
        #expect(bad.code == 500)
        #expect(bad.body.hasPrefix("failed to reload config: "), "\(bad.body)")
        #expect(bad.body.contains(am + ":2:") && bad.body.contains("nowhere"), "\(bad.body)")
        #expect(try receivers(port) == #"[{"name":"second"}]"# + "\n")
        #expect(try await deliver("AfterRejectedReload", port: port, sinkPort: sinkPort, id: "second"))
        #expect(E2E.read(dir + "/klaxon.log").contains("Error reloading Alertmanager config"))

        // SIGHUP with a valid file, then with an invalid one.
        try E2E.write(config(receiver: "third", sinkPort: sinkPort), to: am)
        kill(klaxon.process.processIdentifier, SIGHUP)
        #expect(try await eventually(60) { try receivers(port) == #"[{"name":"third"}]"# + "\n" })
        #expect(try await deliver("AfterSighup", port: port, sinkPort: sinkPort, id: "third"))
        let errorsBefore = E2E.read(dir + "/klaxon.log").components(separatedBy: "Error reloading Alertmanager config").count
        try E2E.write(Self.invalid, to: am)
        kill(klaxon.process.processIdentifier, SIGHUP)
        #expect(try await eventually(60) {
            E2E.read(dir + "/klaxon.log").components(separatedBy: "Error reloading Alertmanager config").count > errorsBefore
        })
        #expect(try receivers(port) == #"[{"name":"third"}]"# + "\n")
        #expect(try await deliver("AfterRejectedSighup", port: port, sinkPort: sinkPort, id: "third"))
        #expect(klaxon.process.isRunning)
    }
}

import Foundation
import TestSupport
import Testing

/// A real Prometheus 2.42 (Debian's package) whose `alerting.alertmanagers` points at Klaxon
/// with `api_version: v2` delivers its alert; Klaxon routes it to a webhook sink.
@Suite(.serialized) struct PrometheusSendsAlertsTests {
    static let prometheus = "/usr/bin/prometheus"

    @Test func prometheusAlertIsRoutedToWebhook() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.prometheus), "install prometheus (scripts/setup.sh)")
        let dir = try E2E.tempDir("promsends")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (sink, sinkPort) = try E2E.startSink()
        defer { sink.stop() }
        try E2E.write("""
            route:
              receiver: ignore
              group_by: [alertname]
              group_wait: 1s
              group_interval: 5s
              routes:
                - matchers: [origin="prometheus"]
                  receiver: hook
            receivers:
              - name: ignore
              - name: hook
                webhook_configs:
                  - url: http://127.0.0.1:\(sinkPort)/codes/200/prom
            """, to: dir + "/am.yml")
        let (klaxon, port) = try await E2E.startKlaxon(dir: dir, ["--config.file", try E2E.writePrometheusConfig(dir: dir),
                                                                  "--alertmanager.config.file", dir + "/am.yml"])
        defer { klaxon.stop() }

        // Prometheus: one rule that fires at once, Klaxon as its only Alertmanager.
        let promDir = dir + "/prom"
        try FileManager.default.createDirectory(atPath: promDir, withIntermediateDirectories: true)
        try E2E.write("""
            groups:
              - name: sends
                rules:
                  - alert: FromPrometheus
                    expr: vector(1)
                    labels:
                      origin: prometheus
                      severity: page
                    annotations:
                      summary: sent by a real Prometheus
            """, to: promDir + "/rules.yml")
        try E2E.write("""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files: [rules.yml]
            alerting:
              alertmanagers:
                - api_version: v2
                  static_configs:
                    - targets: ['127.0.0.1:\(port)']
            """, to: promDir + "/prometheus.yml")
        let promPort = try freePort()
        let prom = E2EProcess()
        prom.process.executableURL = URL(fileURLWithPath: Self.prometheus)
        prom.process.arguments = ["--config.file", promDir + "/prometheus.yml", "--storage.tsdb.path", promDir + "/data",
                                  "--web.listen-address=127.0.0.1:\(promPort)", "--rules.alert.resend-delay=2s"]
        FileManager.default.createFile(atPath: promDir + "/prometheus.log", contents: nil)
        let promLog = try FileHandle(forWritingTo: URL(fileURLWithPath: promDir + "/prometheus.log"))
        prom.process.standardOutput = promLog
        prom.process.standardError = promLog
        prom.process.standardInput = FileHandle.nullDevice
        try prom.process.run()
        defer { prom.stop() }

        var bodies: [[String: Any]] = []
        let delivered = try await eventually(120) {
            bodies = try E2E.sinkBodies(port: sinkPort, id: "prom")
            return !bodies.isEmpty
        }
        #expect(delivered, "prometheus log:\n\(E2E.read(promDir + "/prometheus.log"))\nklaxon log:\n\(E2E.read(dir + "/klaxon.log"))")
        guard let message = bodies.first else { return }
        #expect(message["receiver"] as? String == "hook")
        #expect(message["status"] as? String == "firing")
        #expect(message["groupKey"] as? String == #"{}/{origin="prometheus"}:{alertname="FromPrometheus"}"#)
        let alerts = try #require(message["alerts"] as? [[String: Any]])
        #expect(alerts.count == 1)
        let labels = try #require(alerts.first?["labels"] as? [String: String])
        #expect(labels == ["alertname": "FromPrometheus", "origin": "prometheus", "severity": "page"])
        #expect((alerts.first?["annotations"] as? [String: String])?["summary"] == "sent by a real Prometheus")
        // Prometheus' generator URL survives the trip.
        let url = try #require(alerts.first?["generatorURL"] as? String)
        #expect(url.contains("/graph?g0.expr=vector%281%29"), "\(url)")

        // The API v2 shows the alert with its receiver, as it shows Prometheus' alerts in Alertmanager.
        let listed = try E2E.http("GET", "http://127.0.0.1:\(port)/api/v2/alerts?filter=origin%3D%22prometheus%22")
        let list = try #require(E2E.json(listed.body) as? [[String: Any]], "\(listed.body)")
        #expect(list.count == 1)
        #expect((list.first?["receivers"] as? [[String: String]]) == [["name": "hook"]])
        #expect((list.first?["status"] as? [String: Any])?["state"] as? String == "active")
    }
}

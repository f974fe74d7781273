import Foundation
import TestSupport
import Model
import PromQL
import Rules
import Synchronization
import Testing
@testable import Server

/// `/api/v1/rules` and `/api/v1/alerts` from a real `RuleManager` on a `MemoryStore`.
@Suite struct RulesEndpointTests {
    final class RecordingSink: AlertSink {
        let lines = Mutex<[String]>([])
        func send(_ alerts: [NotifierAlert]) async {
            let sink = LoggingAlertSink { line in self.lines.withLock { $0.append(line) } }
            await sink.send(alerts)
        }
    }

    @Test func rulesAndAlerts() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("klaxon-rules-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/r.yml"
        try """
            groups:
              - name: g
                interval: 30s
                rules:
                  - record: job:up:sum
                    expr: sum by (job) (up)
                  - alert: Always
                    expr: vector(1)
                    labels:
                      severity: page
                    annotations:
                      summary: "always <on>"
            """.write(toFile: file, atomically: true, encoding: .utf8)
        let store = MemoryStore()
        store.add(Labels(["__name__": "up", "job": "a"]), 50_000, 1)
        let sink = RecordingSink()
        let manager = RuleManager(engine: Engine(), store: store, sink: sink)
        try manager.update(files: [file], at: 0)
        let alerts = manager.evaluate(group: GroupKey(file: file, name: "g"), at: 60_000)
        await sink.send(alerts)
        let api = PrometheusAPI(APIDependencies(queryable: store, now: { 60_000 }, ruleGroups: { manager.health() }))

        let a = await api.handle(APIRequest(method: "GET", path: "/api/v1/alerts"))
        #expect(a.body == #"{"status":"success","data":{"alerts":[{"labels":{"alertname":"Always","severity":"page"},"annotations":{"summary":"always \u003con\u003e"},"state":"firing","activeAt":"1970-01-01T00:01:00Z","value":"1e+00"}]}}"#)

        let r = await api.handle(APIRequest(method: "GET", path: "/api/v1/rules"))
        #expect(r.body.hasPrefix(#"{"status":"success","data":{"groups":[{"name":"g","file":"\#(file)","rules":[{"name":"job:up:sum","query":"sum by (job) (up)","health":"ok","evaluationTime":"#))
        #expect(r.body.contains(#","lastEvaluation":"1970-01-01T00:01:00Z","type":"recording"},{"state":"firing","name":"Always","query":"vector(1)","duration":0,"keepFiringFor":0,"labels":{"severity":"page"},"annotations":{"summary":"always \u003con\u003e"},"alerts":[{"labels":{"alertname":"Always","severity":"page"}"#))
        #expect(r.body.contains(#""type":"alerting"}],"interval":30,"limit":0,"evaluationTime":"#))
        let recordOnly = await api.handle(APIRequest(method: "GET", path: "/api/v1/rules", query: "type=record"))
        #expect(!recordOnly.body.contains("Always"))

        #expect(store.seriesCount >= 2)
        let lines = sink.lines.withLock { $0 }
        #expect(lines == [#"level=info component=alerts msg=alert alertname=Always labels="{alertname=\"Always\", severity=\"page\"}" annotation_summary="always <on>" startsAt=1970-01-01T00:01:00Z endsAt=1970-01-01T00:05:00Z generatorURL="/graph?g0.expr=vector%281%29&g0.tab=1""#])
    }
}

import Foundation
import TestSupport
import Model
import Rules
import Synchronization
import Testing
@testable import Server

/// The alert log line follows `--log.format`, like every other log line.
@Suite struct LoggingAlertSinkTests {
    static let alert = NotifierAlert(labels: Labels(["alertname": "Down", "job": "api"]),
                                     annotations: [Label(name: "summary", value: "api \"x\" is down")],
                                     startsAt: 1_700_000_000_000, endsAt: 1_700_000_300_000,
                                     generatorURL: "http://k/graph?g0.expr=up")

    func lines(_ format: KlaxonLogHandler.Format) async -> [String] {
        let out = Mutex<[String]>([])
        await LoggingAlertSink(format: format) { l in out.withLock { $0.append(l) } }.send([Self.alert])
        return out.withLock { $0 }
    }

    @Test func jsonFormatWritesAJSONObject() async throws {
        let out = await lines(.json)
        #expect(out.count == 1)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(out[0].utf8)) as? [String: String])
        #expect(obj["level"] == "info")
        #expect(obj["component"] == "alerts")
        #expect(obj["msg"] == "alert")
        #expect(obj["alertname"] == "Down")
        #expect(obj["labels"] == Self.alert.labels.description)
        #expect(obj["annotation_summary"] == #"api "x" is down"#)
        #expect(obj["startsAt"]?.hasPrefix("2023-11-14T22:13:20") == true)
        #expect(obj["generatorURL"] == "http://k/graph?g0.expr=up")
    }

    @Test func logfmtStaysTheDefault() async {
        let out = await lines(.logfmt)
        #expect(out.count == 1)
        #expect(out[0].hasPrefix("level=info component=alerts msg=alert alertname=Down "))
        #expect(out[0].contains(#"annotation_summary="api \"x\" is down""#))
        #expect(LoggingAlertSink.line(Self.alert) == out[0])
    }
}

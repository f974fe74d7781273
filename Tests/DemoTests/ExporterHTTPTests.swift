import Exposition
import Foundation
import Testing
@testable import Demo
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A real HTTP GET against the running exporter on 127.0.0.1, parsed with Klaxon's parser.
@Suite struct ExporterHTTPTests {
    func get(_ url: URL, accept: String?) async throws -> (Int, String?, String) {
        var req = URLRequest(url: url)
        req.timeoutInterval = 30
        if let accept { req.setValue(accept, forHTTPHeaderField: "Accept") }
        let (data, response) = try await URLSession.shared.data(for: req)
        let http = try #require(response as? HTTPURLResponse)
        return (http.statusCode, http.value(forHTTPHeaderField: "Content-Type"), String(decoding: data, as: UTF8.self))
    }

    @Test func servesTheSimulatedPageOverHTTP() async throws {
        let sim = GatewayzSimulator(start: testStart)
        let clock = FixedClock(t: minutes(25))
        let exporter = GatewayzExporter(simulator: sim, clock: clock)
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let app = exporter.makeApplication(port: 0) { port in portSink.yield(port) }
        let server = Task { try await app.run() }
        defer { server.cancel() }
        var it = ports.makeAsyncIterator()
        let port = try #require(await it.next())
        let base = try #require(URL(string: "http://127.0.0.1:\(port)"))

        let (status, type, body) = try await get(base.appendingPathComponent("metrics"), accept: "text/plain;version=0.0.4;q=0.5,*/*;q=0.1")
        #expect(status == 200)
        #expect(type == GatewayzExporter.textContentType)
        let page = try ExpositionParser(format: .prometheusText).parse(body)
        #expect(page.samples.count == sim.seriesCount)
        #expect(page.samples.map(\.value) == sim.values(at: clock.t))
        #expect(body == sim.render(at: clock.t, format: .prometheusText))

        // Prometheus' scrape Accept header prefers OpenMetrics.
        let (omStatus, omType, omBody) = try await get(base.appendingPathComponent("metrics"),
                                                       accept: "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5")
        #expect(omStatus == 200)
        #expect(omType == GatewayzExporter.openMetricsContentType)
        let om = try ExpositionParser(format: .openMetrics).parse(omBody)
        #expect(om.samples.count == sim.seriesCount)
        #expect(om.samples.map(\.value) == page.samples.map(\.value))
        let open = om.samples.filter { s in
            s.labels.contains { $0.value == "circuit_breaker_state" } && s.labels.contains { $0.name == "state" && $0.value == "open" }
                && s.labels.contains { $0.name == "provider" && $0.value == "fireworks" }
        }
        #expect(open.count == 4 && open.allSatisfy { $0.value == 1 }, "minute 25 is in the outage")

        let (missing, _, _) = try await get(base.appendingPathComponent("nope"), accept: nil)
        #expect(missing == 404)
        server.cancel()
        _ = await server.result
    }
}

import Foundation
import TestSupport
import Testing

/// Issue 7's scenario, end to end on the built binary: an exporter's error rate rises, a page
/// reaches the PagerDuty sink; a silence created with real `amtool` stops the page of another
/// service; recovery sends the resolved message with the same dedup key.
@Suite(.serialized) struct IncidentScenarioTests {
    /// An exporter on 127.0.0.1 serving the file it is given as `/metrics` (re-read per scrape).
    static let exporter = """
        import http.server, sys
        path = sys.argv[1]
        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a): pass
            def do_GET(self):
                body = open(path, 'rb').read()
                self.send_response(200)
                self.send_header('Content-Type', 'text/plain; version=0.0.4')
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)
        s = http.server.ThreadingHTTPServer(('127.0.0.1', 0), H)
        print(s.server_address[1], flush=True)
        s.serve_forever()
        """

    func setErrorRatios(_ ratios: [String: Double], file: String) throws {
        var text = "# HELP app_error_ratio Share of requests answered with 5xx.\n# TYPE app_error_ratio gauge\n"
        for (service, r) in ratios.sorted(by: { $0.key < $1.key }) { text += "app_error_ratio{service=\"\(service)\"} \(r)\n" }
        try E2E.write(text, to: file + ".tmp")
        // rename(2): a scrape sees the old file or the new one, never half of one.
        #expect(rename(file + ".tmp", file) == 0)
    }

    func startExporter(dir: String) throws -> (E2EProcess, Int) {
        try E2E.write(Self.exporter, to: dir + "/exporter.py")
        return try startPython([dir + "/exporter.py", dir + "/metrics.txt"])
    }

    /// PagerDuty events the sink received: (event_action, dedup_key, service from the summary's labels).
    func events(_ sinkPort: Int) throws -> [(action: String, dedupKey: String, text: String)] {
        try E2E.sinkRawBodies(port: sinkPort, id: "pd").compactMap { raw in
            guard let o = E2E.json(raw) as? [String: Any] else { return nil }
            return (o["event_action"] as? String ?? "", o["dedup_key"] as? String ?? "", raw)
        }
    }

    @Test func pageSilenceAndResolve() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: AmtoolTests.amtool), "install prometheus-alertmanager (scripts/setup.sh)")
        let dir = try E2E.tempDir("incident")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let metrics = dir + "/metrics.txt"
        try setErrorRatios(["checkout": 0.01, "search": 0.01, "billing": 0.01], file: metrics)
        let (exporter, exporterPort) = try startExporter(dir: dir)
        defer { exporter.stop() }
        let (sink, sinkPort) = try E2E.startSink()
        defer { sink.stop() }
        try E2E.write("""
            groups:
              - name: incident
                rules:
                  - alert: HighErrorRate
                    expr: app_error_ratio > 0.05
                    for: 2s
                    labels:
                      severity: critical
                    annotations:
                      summary: '{{ $labels.service }} answers {{ $value | humanizePercentage }} of requests with 5xx'
            """, to: dir + "/rules.yml")
        let promConfig = try E2E.writePrometheusConfig(dir: dir, extra: """
            rule_files: [rules.yml]
            scrape_configs:
              - job_name: app
                static_configs:
                  - targets: ['127.0.0.1:\(exporterPort)']
            """)
        try E2E.write("""
            route:
              receiver: pagerduty
              group_by: [alertname, service]
              group_wait: 1s
              group_interval: 2s
              repeat_interval: 1h
            receivers:
              - name: pagerduty
                pagerduty_configs:
                  - routing_key: 0123456789abcdef0123456789abcdef
                    url: http://127.0.0.1:\(sinkPort)/codes/202/pd
            """, to: dir + "/alertmanager.yml")
        let (klaxon, port) = try await E2E.startKlaxon(dir: dir, ["--config.file", promConfig,
                                                                  "--alertmanager.config.file", dir + "/alertmanager.yml"])
        defer { klaxon.stop() }
        let log = { E2E.read(dir + "/klaxon.log") }

        // 1. checkout's error rate rises: a page.
        try setErrorRatios(["checkout": 0.5, "search": 0.01, "billing": 0.01], file: metrics)
        var checkoutPage: (action: String, dedupKey: String, text: String)?
        let paged = try await eventually(90) {
            checkoutPage = try events(sinkPort).first { $0.action == "trigger" && $0.text.contains("checkout") }
            return checkoutPage != nil
        }
        let seen = try events(sinkPort).map(\.text)
        try #require(paged, "no page for checkout; events: \(seen)\n\(log())")
        #expect(checkoutPage?.text.contains(#""routing_key":"0123456789abcdef0123456789abcdef""#) == true)
        #expect(checkoutPage?.text.contains("checkout answers 50% of requests with 5xx") == true, "\(checkoutPage?.text ?? "")")

        // 2. A silence for search (created with amtool), then search and billing rise together:
        // billing pages, search does not, and the API shows search suppressed by the silence.
        let add = try E2E.run(AmtoolTests.amtool, ["--alertmanager.url=http://127.0.0.1:\(port)", "silence", "add",
                                                   "service=search", "-c", "search reindex, known", "-a", "oncall", "-d", "1h"])
        #expect(add.status == 0, "\(add)")
        let silenceID = add.out.trimmingCharacters(in: .whitespacesAndNewlines)
        try setErrorRatios(["checkout": 0.5, "search": 0.5, "billing": 0.5], file: metrics)
        let billingPaged = try await eventually(90) { try events(sinkPort).contains { $0.text.contains("billing") } }
        #expect(billingPaged, "\(log())")
        var searchSuppressed = false
        _ = try await eventually(30) {
            let alerts = try E2E.http("GET", "http://127.0.0.1:\(port)/api/v2/alerts?filter=service%3Dsearch").body
            searchSuppressed = alerts.contains(#""silencedBy":["\#(silenceID)"],"state":"suppressed""#)
            return searchSuppressed
        }
        #expect(searchSuppressed)
        // Both groups were created by the same evaluation and flush on the same tick; give the
        // pipeline two more group intervals to prove search's page is not merely late.
        try await Task.sleep(for: .seconds(5))
        #expect(!(try events(sinkPort).contains { $0.text.contains("search") }), "a silenced alert was paged")

        // 3. checkout recovers: the resolve event carries checkout's dedup key.
        try setErrorRatios(["checkout": 0.0, "search": 0.5, "billing": 0.5], file: metrics)
        let resolved = try await eventually(90) {
            try events(sinkPort).contains { $0.action == "resolve" && $0.dedupKey == checkoutPage?.dedupKey }
        }
        let all = try events(sinkPort).map(\.text)
        #expect(resolved, "events: \(all)\n\(log())")
        #expect(!(try events(sinkPort).contains { $0.text.contains("search") }))
    }
}

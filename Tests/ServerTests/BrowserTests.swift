import Foundation
import TestSupport
import Model
import Server
import Testing

/// The web UI in a real browser: starts the built `klaxon run` binary with a scrape target
/// (up, down and a 10,000-series page), rules that fire at once, and an Alertmanager config
/// delivering to a webhook sink (one receiver succeeds, one gets HTTP 400). Creates and expires
/// silences through the UI's forms, then loads every page in headless Chromium and checks the
/// rendered DOM, takes a 1280×900 screenshot of each, and checks that the Alerts page with
/// 10,000 alerts stays small.
///
/// Screenshots go to a temporary directory, or to `$KLAXON_UI_SCREENSHOTS` when set (the
/// `docs/ui/` images are made with `KLAXON_UI_SCREENSHOTS=docs/ui`).
/// Needs `.build/debug/klaxon` (or `$KLAXON_BINARY`) and Debian's `chromium` (`apt-get install -y chromium`).
@Suite(.serialized) struct BrowserTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// `$KLAXON_BINARY` when set (a build elsewhere), else this checkout's debug build.
    static let binary = ProcessInfo.processInfo.environment["KLAXON_BINARY"] ?? root.appendingPathComponent(".build/debug/klaxon").path
    static let sinkScript = root.appendingPathComponent("fixtures/notify/sink.py").path
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Largest Alerts page accepted with 10,000 alerts.
    static let pageSizeBound = 300_000

    /// A child process that is SIGKILLed and reaped when the test is done with it.
    typealias Child = E2EProcess

    /// `/metrics` (a growing counter), `/fail` (HTTP 500) and `/big` (10,000 series), on port 0.
    static let targetServer = """
        import http.server, sys, threading
        big = ''.join('big_metric{i="%d"} 1\\n' % i for i in range(10000)).encode()
        n = [0]
        lock = threading.Lock()
        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a): pass
            def do_GET(self):
                if self.path.startswith('/metrics'):
                    with lock:
                        n[0] += 1
                        body = ('# TYPE requests_total counter\\nrequests_total{path="/"} %d\\n' % (n[0] * 10)).encode()
                    self.reply(200, body)
                elif self.path.startswith('/big'):
                    self.reply(200, big)
                else:
                    self.reply(500, b'boom\\n')
            def reply(self, code, body):
                self.send_response(code)
                self.send_header('Content-Type', 'text/plain; version=0.0.4')
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)
        s = http.server.ThreadingHTTPServer(('127.0.0.1', 0), H)
        print(s.server_address[1], flush=True)
        s.serve_forever()
        """

    /// Starts `python3 args`, which prints its port as the first line.

    /// Runs a tool to completion; stdout goes through a file, stderr and stdin are /dev/null.
    func run(_ tool: String, _ args: [String]) throws -> (status: Int32, out: String) { try runTool(tool, args, timeout: 120) }

    func curl(_ args: [String]) throws -> String {
        try run("/usr/bin/curl", ["-s", "--max-time", "20"] + args).out
    }

    /// Headless Chromium with a profile of its own; at most 90 s per run.
    func runChromium(_ args: [String], profile: String) throws -> (status: Int32, out: String) {
        try run("/usr/bin/timeout", ["90", Self.chromium!, "--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars",
                                     "--user-data-dir=\(profile)"] + args)
    }

    /// Percent-encodes a query parameter value.
    static func encode(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~")) ?? s
    }

    func writeConfig(dir: String, targetPort: Int, sinkPort: Int) throws {
        try FileManager.default.createDirectory(atPath: dir + "/rules", withIntermediateDirectories: true)
        try """
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files:
              - rules/*.yml
            scrape_configs:
              - job_name: app
                static_configs:
                  - targets: ['127.0.0.1:\(targetPort)']
              - job_name: broken
                metrics_path: /fail
                static_configs:
                  - targets: ['127.0.0.1:\(targetPort)']
              - job_name: big
                scrape_interval: 5s
                metrics_path: /big
                static_configs:
                  - targets: ['127.0.0.1:\(targetPort)']
            """.write(toFile: dir + "/prometheus.yml", atomically: true, encoding: .utf8)
        try """
            groups:
              - name: browser
                rules:
                  - alert: AppRequestsSeen
                    expr: requests_total > 0
                    labels:
                      severity: warning
                      team: app
                    annotations:
                      summary: 'Requests seen on {{ $labels.instance }}'
                      description: '{{ $value }} requests so far'
                      runbook_url: https://runbooks.example/app-requests
                  - alert: TargetDown
                    expr: up == 0
                    labels:
                      severity: critical
                    annotations:
                      summary: '{{ $labels.job }} is down'
                  - alert: SlowBurn
                    expr: vector(1)
                    for: 1h
                    annotations:
                      summary: stays pending for an hour
                  - alert: EscapeCheck
                    expr: vector(1)
                    labels:
                      payload: '<img src=x onerror="document.body.setAttribute(''data-pwned'',''yes'')">'
                  - record: job:requests:rate1m
                    expr: sum by (job) (rate(requests_total[1m]))
                  - record: browser:duplicate
                    expr: label_replace(label_replace(up, "instance", "x", "", ""), "job", "x", "", "")
              - name: big
                interval: 5s
                rules:
                  - alert: ManyInstances
                    expr: big_metric > 0
                    labels:
                      severity: info
            """.write(toFile: dir + "/rules/browser.yml", atomically: true, encoding: .utf8)
        try """
            route:
              receiver: team
              group_by: [alertname]
              group_wait: 1s
              group_interval: 5s
              repeat_interval: 1h
              routes:
                - matchers: ['alertname="ManyInstances"']
                  receiver: blackhole
                - matchers: ['severity="critical"']
                  receiver: failing
            receivers:
              - name: team
                webhook_configs:
                  - url: http://127.0.0.1:\(sinkPort)/codes/200/team
              - name: failing
                webhook_configs:
                  - url: http://127.0.0.1:\(sinkPort)/codes/400/failing
              - name: blackhole
            """.write(toFile: dir + "/alertmanager.yml", atomically: true, encoding: .utf8)
    }

    @Test(.enabled(if: BrowserTests.chromium != nil, "chromium is not installed (apt-get install -y chromium)"))
    func everyPageRendersInChromium() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary),
                     "build the binary first: swift build --product klaxon")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("klaxon-browser-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (target, targetPort) = try startPython(["-c", Self.targetServer])
        defer { target.stop() }
        let (sink, sinkPort) = try startPython([Self.sinkScript, "http"])
        defer { sink.stop() }
        try writeConfig(dir: dir, targetPort: targetPort, sinkPort: sinkPort)

        let port = try freePort()
        let base = "http://127.0.0.1:\(port)"
        let log = dir + "/klaxon.log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let logHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        let klaxon = Child()
        klaxon.process.executableURL = URL(fileURLWithPath: Self.binary)
        klaxon.process.arguments = ["run", "--config.file", dir + "/prometheus.yml", "--storage.path", dir + "/data",
                                    "--web.listen-address", "127.0.0.1:\(port)", "--alertmanager.config.file", dir + "/alertmanager.yml"]
        klaxon.process.standardOutput = logHandle
        klaxon.process.standardError = logHandle
        klaxon.process.standardInput = FileHandle.nullDevice
        try klaxon.process.run()
        defer { klaxon.stop() }
        func klaxonLog() -> String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

        let up = try await eventually(60) { try curl(["-o", "/dev/null", "-w", "%{http_code}", base + "/-/ready"]) == "200" }
        try #require(up, "klaxon did not come up:\n\(klaxonLog())")
        let uiStatus = try curl(["-o", "/dev/null", "-w", "%{http_code}", base + "/ui/alerts"])
        try #require(uiStatus == "200", "GET /ui/alerts answered \(uiStatus): the web UI is not mounted in klaxon run")

        // Alerts fire (10,000 of them for ManyInstances) and both receivers were tried.
        var alertsHTML = "", notificationsHTML = ""
        let ready = try await eventually(150) {
            alertsHTML = try curl([base + "/ui/alerts"])
            notificationsHTML = try curl([base + "/ui/notifications"])
            return alertsHTML.contains("Show all 10000 alerts") && alertsHTML.contains("data-rule=\"TargetDown\"")
                && alertsHTML.contains("data-rule=\"AppRequestsSeen\"")
                && notificationsHTML.contains("b-delivered") && notificationsHTML.contains("b-failed")
        }
        try #require(ready, "alerts page:\n\(alertsHTML.prefix(3000))\nnotifications:\n\(notificationsHTML.prefix(3000))\nlog:\n\(klaxonLog())")
        #expect(alertsHTML.utf8.count < Self.pageSizeBound, "alerts page with 10,000 alerts is \(alertsHTML.utf8.count) bytes")
        let onePage = try curl([base + "/ui/alerts?rule=ManyInstances&page=100"])
        #expect(onePage.utf8.count < Self.pageSizeBound)
        #expect(onePage.contains("Page 100 of 100"))
        #expect(onePage.components(separatedBy: "<tr class=\"alert\">").count - 1 == 100)

        // Silences through the UI's forms: one kept (TargetDown), one created and expired.
        let form = { (name: String, value: String, comment: String) -> [String] in
            ["-o", "/dev/null", "-w", "%{http_code} %{redirect_url}",
             "--data-urlencode", "m0n=alertname", "--data-urlencode", "m0v=\(name)", "--data-urlencode", "m1n=job",
             "--data-urlencode", "m1o==~", "--data-urlencode", "m1v=\(value)", "--data-urlencode", "duration=2h",
             "--data-urlencode", "createdBy=browser-test", "--data-urlencode", "comment=\(comment)", base + "/ui/silences"]
        }
        let created = try curl(form("TargetDown", "brok.*", "silenced from the browser test"))
        #expect(created.hasPrefix("303 \(base)/ui/silences?created="), "\(created)")
        let second = try curl(form("AppRequestsSeen", "app", "expired again"))
        let secondID = try #require(second.components(separatedBy: "created=").last)
        let expired = try curl(["-o", "/dev/null", "-w", "%{http_code}", "--data-urlencode", "id=\(secondID)", base + "/ui/silences/expire"])
        #expect(expired == "303")
        let foreign = try curl(["-H", "Origin: http://evil.example"] + form("AppRequestsSeen", "app", "from elsewhere"))
        #expect(foreign.hasPrefix("403"), "a form post from another origin is refused: \(foreign)")
        let sameOrigin = try curl(["-H", "Origin: \(base)"] + form("SlowBurn", ".*", "same origin"))
        #expect(sameOrigin.hasPrefix("303"), "\(sameOrigin)")
        let sameOriginID = try #require(sameOrigin.components(separatedBy: "created=").last)
        #expect(try curl(["-o", "/dev/null", "-w", "%{http_code}", "--data-urlencode", "id=\(sameOriginID)",
                          base + "/ui/silences/expire"]) == "303")
        let bad = try curl(["-o", "/dev/null", "-w", "%{http_code}", "--data-urlencode", "m0n=a", "--data-urlencode", "m0o==~",
                            "--data-urlencode", "m0v=(", "--data-urlencode", "duration=1h", "--data-urlencode", "createdBy=x",
                            "--data-urlencode", "comment=x", base + "/ui/silences"])
        #expect(bad == "400", "an invalid regex is refused with the form shown again")

        // `/` and alerts' generator URLs (`/graph?g0.expr=...`) lead into the UI.
        let root = try curl(["-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", base + "/"])
        #expect(root == "302 \(base)/ui/alerts")
        let graph = try curl(["-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", base + "/graph?g0.expr=up&g0.tab=1"])
        #expect(graph == "302 \(base)/ui/query?expr=up")

        let shots = ProcessInfo.processInfo.environment["KLAXON_UI_SCREENSHOTS"].map {
            $0.hasPrefix("/") ? $0 : Self.root.appendingPathComponent($0).path
        } ?? dir + "/screenshots"
        try FileManager.default.createDirectory(atPath: shots, withIntermediateDirectories: true)
        let profile = dir + "/chromium-profile"
        let queryExpr = Self.encode("sum by (job) (rate(requests_total[1m]))")
        let pages: [(name: String, path: String, expect: [String])] = [
            ("alerts", "/ui/alerts", [
                "data-rule=\"AppRequestsSeen\"", "data-rule=\"TargetDown\"", "data-rule=\"SlowBurn\"", "data-rule=\"ManyInstances\"",
                "Show all 10000 alerts", "class=\"badge b-pending\">pending<", "class=\"badge b-firing\">firing<",
                "Requests seen on 127.0.0.1:\(targetPort)", "href=\"https://runbooks.example/app-requests\"",
                "broken is down", "class=\"badge b-silenced\"", "&lt;img src=x onerror=",
            ]),
            ("rules", "/ui/rules", [
                "data-group=\"browser\"", "data-group=\"big\"", "<strong>AppRequestsSeen</strong>", "<strong>job:requests:rate1m</strong>",
                "class=\"badge b-ok\">ok<", "class=\"badge b-err\">err<", "same labelset", "every 5s", "for 1h",
            ]),
            ("targets", "/ui/targets", [
                "data-job=\"app\"", "data-job=\"broken\"", "data-job=\"big\"", "class=\"badge b-up\">up<",
                "class=\"badge b-down\">down<", "500", "http://127.0.0.1:\(targetPort)/fail",
            ]),
            ("silences", "/ui/silences", [
                "Active (1)", "alertname=\"TargetDown\"", "job=~\"brok.*\"", "browser-test", "silenced from the browser test",
                "Expired (2)", "action=\"/ui/silences/expire\"",
            ]),
            ("silence-new", "/ui/silences/new?m0n=alertname&m0v=TargetDown&m1n=job&m1v=broken", [
                "id=\"silence-form\"", "value=\"TargetDown\"", "value=\"broken\"", "value=\"2h\"",
            ]),
            ("notifications", "/ui/notifications", [
                "data-receiver=\"team\"", "data-receiver=\"failing\"", "data-receiver=\"blackhole\"", "webhook[0]",
                "class=\"badge b-delivered\">delivered<", "class=\"badge b-failed\">failed<", "400",
            ]),
            ("query", "/ui/query?expr=\(queryExpr)&range=5m", [
                "id=\"result-table\"", "{job=\"app\"}", "<svg", "<path d=\"M", "class=\"legend\"",
            ]),
            ("query-error", "/ui/query?expr=" + Self.encode("sum(rate(requests_total[1m])"), [
                "id=\"parse-error\"", "parse error: unclosed left parenthesis", "<mark class=\"err\">",
            ]),
        ]
        for page in pages {
            let dom = try runChromium(["--dump-dom", base + page.path], profile: profile)
            #expect(dom.status == 0, "\(page.name): chromium exited \(dom.status)")
            #expect(dom.out.contains("</html>"), "\(page.name): \(dom.out.prefix(500))")
            // The payload's onerror would set this attribute if any label value were not escaped.
            #expect(dom.out.contains("<body>") && !dom.out.contains("data-pwned=\"yes\""), "\(page.name)")
            for text in page.expect {
                #expect(dom.out.contains(text), "\(page.name): missing \(text)")
            }
            let png = shots + "/\(page.name).png"
            try? FileManager.default.removeItem(atPath: png)
            let shot = try runChromium(["--screenshot=\(png)", "--window-size=1280,900", base + page.path], profile: profile)
            #expect(shot.status == 0, "\(page.name): screenshot failed")
            let data = try #require(FileManager.default.contents(atPath: png), "\(page.name): no screenshot")
            #expect(Array(data.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "\(page.name): not a PNG")
            // IHDR: width and height, big-endian, at bytes 16..<24.
            if data.count > 24 {
                let w = data[16..<20].reduce(0) { $0 << 8 | Int($1) }, h = data[20..<24].reduce(0) { $0 << 8 | Int($1) }
                #expect(w == 1280 && h == 900, "\(page.name): \(w)×\(h)")
            }
        }
        #expect(klaxon.process.isRunning, "klaxon exited:\n\(klaxonLog())")
    }
}

/// The ring buffer behind the Notifications page.
@Suite struct DeliveryHistoryTests {
    static func entry(_ i: Int) -> DeliveryHistory.Entry {
        DeliveryHistory.Entry(time: Int64(i), receiver: "r", integration: "webhook[0]", notificationStatus: "firing",
                              firingCount: 1, resolvedCount: 0, groupLabels: .empty, error: i % 2 == 0 ? nil : "boom \(i)")
    }

    @Test func keepsTheNewestEntriesNewestFirst() {
        let h = DeliveryHistory(capacity: 3)
        #expect(h.recent.isEmpty)
        h.record(Self.entry(1))
        h.record(Self.entry(2))
        #expect(h.recent.map(\.time) == [2, 1])
        for i in 3...7 { h.record(Self.entry(i)) }
        #expect(h.recent.map(\.time) == [7, 6, 5])
        #expect(h.recent.first?.error == "boom 7")
    }
}

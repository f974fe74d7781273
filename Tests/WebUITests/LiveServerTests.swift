import Foundation
import Hummingbird
import Logging
import Model
import TestSupport
import Testing
@testable import WebUI

/// The UI's routes on a real Hummingbird server on 127.0.0.1 (port 0), with the fake source:
/// redirects, headers and form posts over real HTTP with curl, and a page loaded in headless
/// Chromium (when installed) to show that markup in label values stays text in a browser.
@Suite(.serialized) struct LiveServerTests {
    /// Runs a server with `ui`'s routes for the duration of `body`.
    static func withServer(_ ui: WebUI, _ body: @Sendable (Int) async throws -> Void) async throws {
        let router = Router()
        ui.addRoutes(to: router)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "webui-test")
        logger.logLevel = .warning
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            var it = ports.makeAsyncIterator()
            let port = try #require(await it.next())
            defer { group.cancelAll() }
            try await body(port)
        }
    }

    /// `curl -s -i` (headers and body).
    static func curl(_ args: [String]) throws -> String {
        try runTool("/usr/bin/curl", ["-s", "-i", "--max-time", "10"] + args).out
    }

    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test func redirectsPagesAndFormPostsOverHTTP() async throws {
        let source = FakeDataSource {
            $0.alerts = [UIAlert(rule: "Up", state: .firing, labels: Labels(["alertname": "Up", "job": "x"]), value: 1, activeAt: $0.now)]
        }
        try await Self.withServer(WebUI(source: source)) { port in
            let base = "http://127.0.0.1:\(port)"
            let root = try Self.curl([base + "/"])
            #expect(root.hasPrefix("HTTP/1.1 302"), "\(root)")
            #expect(root.lowercased().contains("location: /ui/alerts"))
            let alerts = try Self.curl([base + "/ui/alerts"])
            #expect(alerts.hasPrefix("HTTP/1.1 200"))
            #expect(alerts.lowercased().contains("content-type: text/html; charset=utf-8"))
            #expect(alerts.contains("data-rule=\"Up\""))

            let form = ["--data-urlencode", "m0n=alertname", "--data-urlencode", "m0v=Up", "--data-urlencode", "duration=1h",
                        "--data-urlencode", "createdBy=test", "--data-urlencode", "comment=over HTTP"]
            let foreign = try Self.curl(["-H", "Origin: http://evil.example"] + form + [base + "/ui/silences"])
            #expect(foreign.hasPrefix("HTTP/1.1 403"), "\(foreign)")
            let created = try Self.curl(["-H", "Origin: \(base)"] + form + [base + "/ui/silences"])
            #expect(created.hasPrefix("HTTP/1.1 303"), "\(created)")
            #expect(created.lowercased().contains("location: /ui/silences?created=s1"))
            #expect(await source.silences()?.map(\.comment) == ["over HTTP"])
            let expired = try Self.curl(["--data-urlencode", "id=s1", base + "/ui/silences/expire"])
            #expect(expired.hasPrefix("HTTP/1.1 303"))
            #expect(await source.silences()?.first?.state == .expired)
        }
    }

    /// If escaping failed anywhere on the page, the `onerror` handler would run in the browser
    /// and mark the body.
    @Test func markupInLabelsStaysTextInABrowser() async throws {
        guard let chromium = Self.chromium else {
            print("skipping: chromium is not installed (apt-get install -y chromium)")
            return
        }
        let payload = "<img src=x onerror=\"document.body.setAttribute('data-pwned','yes')\">"
        let source = FakeDataSource {
            $0.alerts = [UIAlert(rule: "Xss", state: .firing, labels: Labels(["alertname": "Xss", "path": payload]),
                                 annotations: ["summary": payload, "description": payload], value: 1, activeAt: $0.now)]
            $0.targets = [UITarget(job: payload, url: "http://h/metrics", labels: Labels(["x": payload]), health: .down,
                                   lastScrape: $0.now, lastDurationSeconds: 0.1, lastError: payload, interval: 15_000)]
        }
        try await Self.withServer(WebUI(source: source)) { port in
            for page in ["/ui/alerts", "/ui/targets", "/ui/silences/new?m0n=path&m0v=" + FormData.encode(payload)] {
                let dom = try runTool(chromium, ["--headless", "--disable-gpu", "--no-sandbox", "--dump-dom",
                                                  "http://127.0.0.1:\(port)\(page)"]).out
                #expect(dom.contains("</html>"), "\(page): \(dom.prefix(300))")
                #expect(dom.contains("<body>"), "\(page)")
                #expect(!dom.contains("data-pwned=\"yes\""), "\(page)")
                #expect(dom.contains("&lt;img src=x onerror=") || dom.contains("value=\"&lt;img"), "\(page)")
            }
        }
    }
}

import Foundation
import TestSupport
import Testing

/// `klaxon run --web.config.file`: basic auth with bcrypt hashes and TLS, on the real binary, with
/// curl as the client. Also checks that the HTTP metrics recorded through swift-metrics reach `/metrics`.
@Suite(.serialized) struct WebConfigEndToEndTests {
    /// (status code, body, headers) of a curl request with extra arguments.
    func curl(_ args: [String]) throws -> (code: Int, body: String, headers: String) {
        let dir = try E2E.tempDir("curl")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try E2E.run("/usr/bin/curl", ["-s", "--max-time", "10", "-o", dir + "/b", "-D", dir + "/h", "-w", "%{http_code}"] + args)
        return (Int(r.out) ?? 0, E2E.read(dir + "/b"), E2E.read(dir + "/h"))
    }

    func start(dir: String, web: String, ready: [String]) async throws -> (E2EProcess, Int) {
        try E2E.write(web, to: dir + "/web.yml")
        let port = try freePort()
        let c = E2EProcess()
        c.process.executableURL = URL(fileURLWithPath: E2E.klaxon)
        c.process.arguments = ["run", "--storage.path", dir + "/data", "--web.listen-address", "127.0.0.1:\(port)",
                               "--config.file", try E2E.writePrometheusConfig(dir: dir), "--web.config.file", dir + "/web.yml"]
        let log = dir + "/klaxon.log"
        FileManager.default.createFile(atPath: log, contents: nil)
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        c.process.standardOutput = h
        c.process.standardError = h
        c.process.standardInput = FileHandle.nullDevice
        try c.process.run()
        let up = try await eventually(60) {
            guard c.process.isRunning else { return true }
            return (try? curl(ready + ["http\(ready.contains("-k") ? "s" : "")://127.0.0.1:\(port)/-/ready"]).code) == 200
        }
        try #require(up && c.process.isRunning, "klaxon did not start:\n\(E2E.read(log))")
        return (c, port)
    }

    @Test func basicAuthGuardsEveryEndpoint() async throws {
        let dir = try E2E.tempDir("webauth")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // bcrypt of "hunter2", made by Python's bcrypt.
        let web = "basic_auth_users:\n  alice: $2b$06$M3FaxuH4A3FGFbmal6AJDeEngEFaQSbJk1KWEQqL8dAt2yx1BOukO\n"
            + "http_server_config:\n  headers:\n    X-Frame-Options: deny\n"
        let (klaxon, port) = try await start(dir: dir, web: web, ready: ["-u", "alice:hunter2"])
        defer { klaxon.stop() }
        let base = "http://127.0.0.1:\(port)"
        for path in ["/api/v1/query?query=up", "/api/v2/alerts", "/metrics", "/ui/alerts", "/api/v1/status/config"] {
            let anonymous = try curl([base + path])
            #expect(anonymous.code == 401, "\(path)")
            #expect(anonymous.body == "Unauthorized\n", "\(path)")
            #expect(anonymous.headers.lowercased().contains("www-authenticate: basic"))
            #expect(try curl(["-u", "alice:hunter3", base + path]).code == 401, "\(path)")
            #expect(try curl(["-u", "mallory:hunter2", base + path]).code == 401, "\(path)")
        }
        let ok = try curl(["-u", "alice:hunter2", base + "/api/v1/query?query=1"])
        #expect(ok.code == 200)
        #expect(ok.body.contains("\"status\":\"success\""))
        #expect(ok.headers.lowercased().contains("x-frame-options: deny"))
        let metrics = try curl(["-u", "alice:hunter2", base + "/metrics"]).body
        #expect(metrics.contains("prometheus_http_requests_total{code=\"200\",handler=\"/api/v1/query\"}"), "\(metrics)")
        #expect(metrics.contains("prometheus_http_request_duration_seconds_bucket{handler=\"/api/v1/query\""))
        #expect(metrics.contains("prometheus_http_requests_total{code=\"401\""))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")))
    func tlsServesHTTPSOnly() async throws {
        let dir = try E2E.tempDir("webtls")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let gen = try E2E.run("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                                                   "-keyout", dir + "/server.key", "-out", dir + "/server.crt"])
        try #require(gen.status == 0, "\(gen.err)")
        // Relative paths resolve against the web config's directory.
        let (klaxon, port) = try await start(dir: dir, web: "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n",
                                             ready: ["-k"])
        defer { klaxon.stop() }
        let https = try curl(["--cacert", dir + "/server.crt", "https://127.0.0.1:\(port)/api/v1/query?query=1"])
        #expect(https.code == 200)
        #expect(https.body.contains("\"status\":\"success\""))
        #expect(try curl(["http://127.0.0.1:\(port)/api/v1/query?query=1"]).code != 200)
    }

    @Test func aMissingCertificateStopsStartupWithThePath() throws {
        let dir = try E2E.tempDir("webbad")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try E2E.write("tls_server_config:\n  cert_file: nope.crt\n  key_file: nope.key\n", to: dir + "/web.yml")
        let r = try E2E.run(E2E.klaxon, ["run", "--storage.path", dir + "/data", "--web.listen-address", "127.0.0.1:\(try freePort())",
                                         "--config.file", try E2E.writePrometheusConfig(dir: dir), "--web.config.file", dir + "/web.yml"])
        #expect(r.status == 1)
        #expect((r.out + r.err).contains("nope.crt"), "\(r.out)\(r.err)")
    }
}

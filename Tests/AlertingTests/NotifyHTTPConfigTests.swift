import Foundation
import Model
import Testing
@testable import Alerting
import HTTPClient

/// `http_config` applied to the webhook notifier (the Slack and PagerDuty notifiers are built
/// on the same per-config clients): real servers on 127.0.0.1, the config loaded from YAML
/// as `alertmanager.yml` would give it.
@Suite(.serialized) struct NotifyHTTPConfigTests {
    /// `text` as an alertmanager.yml in a fresh directory (relative `*_file` paths resolve there).
    func load(_ text: String, files: [String: String] = [:]) throws -> (AlertmanagerConfig, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("klaxon-httpcfg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, content) in files { try content.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        let file = dir.appendingPathComponent("alertmanager.yml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return (try AlertmanagerConfig.load(file: file.path), dir)
    }

    /// One attempt through the notifier `ReceiverNotifiers` built for `receiver`'s webhook[0].
    func notify(_ config: AlertmanagerConfig, _ receiver: String, index: Int = 0) async throws -> NotifyResult {
        let notifiers = try ReceiverNotifiers(config: config, templates: NotificationTemplates())
        defer { notifiers.shutdown() }
        let n = try #require(notifiers.notifier(receiver: receiver, integration: IntegrationID(kind: "webhook", index: index)))
        return try await n.notify(NotifyFixtures.highLoad)
    }

    func routes(_ receivers: String, global: String = "", root: String = "r") -> String {
        """
        \(global.isEmpty ? "" : "global:\n" + global)
        route:
          receiver: \(root)
        receivers:
        \(receivers)
        """
    }

    @Test func basicAuthAndPasswordFile() async throws {
        try await withSink { sink, client in
            let (config, _) = try load(routes("""
                - name: r
                  webhook_configs:
                    - url: \(sink.base)/codes/200/basic
                      http_config:
                        basic_auth: {username: alice, password: s3cret}
                    - url: \(sink.base)/codes/200/basicfile
                      http_config:
                        basic_auth: {username: bob, password_file: pw.txt}
                """), files: ["pw.txt": "from-file\n"])
            #expect(try await notify(config, "r").status == 200)
            #expect(try await notify(config, "r", index: 1).status == 200)
            let basic = try await sink.requests("basic", client: client)
            let fromFile = try await sink.requests("basicfile", client: client)
            #expect(basic.first?.headers["authorization"] == "Basic " + Data("alice:s3cret".utf8).base64EncodedString())
            #expect(fromFile.first?.headers["authorization"] == "Basic " + Data("bob:from-file".utf8).base64EncodedString())
        }
    }

    @Test func globalAuthorizationCredentialsFileIsTheDefault() async throws {
        try await withSink { sink, client in
            let (config, dir) = try load(routes("""
                - name: r
                  webhook_configs:
                    - url: \(sink.base)/codes/200/inherited
                    - url: \(sink.base)/codes/200/own
                      http_config:
                        authorization: {type: Token, credentials: own-token}
                    - url: \(sink.base)/codes/200/none
                      http_config:
                        follow_redirects: true
                """, global: """
                  http_config:
                    authorization:
                      credentials_file: token.txt
                """), files: ["token.txt": "tok-1\n"])
            #expect(try await notify(config, "r").status == 200)
            // The file is read at each request: a rotated token is used at once.
            try "tok-2".write(to: dir.appendingPathComponent("token.txt"), atomically: true, encoding: .utf8)
            #expect(try await notify(config, "r").status == 200)
            #expect(try await notify(config, "r", index: 1).status == 200)
            #expect(try await notify(config, "r", index: 2).status == 200)
            let inherited = try await sink.requests("inherited", client: client).map { $0.headers["authorization"] }
            #expect(inherited == ["Bearer tok-1", "Bearer tok-2"])
            #expect(try await sink.requests("own", client: client).first?.headers["authorization"] == "Token own-token")
            // A receiver's own http_config replaces the global one entirely.
            let none = try await sink.requests("none", client: client)
            #expect(none.count == 1)
            #expect(none.first?.headers["authorization"] == nil)
        }
    }

    @Test func bearerTokenFile() async throws {
        try await withSink { sink, client in
            let (config, _) = try load(routes("""
                - name: r
                  webhook_configs:
                    - url: \(sink.base)/codes/200/bearer
                      http_config:
                        bearer_token_file: bearer.txt
                """), files: ["bearer.txt": " abc \n"])
            #expect(try await notify(config, "r").status == 200)
            #expect(try await sink.requests("bearer", client: client).first?.headers["authorization"] == "Bearer abc")
        }
    }

    @Test func slackAndPagerDutyUseTheGlobalHTTPConfig() async throws {
        try await withSink { sink, client in
            let (config, _) = try load(routes("""
                - name: r
                  slack_configs:
                    - api_url: \(sink.base)/codes/200/slack
                      channel: '#c'
                  pagerduty_configs:
                    - url: \(sink.base)/codes/202/pd
                      routing_key: rk
                      http_config:
                        basic_auth: {username: pd, password: pw}
                """, global: """
                  http_config:
                    authorization: {credentials: global-token}
                """))
            let notifiers = try ReceiverNotifiers(config: config, templates: NotificationTemplates())
            defer { notifiers.shutdown() }
            let slack = try #require(notifiers.notifier(receiver: "r", integration: IntegrationID(kind: "slack", index: 0)))
            let pd = try #require(notifiers.notifier(receiver: "r", integration: IntegrationID(kind: "pagerduty", index: 0)))
            _ = try await slack.notify(NotifyFixtures.slack)
            _ = try await pd.notify(NotifyFixtures.pd())
            #expect(try await sink.requests("slack", client: client).first?.headers["authorization"] == "Bearer global-token")
            #expect(try await sink.requests("pd", client: client).first?.headers["authorization"]
                    == "Basic " + Data("pd:pw".utf8).base64EncodedString())
        }
    }

    @Test func oneClientPerDistinctHTTPConfig() throws {
        let (config, _) = try load(routes("""
            - name: r
              webhook_configs:
                - url: http://127.0.0.1:1/a
                - url: http://127.0.0.1:1/b
                - url: http://127.0.0.1:1/c
                  http_config: {bearer_token: x}
            """))
        let notifiers = try ReceiverNotifiers(config: config, templates: NotificationTemplates())
        defer { notifiers.shutdown() }
        #expect(notifiers.clientCount == 2)
    }

    /// A reload drops the old notifiers without `shutdown()`: their driver threads must end.
    @Test func droppedNotifiersStopTheirThreads() async throws {
        let (config, _) = try load(routes("""
            - name: r
              webhook_configs:
                - url: http://127.0.0.1:1/a
                - url: http://127.0.0.1:1/b
                  http_config: {bearer_token: x}
            """))
        func threads() -> Int { (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count) ?? 0 }
        let before = threads()
        var held: [ReceiverNotifiers] = []
        for _ in 0..<20 { held.append(try ReceiverNotifiers(config: config, templates: NotificationTemplates())) }
        #expect(held.allSatisfy { $0.clientCount == 2 })
        var deadline = ContinuousClock.now + .seconds(30)
        while threads() < before + 30, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(threads() >= before + 30, "each client runs a driver thread")
        held.removeAll()
        // Poll until the 40 driver threads are gone (generous: the machine is busy).
        deadline = ContinuousClock.now + .seconds(30)
        while threads() > before + 10, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(threads() <= before + 10, "driver threads of dropped notifiers still running: \(threads() - before)")
    }

    // MARK: TLS and proxy (Tests/HTTPClientTests/Fixtures/servers.py)

    @Test func tlsCAFileVerifiesTheReceiver() async throws {
        guard let certs = TestCertificates.shared else { return }
        let server = try FixtureServer(["http", "--cert", certs.serverCert, "--key", certs.serverKey])
        defer { server.stop() }
        let url = "https://127.0.0.1:\(server.port)/echo"
        let (config, _) = try load(routes("""
            - name: verified
              webhook_configs:
                - url: \(url)
                  http_config:
                    tls_config: {ca_file: \(certs.serverCert), min_version: TLS12}
            - name: named
              webhook_configs:
                - url: \(url)
                  http_config:
                    tls_config: {ca_file: \(certs.serverCert), server_name: localhost}
            - name: unverified
              webhook_configs:
                - url: \(url)
            - name: insecure
              webhook_configs:
                - url: \(url)
                  http_config:
                    tls_config: {insecure_skip_verify: true}
            """, root: "verified"))
        #expect(try await notify(config, "verified").status == 200)
        #expect(try await notify(config, "named").status == 200)
        #expect(try await notify(config, "insecure").status == 200)
        let error = await #expect(throws: NotifyError.self) { try await notify(config, "unverified") }
        #expect(error?.isRetryable == true)
    }

    @Test func tlsClientCertificate() async throws {
        guard let certs = TestCertificates.shared else { return }
        let server = try FixtureServer(["http", "--cert", certs.serverCert, "--key", certs.serverKey, "--client-ca", certs.clientCert])
        defer { server.stop() }
        let url = "https://127.0.0.1:\(server.port)/echo"
        let (config, _) = try load(routes("""
            - name: withcert
              webhook_configs:
                - url: \(url)
                  http_config:
                    tls_config: {ca_file: \(certs.serverCert), cert_file: \(certs.clientCert), key_file: \(certs.clientKey)}
            - name: nocert
              webhook_configs:
                - url: \(url)
                  http_config:
                    tls_config: {ca_file: \(certs.serverCert)}
            """, root: "withcert"))
        #expect(try await notify(config, "withcert").status == 200)
        await #expect(throws: NotifyError.self) { try await notify(config, "nocert") }
    }

    @Test func proxyURL() async throws {
        let proxy = try FixtureServer(["http"])
        defer { proxy.stop() }
        // `.invalid` never resolves, so only the proxy can answer.
        let (config, _) = try load(routes("""
            - name: proxied
              webhook_configs:
                - url: http://receiver.invalid/hook
                  http_config: {proxy_url: 'http://127.0.0.1:\(proxy.port)'}
            - name: direct
              webhook_configs:
                - url: http://receiver.invalid/hook
            """, root: "proxied"))
        #expect(try await notify(config, "proxied").status == 200)
        await #expect(throws: NotifyError.self) { try await notify(config, "direct") }
    }

    // MARK: Rejected at load

    @Test(arguments: [
        ("http_config:\n        oauth2: {client_id: a, client_secret: b, token_url: 'http://x/t'}", "oauth2 is not supported by Klaxon"),
        ("http_config:\n        tls_config: {ca: 'PEM'}", "tls_config ca is not supported by Klaxon (use ca_file)"),
        ("http_config:\n        tls_config: {min_version: TLS9}", "unknown TLS version: TLS9"),
    ])
    func unsupportedSettingsAreRejected(_ field: String, _ message: String) throws {
        let text = """
            route:
              receiver: r
            receivers:
            - name: r
              webhook_configs:
              - url: http://127.0.0.1:1/hook
                \(field)
            """
        do {
            _ = try AlertmanagerConfig.parse(text, file: "am.yml")
            Issue.record("accepted: \(field)")
        } catch let e as ConfigError {
            let text = "\(e)"
            #expect(text.contains(message), "\(text)")
            #expect(text.hasPrefix("am.yml:8:"), "the message names the file and line: \(text)")
        }
    }
}

/// Retries under a simulated pipeline clock (dry-run, demo): the deadline is far behind the
/// retrier's clock, and the budget still applies.
@Suite struct NotifySimulatedClockRetryTests {
    @Test func deadReceiverIsRetriedWithinTheFlushBudget() async throws {
        let port = try freePort()
        var c = WebhookConfig()
        c.url = "http://127.0.0.1:\(port)/hook"
        let client = try HTTPClient()
        defer { client.shutdown() }
        // The retrier's clock reads "now" in 2026; the simulated pipeline flushed in 1970.
        let sleeper = FakeSleeper(now: NotifyFixtures.t0)
        let retrier = Retrier(sleeper: sleeper, random: { 0.5 })
        let flush: Int64 = 3_600_000
        let labels = Labels(["alertname": "Down"])
        let n = Notification(receiver: "r", integration: IntegrationID(kind: "webhook", index: 0), groupKey: "{}:{}",
                             groupLabels: labels, status: .firing,
                             alerts: [NotifiedAlert(status: .firing, labels: labels, annotations: [:], startsAt: flush, endsAt: nil,
                                                    generatorURL: "", fingerprint: Fingerprint(labels))],
                             sendResolved: true, groupInterval: 10_000, repeatInterval: 3_600_000,
                             timestamp: flush, deadline: flush + 10_000)
        let request = NotificationRequest(n, externalURL: "http://klaxon")
        #expect(request.timestamp == flush)
        let out = await retrier.deliver(request, via: WebhookNotifier(config: c, client: client))
        #expect(!out.isDelivered)
        // Waits 0.5, 0.75, 1.125, 1.6875, 2.53125 s (6.59 s), then 3.8 s would pass 10 s.
        #expect(out.attempts == 6)
        let slept = sleeper.sleeps.reduce(Duration.zero, +)
        #expect(slept < .seconds(10))
        #expect(out.error?.message.hasPrefix("notify retry canceled after 6 attempts") == true)
    }
}

/// `ScaledSleeper` at 1000×: 5 s on its clock pass in 5 ms of wall time, and a dead
/// receiver is retried within a 10 s budget on that clock.
@Suite struct ScaledSleeperTests {
    @Test func sleepsAtSpeedAndRetriesWithinTheBudget() async throws {
        let sleeper = ScaledSleeper(speed: 1000)
        let t = sleeper.now()
        try await sleeper.sleep(for: .seconds(5))
        #expect(sleeper.now() - t >= 5_000)

        let port = try freePort()
        var c = WebhookConfig()
        c.url = "http://127.0.0.1:\(port)/hook"
        let client = try HTTPClient()
        defer { client.shutdown() }
        var n = NotifyFixtures.highLoad
        n.timestamp = 0
        n.deadline = 10_000
        let start = sleeper.now()
        let out = await Retrier(sleeper: sleeper, random: { 0.5 }).deliver(n, via: WebhookNotifier(config: c, client: client))
        #expect(!out.isDelivered)
        #expect(out.attempts >= 2)
        #expect(out.error?.message.contains("connection refused") == true)
        // It stopped because the next wait would pass the budget, not before.
        #expect(sleeper.now() - start < 10_000 + 60_000)
    }
}

/// A `Tests/HTTPClientTests/Fixtures/servers.py` server (it exits when its stdin closes, so
/// stdin is a pipe held open; `stop()` kills it with SIGKILL and waits).
final class FixtureServer: @unchecked Sendable {
    let port: Int
    private let process: Process
    private let stdin = Pipe()

    static let script = Paths.packageRoot.appendingPathComponent("Tests/HTTPClientTests/Fixtures/servers.py").path

    init(_ arguments: [String]) throws {
        // stdin stays open: servers.py exits when it closes.
        (process, port) = try startPythonServer(Self.script, arguments, stdin: stdin)
    }

    func stop() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// Throwaway certificates made with /usr/bin/openssl for this run: a server certificate for
/// `localhost` and `127.0.0.1`, and a client one. `nil` (the TLS tests then check nothing and
/// say so) when openssl fails.
struct TestCertificates: Sendable {
    var serverCert: String, serverKey: String, clientCert: String, clientKey: String

    static let shared: TestCertificates? = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("klaxon-notify-tls-\(UUID().uuidString)")
        guard (try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)) != nil else { return nil }
        func make(_ name: String, _ subject: String, _ san: String?) -> (String, String)? {
            let cert = dir.appendingPathComponent("\(name).pem").path
            let key = dir.appendingPathComponent("\(name)-key.pem").path
            var args = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", subject]
            if let san { args += ["-addext", "subjectAltName=\(san)"] }
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            p.arguments = args
            p.standardInput = FileHandle.nullDevice
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            guard (try? p.run()) != nil else { return nil }
            p.waitUntilExit()
            return p.terminationStatus == 0 ? (cert, key) : nil
        }
        guard let server = make("server", "/CN=localhost", "DNS:localhost,IP:127.0.0.1"),
              let client = make("client", "/CN=klaxon-notify-client", nil) else {
            print("NotifyHTTPConfigTests: skipped TLS: /usr/bin/openssl could not make a test certificate")
            return nil
        }
        return TestCertificates(serverCert: server.0, serverKey: server.1, clientCert: client.0, clientKey: client.1)
    }()
}

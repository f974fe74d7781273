import Foundation
import Model
import Testing
@testable import HTTPClient

/// What `/echo` saw of a request.
struct Echo: Decodable {
    var method: String
    var path: String
    var headers: [String: String]
    var body: String
}

func echo(_ response: HTTPResponse) throws -> Echo {
    try JSONDecoder().decode(Echo.self, from: Data(response.body))
}

/// The text `/page` serves.
let page = String(repeating: "# HELP up ok\n# TYPE up gauge\nup 1\n", count: 20)

@Suite("HTTP transfers")
struct HTTPTransferTests {
    @Test func getReturnsStatusHeadersAndBody() async throws {
        let server = try httpServer()
        let client = try HTTPClient()
        let response = try await client.execute(HTTPRequest(url: "\(server.base)/page"))
        #expect(response.status == 200)
        #expect(response.text == page)
        #expect(response.contentType == "text/plain; version=0.0.4")
        #expect(response.header("Content-Length") == "\(page.utf8.count)")
        #expect(response.headers.allSatisfy { $0.0 == $0.0.lowercased() })
    }

    @Test func gzipBodyIsDecoded() async throws {
        let server = try httpServer()
        let client = try HTTPClient()
        let response = try await client.execute(HTTPRequest(url: "\(server.base)/gzip", acceptGzip: true))
        #expect(response.status == 200)
        #expect(response.header("content-encoding") == "gzip")
        #expect(response.text == page)
        let sent = try echo(try await client.execute(HTTPRequest(url: "\(server.base)/echo", acceptGzip: true)))
        #expect(sent.headers["accept-encoding"] == "gzip")
    }

    @Test func postSendsMethodHeadersAndBody() async throws {
        let server = try httpServer()
        let client = try HTTPClient(config: HTTPClientConfig(userAgent: "Klaxon/test"))
        let body = Array(#"[{"labels":{"alertname":"Down"}}]"#.utf8)
        let response = try await client.execute(HTTPRequest(
            method: .post, url: "\(server.base)/echo",
            headers: [("Content-Type", "application/json"), ("X-Scope-OrgID", "team-a")], body: body))
        let sent = try echo(response)
        #expect(sent.method == "POST")
        #expect(sent.body == String(decoding: body, as: UTF8.self))
        #expect(sent.headers["content-type"] == "application/json")
        #expect(sent.headers["x-scope-orgid"] == "team-a")
        #expect(sent.headers["user-agent"] == "Klaxon/test")
        #expect(sent.headers["expect"] == nil)
    }

    @Test(arguments: [HTTPMethod.put, .delete, .patch])
    func otherMethods(method: HTTPMethod) async throws {
        let server = try httpServer()
        let client = try HTTPClient()
        let sent = try echo(try await client.execute(
            HTTPRequest(method: method, url: "\(server.base)/echo", body: Array("x=1".utf8))))
        #expect(sent.method == method.rawValue)
        #expect(sent.body == "x=1")
    }

    @Test func errorStatusIsReturnedAndRequireSuccessThrows() async throws {
        let server = try httpServer()
        let client = try HTTPClient()
        let url = "\(server.base)/status/500"
        let response = try await client.execute(HTTPRequest(url: url))
        #expect(response.status == 500)
        #expect(response.text == "status 500 from the test server\n")
        #expect(throws: HTTPClientError.httpStatus(url: url, status: 500, bodyPrefix: "status 500 from the test server\n")) {
            try response.requireSuccess(url: url)
        }
        #expect(throws: Never.self) { try HTTPResponse(status: 204).requireSuccess(url: url) }
    }

    @Test func redirectsAreFollowedUnlessDisabled() async throws {
        let server = try httpServer()
        let following = try await HTTPClient().execute(HTTPRequest(url: "\(server.base)/redirect"))
        #expect(following.status == 200)
        #expect(following.text == page)
        #expect(following.contentType == "text/plain; version=0.0.4")
        let stopping = try await HTTPClient(config: HTTPClientConfig(followRedirects: false))
            .execute(HTTPRequest(url: "\(server.base)/redirect"))
        #expect(stopping.status == 302)
        #expect(stopping.header("location") == "/page")
    }

    @Test func bodyOverTheLimitAbortsTheTransfer() async throws {
        let server = try httpServer()
        let client = try HTTPClient()
        let url = "\(server.base)/large?bytes=5000000"
        await #expect(throws: HTTPClientError.bodyTooLarge(url: url, limit: 1000)) {
            try await client.execute(HTTPRequest(url: url, maxResponseBytes: 1000))
        }
        let exact = try await client.execute(HTTPRequest(url: "\(server.base)/large?bytes=1000", maxResponseBytes: 1000))
        #expect(exact.body.count == 1000)
    }

    @Test func gzipLimitAppliesToTheDecodedBody() async throws {
        let server = try httpServer()
        let url = "\(server.base)/gzip"
        await #expect(throws: HTTPClientError.bodyTooLarge(url: url, limit: 100)) {
            try await HTTPClient().execute(HTTPRequest(url: url, maxResponseBytes: 100, acceptGzip: true))
        }
    }

    @Test func timeoutNamesTheURLAndTheDeadline() async throws {
        let server = try httpServer()
        // The server answers only after 30 s; finishing well before that shows the client's
        // timeout ended the transfer. The bound is loose because parallel tests on 2 cores can
        // delay the continuation's resumption by seconds.
        let url = "\(server.base)/slow?ms=30000"
        let start = ContinuousClock.now
        await #expect(throws: HTTPClientError.timeout(url: url, after: .milliseconds(300))) {
            try await HTTPClient().execute(HTTPRequest(url: url, timeout: .milliseconds(300)))
        }
        #expect(ContinuousClock.now - start < .seconds(20))
        #expect(HTTPClientError.timeout(url: url, after: .milliseconds(300)).description
            == "\"\(url)\": timed out after 300ms")
    }

    @Test func connectionRefused() async throws {
        let url = "http://127.0.0.1:\(try unusedPort())/metrics"
        let error = await #expect(throws: HTTPClientError.self) {
            try await HTTPClient().execute(HTTPRequest(url: url))
        }
        guard case .connectionRefused(let named, _) = error else {
            Issue.record("expected connectionRefused, got \(String(describing: error))")
            return
        }
        #expect(named == url)
    }

    @Test func dnsFailure() async throws {
        let error = await #expect(throws: HTTPClientError.self) {
            try await HTTPClient().execute(HTTPRequest(url: "http://nonexistent.invalid/"))
        }
        guard case .dns(let url, _) = error else {
            Issue.record("expected dns, got \(String(describing: error))")
            return
        }
        #expect(url == "http://nonexistent.invalid/")
    }

    @Test func errorsRedactThePassword() async throws {
        let url = "http://prom:hunter2@127.0.0.1:\(try unusedPort())/metrics"
        let error = await #expect(throws: HTTPClientError.self) {
            try await HTTPClient().execute(HTTPRequest(url: url))
        }
        let text = String(describing: error)
        #expect(!text.contains("hunter2"))
        #expect(error?.url == redactedURL(url))
        #expect(text.contains("prom:xxxxx@127.0.0.1"))
    }

    @Test func unsupportedSchemeIsRejected() async throws {
        let error = await #expect(throws: HTTPClientError.self) {
            try await HTTPClient().execute(HTTPRequest(url: "file:///etc/passwd"))
        }
        guard case .invalidRequest = error else {
            Issue.record("expected invalidRequest, got \(String(describing: error))")
            return
        }
    }
}

@Suite("Authentication and proxy")
struct AuthenticationTests {
    @Test func basicAuth() async throws {
        let server = try httpServer()
        let client = try HTTPClient(config: HTTPClientConfig(
            basicAuth: .init(username: "alice", password: "s3cret")))
        let sent = try echo(try await client.execute(HTTPRequest(url: "\(server.base)/echo")))
        #expect(sent.headers["authorization"] == "Basic " + Data("alice:s3cret".utf8).base64EncodedString())
    }

    @Test func basicAuthPasswordFile() async throws {
        let server = try httpServer()
        let file = try temporaryDirectory().appendingPathComponent("password")
        try "from-file\n".write(to: file, atomically: true, encoding: .utf8)
        let client = try HTTPClient(config: HTTPClientConfig(
            basicAuth: .init(username: "bob", passwordFile: file.path)))
        let sent = try echo(try await client.execute(HTTPRequest(url: "\(server.base)/echo")))
        #expect(sent.headers["authorization"] == "Basic " + Data("bob:from-file".utf8).base64EncodedString())
    }

    @Test func bearerToken() async throws {
        let server = try httpServer()
        let client = try HTTPClient(config: HTTPClientConfig(bearerToken: "t0k3n"))
        let sent = try echo(try await client.execute(HTTPRequest(url: "\(server.base)/echo")))
        #expect(sent.headers["authorization"] == "Bearer t0k3n")
    }

    @Test func bearerTokenFileIsReadAtEachRequest() async throws {
        let server = try httpServer()
        let file = try temporaryDirectory().appendingPathComponent("token")
        try "first\n".write(to: file, atomically: true, encoding: .utf8)
        let client = try HTTPClient(config: HTTPClientConfig(bearerTokenFile: file.path))
        let first = try echo(try await client.execute(HTTPRequest(url: "\(server.base)/echo")))
        #expect(first.headers["authorization"] == "Bearer first")
        try "second".write(to: file, atomically: true, encoding: .utf8)
        let second = try echo(try await client.execute(HTTPRequest(url: "\(server.base)/echo")))
        #expect(second.headers["authorization"] == "Bearer second")
    }

    @Test func missingTokenFileFailsTheRequest() async throws {
        let server = try httpServer()
        let client = try HTTPClient(config: HTTPClientConfig(bearerTokenFile: "/nonexistent/token"))
        let url = "\(server.base)/echo"
        await #expect(throws: HTTPClientError.invalidRequest(url: url, reason: "unable to read bearer_token_file /nonexistent/token")) {
            try await client.execute(HTTPRequest(url: url))
        }
    }

    @Test func conflictingSettingsAreRejected() {
        #expect(throws: HTTPClientConfig.ValidationError("at most one of bearer_token & bearer_token_file must be configured")) {
            try HTTPClient(config: HTTPClientConfig(bearerToken: "a", bearerTokenFile: "/b"))
        }
        #expect(throws: HTTPClientConfig.ValidationError.self) {
            try HTTPClient(config: HTTPClientConfig(basicAuth: .init(username: "u"), bearerToken: "a"))
        }
        #expect(throws: HTTPClientConfig.ValidationError.self) {
            try HTTPClient(config: HTTPClientConfig(tls: TLSConfig(certFile: "/c.pem")))
        }
    }

    @Test func proxyURL() async throws {
        let proxy = try httpServer()
        let client = try HTTPClient(config: HTTPClientConfig(proxyURL: proxy.base))
        let response = try await client.execute(HTTPRequest(url: "http://target.invalid:9100/metrics"))
        #expect(response.status == 200)
        #expect(response.text == #"{"proxied": "http://target.invalid:9100/metrics"}"#)
    }

    @Test func sharedDriverKeepsEachClientsSettings() async throws {
        let server = try httpServer()
        let plain = try HTTPClient()
        let withToken = try plain.sharingDriver(config: HTTPClientConfig(bearerToken: "shared"))
        async let a = plain.execute(HTTPRequest(url: "\(server.base)/echo"))
        async let b = withToken.execute(HTTPRequest(url: "\(server.base)/echo"))
        #expect(try echo(try await a).headers["authorization"] == nil)
        #expect(try echo(try await b).headers["authorization"] == "Bearer shared")
    }
}

@Suite("Driver")
struct DriverTests {
    @Test func fiftyRequestsOverlapOnOneDriverThread() async throws {
        let server = try httpServer()
        let client = try HTTPClient()
        let start = ContinuousClock.now
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<50 {
                group.addTask { try await client.execute(HTTPRequest(url: "\(server.base)/slow?ms=200")).status }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        let elapsed = ContinuousClock.now - start
        #expect(statuses == Array(repeating: 200, count: 50))
        // No wall-clock bound: parallel tests share 2 cores. Overlap is proven by how many
        // transfers the one driver thread had in flight at once.
        print("50 concurrent 200 ms requests took \(elapsed)")
        #expect(client.peakConcurrentTransfers >= 10, "at most \(client.peakConcurrentTransfers) transfers ran at once")
    }

    /// Waits until `client`'s driver has started a transfer.
    func waitUntilRunning(_ client: HTTPClient) async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while client.peakConcurrentTransfers == 0 {
            guard ContinuousClock.now < deadline else { throw FixtureError("the transfer never started") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    @Test func cancellingTheTaskAbortsTheTransfer() async throws {
        let server = try httpServer()
        let client = try HTTPClient()
        let task = Task { try await client.execute(HTTPRequest(url: "\(server.base)/slow?ms=60000")) }
        try await waitUntilRunning(client)
        let start = ContinuousClock.now
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        // Far below the server's 60 s: cancellation ended the transfer.
        #expect(ContinuousClock.now - start < .seconds(20))
        // The driver goes on serving.
        #expect(try await client.execute(HTTPRequest(url: "\(server.base)/page")).status == 200)
    }

    @Test func taskCancelledBeforeSubmittingNeverStarts() async throws {
        let server = try httpServer()
        let client = try HTTPClient()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await client.execute(HTTPRequest(url: "\(server.base)/slow?ms=10000"))
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(client.peakConcurrentTransfers == 0)
    }

    @Test func shutdownFailsRunningAndLaterTransfers() async throws {
        let server = try httpServer()
        let client = try HTTPClient()
        let url = "\(server.base)/slow?ms=10000"
        let task = Task { try await client.execute(HTTPRequest(url: url)) }
        try await waitUntilRunning(client)
        client.shutdown()
        await #expect(throws: HTTPClientError.shutdown(url: url)) { try await task.value }
        await #expect(throws: HTTPClientError.shutdown(url: "\(server.base)/page")) {
            try await client.execute(HTTPRequest(url: "\(server.base)/page"))
        }
    }
}

@Suite("Secret and URL redaction")
struct SecretTests {
    @Test func secretNeverPrintsItsValue() throws {
        let auth = HTTPClientConfig.BasicAuth(username: "alice", password: "hunter2")
        let config = HTTPClientConfig(basicAuth: auth, bearerToken: "t0k3n")
        #expect("\(Secret("hunter2"))" == "<secret>")
        #expect(String(reflecting: Secret("hunter2")) == "<secret>")
        for text in [String(describing: config), String(reflecting: config), String(describing: auth)] {
            #expect(!text.contains("hunter2") && !text.contains("t0k3n"), "\(text)")
        }
        var dumped = ""
        dump(config, to: &dumped)
        #expect(!dumped.contains("hunter2") && !dumped.contains("t0k3n"), "\(dumped)")
        #expect(Secret("hunter2").revealed == "hunter2")
        let encoded = try JSONEncoder().encode(Secret("hunter2"))
        #expect(String(decoding: encoded, as: UTF8.self) == #""<secret>""#)
        #expect(try JSONDecoder().decode(Secret.self, from: Data(#""abc""#.utf8)).revealed == "abc")
    }

    @Test(arguments: [
        ("https://user:pass@host/x?y=1", "https://user:xxxxx@host/x?y=1"),
        ("https://user:pass@host", "https://user:xxxxx@host"),
        ("http://user:@host:9090/", "http://user:xxxxx@host:9090/"),
        ("http://user:p@ss:w@rd@host/", "http://user:xxxxx@host/"),
        ("http://user@host/", "http://user@host/"),
        ("http://host/path?u=a:b@c", "http://host/path?u=a:b@c"),
        ("smtp://mail.example.org:25/helo", "smtp://mail.example.org:25/helo"),
        ("not a url", "not a url"),
    ])
    func redactedURLs(url: String, expected: String) {
        #expect(redactedURL(url) == expected)
    }
}

import Foundation
import Testing
@testable import Alerting
import HTTPClient

/// Delivery with retries against a real HTTP sink; time is a `FakeSleeper`, so waits are
/// exact and the tests never sleep.
@Suite(.serialized) struct NotifyRetryTests {
    /// Jitter pinned to the midpoint: waits are exactly 0.5 s, 0.75 s, 1.125 s, …
    func retrier(_ sleeper: FakeSleeper, metrics: NotifyMetrics = NotifyMetrics(), timeout: Duration = .seconds(10),
                 log: @escaping @Sendable (String) -> Void = { _ in }) -> Retrier {
        var policy = DeliveryPolicy()
        policy.attemptTimeout = timeout
        return Retrier(policy: policy, sleeper: sleeper, metrics: metrics, random: { 0.5 }, log: log)
    }

    func webhook(_ url: String, _ client: HTTPClient) -> WebhookNotifier {
        var c = WebhookConfig()
        c.url = url
        return WebhookNotifier(config: c, client: client)
    }

    func request(deadline: Int64?) -> NotificationRequest {
        var n = NotifyFixtures.highLoad
        n.deadline = deadline
        return n
    }

    @Test func backoffSchedule() {
        let p = DeliveryPolicy()
        #expect((1...4).map { p.interval(afterAttempt: $0) } == [.milliseconds(500), .milliseconds(750), .microseconds(1_125_000), .microseconds(1_687_500)])
        #expect(p.interval(afterAttempt: 40) == .seconds(60))
        let low = Retrier(random: { 0 }).wait(afterAttempt: 1), high = Retrier(random: { 0.999999 }).wait(afterAttempt: 1)
        #expect(low == .milliseconds(250))
        #expect(high > .milliseconds(749) && high <= .milliseconds(750))
    }

    @Test func serverErrorsAreRetriedUntilSuccess() async throws {
        try await withSink { sink, client in
            let sleeper = FakeSleeper(), metrics = NotifyMetrics()
            let out = await retrier(sleeper, metrics: metrics).deliver(request(deadline: sleeper.now() + 60_000),
                                                                       via: webhook("\(sink.base)/codes/500,503,200/a", client))
            #expect(out.isDelivered)
            #expect(out.attempts == 3)
            #expect(sleeper.sleeps == [.milliseconds(500), .milliseconds(750)])
            let recorded = try await sink.requests("a", client: client)
            #expect(recorded.count == 3)
            var want = NotifyMetrics.Counters()
            want.attempts = 3; want.failedAttempts = 2; want.successes = 1
            #expect(metrics.counters(receiver: "web", integration: "webhook") == want)
        }
    }

    /// Deliberate difference from Alertmanager 0.25 (which retries 429 only for PagerDuty v2).
    @Test func tooManyRequestsIsRetriedForEveryIntegration() async throws {
        try await withSink { sink, client in
            let sleeper = FakeSleeper()
            let out = await retrier(sleeper).deliver(request(deadline: nil), via: webhook("\(sink.base)/codes/429,200/b", client))
            #expect(out.isDelivered)
            #expect(out.attempts == 2)
        }
    }

    @Test func badRequestFailsAtOnceWithTheReceiversAnswer() async throws {
        try await withSink { sink, client in
            let sleeper = FakeSleeper(), metrics = NotifyMetrics()
            let lines = LogLines()
            let url = "\(sink.base)/codes/400/c"
            let out = await retrier(sleeper, metrics: metrics, log: lines.append).deliver(request(deadline: nil), via: webhook(url, client))
            #expect(out.attempts == 1)
            #expect(sleeper.sleeps.isEmpty)
            #expect(out.error == NotifyError(isRetryable: false,
                message: "notify retry canceled due to unrecoverable error after 1 attempts: unexpected status code 400: \(url): status 400 from sink", status: 400))
            #expect(lines.all.contains { $0.contains("status 400 from sink") })
            #expect(metrics.counters(receiver: "web", integration: "webhook").failures == 1)
        }
    }

    @Test func pagerDutyBadRequestDetails() async throws {
        try await withSink { sink, client in
            var c = PagerdutyConfig()
            c.routingKey = "k"
            c.url = "\(sink.base)/pd400/p"
            let out = await retrier(FakeSleeper()).deliver(NotifyFixtures.pd(), via: PagerDutyNotifier(config: c, templates: NotificationTemplates(), client: client))
            #expect(out.error?.message == "notify retry canceled due to unrecoverable error after 1 attempts: unexpected status code 400: Event object is invalid: Length of 'routing_key' is incorrect (should be 32 characters)")
        }
    }

    @Test func retriesStopAtTheDeadline() async throws {
        try await withSink { sink, client in
            let sleeper = FakeSleeper()
            // Waits 0.5 + 0.75 + 1.125 = 2.375 s fit in 3 s; the next (1.6875 s) does not.
            let out = await retrier(sleeper).deliver(request(deadline: sleeper.now() + 3_000), via: webhook("\(sink.base)/codes/502/d", client))
            #expect(!out.isDelivered)
            #expect(out.attempts == 4)
            #expect(out.error?.message.hasPrefix("notify retry canceled after 4 attempts: unexpected status code 502") == true)
            let recorded = try await sink.requests("d", client: client)
            #expect(recorded.count == 4)
        }
    }

    @Test func attemptTimeoutIsRetryableAndRecovers() async throws {
        try await withSink { sink, client in
            let sleeper = FakeSleeper()
            let out = await retrier(sleeper, timeout: .milliseconds(300)).deliver(request(deadline: sleeper.now() + 2_000),
                                                                                  via: webhook("\(sink.base)/slow/2000/e", client))
            #expect(!out.isDelivered)
            #expect(out.error?.isRetryable == true)
            #expect(out.error?.message.contains("timed out") == true)
            #expect(out.attempts == 3)
        }
    }

    @Test func connectionRefusedIsRetriedThenRecovers() async throws {
        let client = try HTTPClient()
        defer { client.shutdown() }
        let port = try freePort()
        let sleeper = FakeSleeper()
        let down = await retrier(sleeper).deliver(request(deadline: sleeper.now() + 1_000), via: webhook("http://127.0.0.1:\(port)/x", client))
        #expect(!down.isDelivered)
        #expect(down.error?.isRetryable == true)
        #expect(down.error?.message.contains("connection refused") == true)
        #expect(down.attempts == 2)
        // Recovery: the receiver comes back and the next flush delivers.
        try await withSink { sink, client in
            let out = await retrier(FakeSleeper()).deliver(request(deadline: nil), via: webhook("\(sink.base)/codes/200/f", client))
            #expect(out.isDelivered && out.attempts == 1)
        }
    }

    @Test func templateErrorsAreNotRetried() async throws {
        var c = SlackConfig()
        c.apiURL = SecretURL("http://127.0.0.1:9/never")
        c.text = "{{ .Broken"
        let out = await retrier(FakeSleeper()).deliver(NotifyFixtures.slack,
                                                       via: SlackNotifier(config: c, templates: NotificationTemplates(), client: try HTTPClient()))
        #expect(out.attempts == 1)
        #expect(out.error?.isRetryable == false)
    }

    @Test func slackErrorsNeverShowTheWebhookURL() async throws {
        try await withSink { sink, client in
            var c = SlackConfig()
            c.apiURL = SecretURL("\(sink.base)/codes/400/secret-token")
            c.channel = "#ops"
            let out = await retrier(FakeSleeper()).deliver(NotifyFixtures.slack, via: SlackNotifier(config: c, templates: NotificationTemplates(), client: client))
            let msg = try #require(out.error?.message)
            #expect(msg.contains(##"channel "#ops": unexpected status code 400"##))
            #expect(!msg.contains("secret-token"))
        }
    }
}

final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    var append: @Sendable (String) -> Void { { [self] l in lock.withLock { lines.append(l) } } }
    var all: [String] { lock.withLock { lines } }
}

/// A 127.0.0.1 port nothing listens on.
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
    }
    guard ok else { throw SinkError("bind failed") }
    return Int(UInt16(bigEndian: addr.sin_port))
}

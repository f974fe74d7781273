import HTTPClient
import Logging
import Metrics
import Model
import Rules
import Synchronization

/// Sends rule alerts to the Alertmanagers of `prometheus.yml`'s `alerting.alertmanagers`
/// (`POST <url>/api/v2/alerts`), as Prometheus' notifier does, alongside Klaxon's own pipeline.
///
/// `send` only queues: a slow or dead Alertmanager never delays rule evaluation. The queue holds
/// at most `capacity` alerts and drops the oldest beyond that, as Prometheus'
/// `--alertmanager.notification-queue-capacity` does.
public final class RemoteAlertmanagers: AlertSink, Sendable {
    let client: HTTPClient
    let logger: Logger
    let capacity: Int
    let timeout: Duration
    private let state = Mutex<(urls: [String], queue: [NotifierAlert])>(([], []))
    private let wake: AsyncStream<Void>
    private let wakeContinuation: AsyncStream<Void>.Continuation

    public init(client: HTTPClient, logger: Logger, capacity: Int = 10_000, timeout: Duration = .seconds(10)) {
        self.client = client
        self.logger = logger
        self.capacity = capacity
        self.timeout = timeout
        (wake, wakeContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Replaces the Alertmanager base URLs (on config load and reload).
    public func setURLs(_ urls: [String]) {
        state.withLock { $0.urls = urls.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 } }
    }

    public var urls: [String] { state.withLock { $0.urls } }

    public func send(_ alerts: [NotifierAlert]) async {
        let dropped = state.withLock { s -> Int in
            guard !s.urls.isEmpty else { return 0 }
            s.queue += alerts
            let over = max(0, s.queue.count - capacity)
            s.queue.removeFirst(over)
            return over
        }
        if dropped > 0 { Counter(label: "prometheus_notifications_dropped_total").increment(by: dropped) }
        wakeContinuation.yield()
    }

    /// Delivers queued alerts until cancelled, in batches of up to 64 as Prometheus sends them.
    public func run() async {
        for await _ in wake {
            while true {
                let (urls, batch) = state.withLock { s -> ([String], [NotifierAlert]) in
                    let n = min(64, s.queue.count)
                    let b = Array(s.queue.prefix(n))
                    s.queue.removeFirst(n)
                    return (s.urls, b)
                }
                if batch.isEmpty || urls.isEmpty { break }
                let body = Array(Self.payload(batch).utf8)
                await withTaskGroup(of: Void.self) { group in
                    for url in urls { group.addTask { await self.post(body, count: batch.count, to: url) } }
                }
            }
        }
    }

    func post(_ body: [UInt8], count: Int, to base: String) async {
        let url = base + "/api/v2/alerts"
        let request = HTTPRequest(method: .post, url: url, headers: [("Content-Type", "application/json")], body: body, timeout: timeout)
        do {
            try (try await client.execute(request)).requireSuccess(url: url)
            Counter(label: "prometheus_notifications_sent_total", dimensions: [("alertmanager", url)]).increment(by: count)
        } catch {
            Counter(label: "prometheus_notifications_errors_total", dimensions: [("alertmanager", url)]).increment(by: count)
            logger.error("Error sending alerts", metadata: ["alertmanager": "\(url)", "count": "\(count)", "err": "\(error)"])
        }
    }

    /// The JSON array `POST /api/v2/alerts` takes.
    static func payload(_ alerts: [NotifierAlert]) -> String {
        var w = JSONWriter()
        w.raw("[")
        for (i, a) in alerts.enumerated() {
            if i > 0 { w.raw(",") }
            w.raw("{")
            w.key("labels")
            w.labels(a.labels)
            w.raw(",")
            w.key("annotations")
            w.labels(Labels(a.annotations))
            w.raw(",")
            w.key("startsAt")
            w.string(APIFormat.rfc3339(a.startsAt))
            w.raw(",")
            w.key("endsAt")
            w.string(APIFormat.rfc3339(a.endsAt))
            w.raw(",")
            w.key("generatorURL")
            w.string(a.generatorURL)
            w.raw("}")
        }
        w.raw("]")
        return w.text
    }
}

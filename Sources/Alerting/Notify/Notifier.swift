import HTTPClient

/// One receiver integration (`webhook[0]`, `slack[1]`, …): renders a notification into
/// its payload and makes one delivery attempt. Retrying is not its business: `Retrier`
/// does that for every integration in one place, guided by `NotifyError.isRetryable`.
public protocol Notifier: Sendable {
    /// `webhook`, `slack`, `pagerduty` or `email`.
    var integration: String { get }
    /// One attempt. Throws `NotifyError` (or `CancellationError`); never retries.
    func notify(_ n: NotificationRequest) async throws -> NotifyResult
}

/// What a successful attempt did.
public struct NotifyResult: Sendable, Equatable {
    /// The receiver's HTTP status; `nil` for email.
    public var status: Int?
    /// Nothing had to be sent (e.g. only resolved alerts with `send_resolved: false`).
    public var skipped: Bool

    public init(status: Int? = nil, skipped: Bool = false) {
        self.status = status
        self.skipped = skipped
    }
}

/// A failed attempt. `isRetryable` says whether another attempt may succeed (network
/// errors, 5xx, 429); a template error or any other 4xx is permanent for this flush.
public struct NotifyError: Error, Sendable, Equatable, CustomStringConvertible {
    public var isRetryable: Bool
    /// Alertmanager's wording, e.g. `unexpected status code 400: http://x/hook: bad payload`.
    /// URLs are redacted; secrets never appear.
    public var message: String
    /// The HTTP status, when the receiver answered.
    public var status: Int?

    public init(isRetryable: Bool, message: String, status: Int? = nil) {
        self.isRetryable = isRetryable
        self.message = message
        self.status = status
    }

    public var description: String { message }

    /// A template that failed to parse or run: permanent.
    static func template(_ e: Error) -> NotifyError { NotifyError(isRetryable: false, message: "\(e)") }

    /// A transport failure from the HTTP client: retryable unless the request itself is bad.
    static func transport(_ e: HTTPClientError) -> NotifyError {
        switch e {
        case .invalidRequest, .shutdown: return NotifyError(isRetryable: false, message: e.description)
        default: return NotifyError(isRetryable: true, message: e.description)
        }
    }
}

/// HTTP status handling shared by the HTTP notifiers (`notify/util.go`: `Retrier.Check`).
struct StatusCheck: Sendable {
    /// Statuses other than 5xx that are retried: 429 for every integration (see
    /// `Retrier`), 403 for PagerDuty v1.
    var extraRetryable: Set<Int> = [429]

    /// Throws for a non-2xx status with `unexpected status code <code>: <details>`.
    func check(status: Int, details: String) throws(NotifyError) {
        if (200..<300).contains(status) { return }
        let retryable = (500..<600).contains(status) || extraRetryable.contains(status)
        let suffix = details.isEmpty ? "" : ": \(details)"
        throw NotifyError(isRetryable: retryable, message: "unexpected status code \(status)\(suffix)", status: status)
    }
}

/// The `User-Agent` Alertmanager 0.25 sends; receivers may key on it.
let notifierUserAgent = "Alertmanager/0.25.0"

/// POSTs a JSON body (`notify/util.go`: `PostJSON`) and maps transport failures.
func postJSON(_ client: HTTPClient, url: String, body: [UInt8], timeout: Duration) async throws -> HTTPResponse {
    let req = HTTPRequest(method: .post, url: url,
                          headers: [("Content-Type", "application/json"), ("User-Agent", notifierUserAgent)],
                          body: body, timeout: timeout, maxResponseBytes: 1 << 20)
    do {
        return try await client.execute(req)
    } catch let e as HTTPClientError {
        throw NotifyError.transport(e)
    }
}

/// `url` with any `user:password@` replaced, for messages.
func redacted(_ url: String) -> String {
    guard let scheme = url.range(of: "://"), let at = url[scheme.upperBound...].firstIndex(of: "@") else { return url }
    let slash = url[scheme.upperBound...].firstIndex(of: "/") ?? url.endIndex
    guard at < slash else { return url }
    return String(url[..<scheme.upperBound]) + "<redacted>" + String(url[at...])
}

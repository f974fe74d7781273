/// An async HTTP(S) and SMTP client over libcurl's multi interface.
///
/// All transfers of a client, and of the clients made from it with `sharingDriver(config:)`,
/// run on one driver thread, however many are in flight; no curl call blocks a task.
/// `execute` returns every response, whatever its status; cancelling the calling task
/// aborts its transfer and throws `CancellationError`.
///
/// ```swift
/// let client = try HTTPClient(config: HTTPClientConfig(bearerToken: "t0k3n"))
/// let response = try await client.execute(HTTPRequest(url: "http://localhost:9100/metrics",
///                                                     timeout: .seconds(10), acceptGzip: true))
/// try response.requireSuccess(url: "http://localhost:9100/metrics")
/// ```
public final class HTTPClient: Sendable {
    /// The authentication, TLS, proxy and redirect settings of every request.
    public let config: HTTPClientConfig
    private let lease: DriverLease

    /// Validates `config` (throwing `HTTPClientConfig.ValidationError`) and starts a driver
    /// thread for this client and those made from it.
    public init(config: HTTPClientConfig = HTTPClientConfig()) throws {
        try config.validate()
        self.config = config
        self.lease = DriverLease(driver: CurlDriver())
    }

    private init(config: HTTPClientConfig, lease: DriverLease) {
        self.config = config
        self.lease = lease
    }

    /// A client with its own settings that runs on this client's driver thread: a process
    /// needs one thread however many scrape jobs and receivers it has.
    public func sharingDriver(config: HTTPClientConfig) throws -> HTTPClient {
        try config.validate()
        return HTTPClient(config: config, lease: lease)
    }

    /// Runs `request` and returns the response, whatever its status. Throws
    /// `HTTPClientError` when no response was received whole (connection, DNS, TLS,
    /// timeout, size limit) and `CancellationError` when the task was cancelled.
    public func execute(_ request: HTTPRequest) async throws -> HTTPResponse {
        let result = try await run(Transfer(job: .http(request, config)))
        return HTTPResponse(status: result.status, headers: result.headers, body: result.body)
    }

    /// Stops the driver thread: transfers in flight, and any submitted later, fail with
    /// `HTTPClientError.shutdown`. It stops the clients sharing the driver too. Dropping the
    /// last client sharing a driver shuts it down as well.
    public func shutdown() {
        lease.driver.shutdown()
    }

    /// The largest number of transfers that were in flight at once on this client's driver.
    var peakConcurrentTransfers: Int { lease.driver.peakConcurrentTransfers.load(ordering: .relaxed) }

    func run(_ transfer: Transfer) async throws -> TransferResult {
        let driver = lease.driver
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                transfer.continuation = continuation
                driver.submit(transfer)
            }
        } onCancel: {
            driver.cancel(transfer)
        }
    }
}

/// Shared by the clients on one driver; the last one to go stops the thread.
private final class DriverLease: Sendable {
    let driver: CurlDriver
    init(driver: CurlDriver) { self.driver = driver }
    deinit { driver.shutdown() }
}

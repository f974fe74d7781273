/// A fetched `/metrics` response.
public struct FetchedPage: Sendable {
    public var status: Int
    public var contentType: String?
    public var body: [UInt8]
    public init(status: Int, contentType: String?, body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }
}

/// How scrape loops get pages; the HTTP client implements it, and so can a test.
public protocol ScrapeFetcher: Sendable {
    /// Fetches `url` with Prometheus' Accept header; throws `ScrapeFailure` naming the cause.
    func fetch(_ url: String, settings: HTTPSettings, timeout: Int64, bodyLimit: Int) async throws -> FetchedPage
}

/// The Accept header Prometheus 2.42 sends: OpenMetrics preferred, then the text format.
public let scrapeAcceptHeader =
    "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"

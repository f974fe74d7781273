/// An HTTP method. `rawValue` is what goes on the request line.
public struct HTTPMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let get = HTTPMethod(rawValue: "GET")
    public static let head = HTTPMethod(rawValue: "HEAD")
    public static let post = HTTPMethod(rawValue: "POST")
    public static let put = HTTPMethod(rawValue: "PUT")
    public static let patch = HTTPMethod(rawValue: "PATCH")
    public static let delete = HTTPMethod(rawValue: "DELETE")

    public var description: String { rawValue }
}

/// One HTTP request. Authentication, TLS and the proxy come from the client's
/// `HTTPClientConfig`; everything that varies per request is here.
public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    /// The absolute URL (`http://` or `https://`). It may carry `user:password@`, which curl
    /// sends as basic auth; errors print it redacted.
    public var url: String
    /// Extra request headers, sent in this order. A header set here replaces curl's default
    /// of the same name (`User-Agent`, `Accept`); a name with an empty value removes it.
    public var headers: [(String, String)]
    /// The request body; `nil` sends none. With `.get` and a body, the body is sent anyway.
    public var body: [UInt8]?
    /// The whole transfer's deadline: connect, send and receive. `.zero` means none.
    public var timeout: Duration
    /// The largest decoded response body accepted, in bytes; `nil` means no limit. A body
    /// larger than this aborts the transfer as soon as it is exceeded, with `.bodyTooLarge`.
    public var maxResponseBytes: Int?
    /// Sends `Accept-Encoding: gzip` and decodes a gzip-encoded body. The size limit applies
    /// to the decoded body.
    public var acceptGzip: Bool

    public init(
        method: HTTPMethod = .get,
        url: String,
        headers: [(String, String)] = [],
        body: [UInt8]? = nil,
        timeout: Duration = .seconds(30),
        maxResponseBytes: Int? = nil,
        acceptGzip: Bool = false
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
        self.acceptGzip = acceptGzip
    }
}

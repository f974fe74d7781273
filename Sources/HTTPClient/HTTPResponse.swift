import Model

/// A completed HTTP exchange, whatever its status: non-2xx responses are returned, not
/// thrown, because scrapes and notifiers read the status and the body of a failure.
/// `requireSuccess(url:)` turns a non-2xx status into an error.
public struct HTTPResponse: Sendable {
    /// The status code of the last response (after redirects, when followed).
    public var status: Int
    /// The last response's headers in arrival order, names lower-cased.
    public var headers: [(String, String)]
    /// The body, decoded when the request accepted gzip.
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of header `name` (matched case-insensitively), or `nil`.
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first(where: { $0.0 == lower })?.1
    }

    /// The `Content-Type` header, or `nil` when the response had none.
    public var contentType: String? { header("content-type") }

    /// `true` for a 2xx status.
    public var isSuccess: Bool { (200..<300).contains(status) }

    /// The body as UTF-8 text (invalid sequences repaired).
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The longest body prefix that `HTTPClientError.httpStatus` carries, in bytes.
    public static let errorBodyPrefixLength = 512

    /// Returns `self` for a 2xx status and throws `HTTPClientError.httpStatus` otherwise,
    /// naming `url` (redacted) and the first `errorBodyPrefixLength` bytes of the body.
    @discardableResult
    public func requireSuccess(url: String) throws(HTTPClientError) -> HTTPResponse {
        guard isSuccess else {
            let prefix = String(decoding: body.prefix(Self.errorBodyPrefixLength), as: UTF8.self)
            throw .httpStatus(url: redactedURL(url), status: status, bodyPrefix: prefix)
        }
        return self
    }
}

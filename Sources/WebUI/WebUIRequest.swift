/// One HTTP request as the UI sees it (transport-free, so tests call `WebUI.handle` directly).
public struct WebUIRequest: Sendable {
    public var method: String
    public var path: String
    /// The raw query string (without `?`).
    public var query: String
    /// The request body (form posts).
    public var body: [UInt8]
    /// Header values by lowercased name (`host`, `origin`, `content-type`).
    public var headers: [String: String]

    public init(method: String, path: String, query: String = "", body: [UInt8] = [], headers: [String: String] = [:]) {
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.headers = headers
    }

    /// Query-string parameters.
    public var parameters: FormData { FormData(encoded: query) }

    /// Form fields of a `application/x-www-form-urlencoded` body.
    public var form: FormData { FormData(encoded: String(decoding: body, as: UTF8.self)) }
}

/// A response: status, headers and an HTML (or plain) body.
public struct WebUIResponse: Sendable, Equatable {
    public var status: Int
    public var headers: [String: String]
    public var body: String

    public init(status: Int, headers: [String: String] = [:], body: String) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    static func html(_ status: Int, _ body: String) -> WebUIResponse {
        WebUIResponse(status: status, headers: ["Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"],
                      body: body)
    }

    /// 303 after a form post (the browser then GETs `location`), 302 for plain redirects.
    static func redirect(_ location: String, status: Int = 302) -> WebUIResponse {
        WebUIResponse(status: status, headers: ["Location": location, "Content-Type": "text/plain; charset=utf-8"],
                      body: "See \(location)\n")
    }
}

/// A transport-free HTTP request: what the API handlers read.
public struct APIRequest: Sendable {
    public var method: String
    /// The path without the query string, e.g. `/api/v1/query`.
    public var path: String
    /// Form values in Go's `r.Form` order: POST form body values first, then URL query values.
    public var form: [(name: String, value: String)]

    public init(method: String, path: String, query: String? = nil, body: [UInt8] = [], contentType: String? = nil) {
        self.method = method.uppercased()
        self.path = path
        var f: [(String, String)] = []
        if self.method == "POST" || self.method == "PUT" || self.method == "PATCH",
           let ct = contentType?.lowercased(), ct.hasPrefix("application/x-www-form-urlencoded") {
            f += FormDecoding.parse(String(decoding: body, as: UTF8.self))
        }
        if let query { f += FormDecoding.parse(query) }
        form = f
    }

    /// The first value of `name`, or nil (Go's `r.FormValue` returns "" for both).
    public func value(_ name: String) -> String? { form.first { $0.name == name }?.value }

    /// All values of `name`, e.g. `match[]`.
    public func values(_ name: String) -> [String] { form.filter { $0.name == name }.map(\.value) }
}

/// A response: status, content type and body.
public struct APIResponse: Sendable, Equatable {
    public var status: Int
    public var contentType: String
    public var body: String
    public var headers: [String: String] = [:]

    public init(status: Int, contentType: String = "application/json", body: String, headers: [String: String] = [:]) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.headers = headers
    }

    /// `{"status":"success","data":<data>}`.
    public static func success(_ data: String) -> APIResponse {
        APIResponse(status: 200, body: "{\"status\":\"success\",\"data\":\(data)}")
    }

    /// `{"status":"error","errorType":"…","error":"…"}` with the error type's status code.
    public static func error(_ e: APIError) -> APIResponse {
        APIResponse(status: e.kind.httpStatus,
                    body: "{\"status\":\"error\",\"errorType\":\"\(e.kind.rawValue)\",\"error\":\(JSONWriter.quote(e.message))}")
    }

    public static func text(_ status: Int, _ body: String) -> APIResponse {
        APIResponse(status: status, contentType: "text/plain; charset=utf-8", body: body)
    }
}

/// `application/x-www-form-urlencoded` and URL query decoding, as Go's `url.ParseQuery`.
enum FormDecoding {
    static func parse(_ s: String) -> [(String, String)] {
        var out: [(String, String)] = []
        for part in s.split(separator: "&", omittingEmptySubsequences: true) {
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let k = unescape(kv[0]) else { continue }
            let v = kv.count > 1 ? unescape(kv[1]) : ""
            if let v { out.append((k, v)) }
        }
        return out
    }

    static func unescape(_ s: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.utf8.count)
        var it = Array(s.utf8)[...]
        while let c = it.popFirst() {
            if c == UInt8(ascii: "+") { bytes.append(0x20) } else if c == UInt8(ascii: "%") {
                guard it.count >= 2, let h = hexValue(it[it.startIndex]), let l = hexValue(it[it.startIndex + 1]) else { return nil }
                bytes.append(h << 4 | l)
                it = it.dropFirst(2)
            } else { bytes.append(c) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: return c - 48
        case 65...70: return c - 55
        case 97...102: return c - 87
        default: return nil
        }
    }
}

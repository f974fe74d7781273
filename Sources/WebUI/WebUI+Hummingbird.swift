import HTTPTypes
import Hummingbird
import NIOCore

extension WebUI {
    /// Largest form body accepted (silence forms are a few KB).
    static let maxFormBytes = 256 * 1024

    /// Answers `request` if its path is the UI's (`WebUI.handles(path:)`), else returns nil
    /// without touching the body, so the caller can pass the request on (to the API).
    public func respond(to request: Request) async throws -> Response? {
        guard Self.handles(path: request.uri.path) else { return nil }
        var request = request
        var body: [UInt8] = []
        if request.method == .post {
            let buffer = try await request.collectBody(upTo: Self.maxFormBytes)
            body = Array(buffer.readableBytesView)
        }
        var headers: [String: String] = [:]
        for field in request.headers where headers[field.name.canonicalName] == nil {
            headers[field.name.canonicalName] = field.value
        }
        if headers["host"] == nil, let authority = request.head.authority { headers["host"] = authority }
        let r = WebUIRequest(method: request.method.rawValue, path: request.uri.path, query: request.uri.query ?? "",
                             body: body, headers: headers)
        return Self.response(await handle(r))
    }

    /// Registers every UI route on `router` (for servers built on a Hummingbird `Router`).
    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        for (method, path) in Self.routes {
            router.on(RouterPath(path), method: HTTPRequest.Method(rawValue: method)!) { request, _ -> Response in
                try await self.respond(to: request) ?? Response(status: .notFound)
            }
        }
    }

    static func response(_ r: WebUIResponse) -> Response {
        var headers = HTTPFields()
        for (k, v) in r.headers {
            if let name = HTTPField.Name(k) { headers[name] = v }
        }
        let buffer = ByteBuffer(string: r.body)
        headers[.contentLength] = String(buffer.readableBytes)
        return Response(status: .init(code: r.status), headers: headers, body: .init(byteBuffer: buffer))
    }
}

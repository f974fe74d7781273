import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// One HTTP request as the handlers see it: the parsed `APIRequest` plus the raw body and
/// content type (JSON APIs read the body themselves).
public struct HTTPRequestData: Sendable {
    public var method: String
    /// Without the query string.
    public var path: String
    public var query: String?
    public var body: [UInt8]
    public var contentType: String?

    public init(method: String, path: String, query: String? = nil, body: [UInt8] = [], contentType: String? = nil) {
        self.method = method.uppercased()
        self.path = path
        self.query = query
        self.body = body
        self.contentType = contentType
    }

    /// The form view (query and url-encoded body) of the Prometheus API.
    public var apiRequest: APIRequest {
        APIRequest(method: method, path: path, query: query, body: body, contentType: contentType)
    }
}

/// Maps path prefixes to handlers; the longest matching prefix wins, and `fallback` answers the
/// rest. Every API family (Prometheus v1, Alertmanager v2, the web UI) registers itself here:
///
///     var router = HTTPRouter(fallback: { await prometheus.handle($0.apiRequest) })
///     router.add(prefix: "/api/v2/") { await alertmanager.handle($0) }
public struct HTTPRouter: Sendable {
    public typealias Handler = @Sendable (HTTPRequestData) async -> APIResponse

    /// Longest prefix first.
    private var routes: [(prefix: String, handler: Handler)] = []
    private let fallback: Handler

    public init(fallback: @escaping Handler) { self.fallback = fallback }

    /// Sends every request whose path starts with `prefix` to `handler`.
    public mutating func add(prefix: String, _ handler: @escaping Handler) {
        routes.append((prefix, handler))
        routes.sort { $0.prefix.count > $1.prefix.count }
    }

    public func handle(_ r: HTTPRequestData) async -> APIResponse {
        for route in routes where r.path.hasPrefix(route.prefix) { return await route.handler(r) }
        return await fallback(r)
    }
}

/// Serves an `HTTPRouter` over HTTP/1.1 with Hummingbird. A `Service`: add it to a
/// `ServiceGroup`; graceful shutdown stops accepting and drains open requests.
public enum HTTPServer {
    /// Builds the application for the Prometheus API alone.
    public static func makeApplication(api: PrometheusAPI, host: String, port: Int, logger: Logger,
                                       onListening: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol {
        makeApplication(router: HTTPRouter { await api.handle($0.apiRequest) }, maxBodyBytes: api.deps.maxBodyBytes,
                        host: host, port: port, logger: logger, onListening: onListening)
    }

    /// Builds the application listening on `host:port`.
    ///
    /// - Parameter onListening: called with the bound port once the server is up (port 0 picks one).
    public static func makeApplication(router: HTTPRouter, maxBodyBytes limit: Int, host: String, port: Int, logger: Logger,
                                       onListening: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol {
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            var body: [UInt8] = []
            for try await buffer in request.body {
                if body.count + buffer.readableBytes > limit {
                    return response(.error(APIError(.badData, "request body larger than \(limit) bytes")), status: 413)
                }
                body += buffer.readableBytesView
            }
            let r = HTTPRequestData(method: request.method.rawValue, path: request.uri.path, query: request.uri.query,
                                    body: body, contentType: request.headers[.contentType])
            return response(await router.handle(r), status: nil)
        }
        return Application(responder: responder,
                           configuration: .init(address: .hostname(host, port: port), serverName: nil),
                           onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
                           logger: logger)
    }

    static func response(_ r: APIResponse, status: Int?) -> Response {
        var headers = HTTPFields()
        if !r.contentType.isEmpty { headers[.contentType] = r.contentType }
        for (k, v) in r.headers {
            if let name = HTTPField.Name(k) { headers[name] = v }
        }
        let buffer = ByteBuffer(string: r.body)
        headers[.contentLength] = String(buffer.readableBytes)
        return Response(status: .init(code: status ?? r.status), headers: headers, body: .init(byteBuffer: buffer))
    }
}

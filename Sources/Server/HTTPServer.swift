import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import Metrics
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
    /// `origin` and `host` (lower-cased names), for the web UI's cross-origin check.
    public var headers: [String: String] = [:]

    public init(method: String, path: String, query: String? = nil, body: [UInt8] = [], contentType: String? = nil,
                headers: [String: String] = [:]) {
        self.method = method.uppercased()
        self.path = path
        self.query = query
        self.body = body
        self.contentType = contentType
        self.headers = headers
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
        build(router: router, limit: limit, host: host, port: port, logger: logger, web: WebConfig(), server: .http1(),
              onListening: onListening)
    }

    /// As above, with `--web.config.file`'s basic auth, TLS and extra headers. Throws when a
    /// certificate or key cannot be read.
    public static func makeApplication(router: HTTPRouter, maxBodyBytes limit: Int, host: String, port: Int, logger: Logger,
                                       web: WebConfig, onListening: @escaping @Sendable (Int) async -> Void = { _ in })
        throws -> some ApplicationProtocol {
        build(router: router, limit: limit, host: host, port: port, logger: logger, web: web, server: try web.serverBuilder(),
              onListening: onListening)
    }

    static func build(router: HTTPRouter, limit: Int, host: String, port: Int, logger: Logger, web: WebConfig,
                      server: HTTPServerBuilder, onListening: @escaping @Sendable (Int) async -> Void)
        -> some ApplicationProtocol {
        let auth = BasicAuthenticator(users: web.basicAuthUsers)
        let extraHeaders = web.headers
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            let started = ContinuousClock.now
            var out = try await respond(request, router: router, limit: limit, auth: auth)
            for (k, v) in extraHeaders {
                if let name = HTTPField.Name(k) { out.headers[name] = v }
            }
            let handler = out.status == .notFound ? "other" : handlerLabel(request.uri.path)
            Timer(label: "prometheus_http_request_duration_seconds", dimensions: [("handler", handler)])
                .record(duration: ContinuousClock.now - started)
            Counter(label: "prometheus_http_requests_total", dimensions: [("code", String(out.status.code)), ("handler", handler)])
                .increment()
            return out
        }
        return Application(responder: responder, server: server,
                           configuration: .init(address: .hostname(host, port: port), serverName: nil),
                           onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
                           logger: logger)
    }

    /// Checks auth, reads the body up to `limit` and routes.
    static func respond(_ request: Request, router: HTTPRouter, limit: Int, auth: BasicAuthenticator) async throws -> Response {
        if !auth.allows(authorization: request.headers[.authorization]) {
            var r = response(APIResponse(status: 401, contentType: "text/plain; charset=utf-8", body: "Unauthorized\n"), status: nil)
            r.headers[.wwwAuthenticate] = "Basic"
            return r
        }
        var body: [UInt8] = []
        for try await buffer in request.body {
            if body.count + buffer.readableBytes > limit {
                return response(.error(APIError(.badData, "request body larger than \(limit) bytes")), status: 413)
            }
            body += buffer.readableBytesView
        }
        var r = HTTPRequestData(method: request.method.rawValue, path: request.uri.path, query: request.uri.query,
                                body: body, contentType: request.headers[.contentType])
        for name in ["origin", "host"] {
            if let n = HTTPField.Name(name), let v = request.headers[n] { r.headers[name] = v }
        }
        if r.headers["host"] == nil, let a = request.head.authority { r.headers["host"] = a }
        return response(await router.handle(r), status: nil)
    }

    /// The `handler` label of the HTTP metrics: the route, with ids and names collapsed so the
    /// label's values stay few.
    static func handlerLabel(_ path: String) -> String {
        if path.hasPrefix("/api/v1/label/") { return "/api/v1/label/:name/values" }
        if path.hasPrefix("/api/v2/silence/") { return "/api/v2/silence/:id" }
        if path.hasPrefix("/ui/") || path == "/" { return "/ui" }
        return path
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

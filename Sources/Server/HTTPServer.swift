import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Serves `PrometheusAPI` over HTTP/1.1 with Hummingbird. A `Service`: add it to a
/// `ServiceGroup`; graceful shutdown stops accepting and drains open requests.
public enum HTTPServer {
    /// Builds the application listening on `host:port`.
    ///
    /// - Parameter onListening: called with the bound port once the server is up (port 0 picks one).
    public static func makeApplication(api: PrometheusAPI, host: String, port: Int, logger: Logger,
                                       onListening: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol {
        let limit = api.deps.maxBodyBytes
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            var body: [UInt8] = []
            for try await buffer in request.body {
                if body.count + buffer.readableBytes > limit {
                    return response(.error(APIError(.badData, "request body larger than \(limit) bytes")), status: 413)
                }
                body += buffer.readableBytesView
            }
            let r = APIRequest(method: request.method.rawValue, path: request.uri.path, query: request.uri.query,
                               body: body, contentType: request.headers[.contentType])
            return response(await api.handle(r), status: nil)
        }
        return Application(responder: responder,
                           configuration: .init(address: .hostname(host, port: port), serverName: nil),
                           onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
                           logger: logger)
    }

    static func response(_ r: APIResponse, status: Int?) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = r.contentType
        for (k, v) in r.headers {
            if let name = HTTPField.Name(k) { headers[name] = v }
        }
        let buffer = ByteBuffer(string: r.body)
        headers[.contentLength] = String(buffer.readableBytes)
        return Response(status: .init(code: status ?? r.status), headers: headers, body: .init(byteBuffer: buffer))
    }
}

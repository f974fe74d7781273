import Exposition
import HTTPTypes
import Hummingbird
import Logging
import Model
import NIOCore

/// Serves the simulator's page at `/metrics` over HTTP, as the Gatewayz backend's
/// prometheus_client endpoint would. Each request renders the page at `clock.now()`, so the
/// page follows whatever clock the caller runs (simulated in `klaxon demo`, fixed in tests).
///
/// Content negotiation as Prometheus clients do it: OpenMetrics 1.0 when the `Accept` header
/// asks for `application/openmetrics-text`, the text format 0.0.4 otherwise.
public struct GatewayzExporter: Sendable {
    public let simulator: GatewayzSimulator
    public let clock: any Model.Clock

    public static let textContentType = "text/plain; version=0.0.4; charset=utf-8"
    public static let openMetricsContentType = "application/openmetrics-text; version=1.0.0; charset=utf-8"

    public init(simulator: GatewayzSimulator, clock: any Model.Clock) {
        self.simulator = simulator
        self.clock = clock
    }

    /// The response to one request: (status, content type, body).
    public func respond(path: String, accept: String?) -> (status: Int, contentType: String, body: String) {
        switch path {
        case "/metrics":
            let format: ExpositionFormat = (accept ?? "").contains("application/openmetrics-text") ? .openMetrics : .prometheusText
            let body = simulator.render(at: clock.now(), format: format)
            return (200, format == .openMetrics ? Self.openMetricsContentType : Self.textContentType, body)
        case "/", "":
            return (200, "text/plain; charset=utf-8", "Simulated Gatewayz backend (klaxon demo). Metrics at /metrics.\n")
        default:
            return (404, "text/plain; charset=utf-8", "404 page not found\n")
        }
    }

    /// The HTTP application listening on `host:port` (port 0 picks a free one). A `Service`:
    /// run it in a `ServiceGroup`, or call `run()` in a task and cancel that task to stop.
    ///
    /// - Parameter onListening: called with the bound port once the server is up.
    public func makeApplication(host: String = "127.0.0.1", port: Int, logger: Logger = Logger(label: "gatewayz"),
                                onListening: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let exporter = self
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            let r = exporter.respond(path: request.uri.path, accept: request.headers[.accept])
            var headers = HTTPFields()
            headers[.contentType] = r.contentType
            let buffer = ByteBuffer(string: r.body)
            headers[.contentLength] = String(buffer.readableBytes)
            return Response(status: .init(code: r.status), headers: headers, body: .init(byteBuffer: buffer))
        }
        return Application(responder: responder,
                           configuration: .init(address: .hostname(host, port: port), serverName: nil),
                           onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
                           logger: logger)
    }
}

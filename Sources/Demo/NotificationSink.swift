import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// The demo's console and file receivers: an HTTP endpoint inside `klaxon demo` that the
/// Alertmanager config's webhook integrations deliver to (real webhook payloads over real
/// HTTP). `POST /console` prints one line per notification; `POST /file` appends the payload
/// as one JSON line to `file`.
public final class NotificationSink: Sendable {
    /// Where `/file` appends (JSON Lines); nil keeps nothing.
    public let file: String?
    let printLine: @Sendable (String) -> Void
    private let counts = Mutex<(console: Int, file: Int)>((0, 0))

    public init(file: String?, printLine: @escaping @Sendable (String) -> Void) {
        self.file = file
        self.printLine = printLine
    }

    /// Notifications received so far by each receiver kind.
    public var received: (console: Int, file: Int) { counts.withLock { $0 } }

    /// Handles one delivery; returns the HTTP status.
    public func receive(path: String, body: [UInt8]) -> Int {
        switch path {
        case "/console":
            counts.withLock { $0.console += 1 }
            printLine(Self.describe(body))
            return 200
        case "/file":
            counts.withLock { $0.file += 1 }
            if let file {
                var line = body.filter { $0 != UInt8(ascii: "\n") }
                line.append(UInt8(ascii: "\n"))
                append(line, to: file)
            }
            return 200
        default:
            return 404
        }
    }

    private func append(_ bytes: [UInt8], to path: String) {
        if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
        guard let h = FileHandle(forWritingAtPath: path) else { return }
        defer { try? h.close() }
        h.seekToEndOfFile()
        h.write(Data(bytes))
    }

    /// One terminal line for an Alertmanager webhook payload (version 4).
    static func describe(_ body: [UInt8]) -> String {
        guard let json = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            return "notification (\(body.count) bytes, not JSON)"
        }
        let status = (json["status"] as? String ?? "?").uppercased()
        let receiver = json["receiver"] as? String ?? "?"
        let alerts = json["alerts"] as? [[String: Any]] ?? []
        let firing = alerts.filter { ($0["status"] as? String) == "firing" }.count
        let resolved = alerts.count - firing
        var names: [String] = []
        for a in alerts {
            let labels = a["labels"] as? [String: String] ?? [:]
            var n = labels["alertname"] ?? "?"
            let detail = ["provider", "model", "table", "endpoint", "cache_type", "limit_type"].compactMap { labels[$0] }
            if !detail.isEmpty { n += "{" + detail.joined(separator: ",") + "}" }
            if !names.contains(n) { names.append(n) }
        }
        let shown = names.prefix(3).joined(separator: ", ") + (names.count > 3 ? ", +\(names.count - 3) more" : "")
        var counts: [String] = []
        if firing > 0 { counts.append("\(firing) firing") }
        if resolved > 0 { counts.append("\(resolved) resolved") }
        return "\(status) → \(receiver): \(shown) (\(counts.joined(separator: ", ")))"
    }

    /// The HTTP application on `host:port` (0 picks a port).
    public func makeApplication(host: String = "127.0.0.1", port: Int, logger: Logger = Logger(label: "demo-sink"),
                                onListening: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let sink = self
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            var body: [UInt8] = []
            for try await buffer in request.body { body += buffer.readableBytesView }
            let status = request.method == .post ? sink.receive(path: request.uri.path, body: body) : 405
            var headers = HTTPFields()
            headers[.contentLength] = "0"
            return Response(status: .init(code: status), headers: headers, body: .init())
        }
        return Application(responder: responder,
                           configuration: .init(address: .hostname(host, port: port), serverName: nil),
                           onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
                           logger: logger)
    }
}

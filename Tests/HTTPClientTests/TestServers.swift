import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A fixture server (`Fixtures/servers.py`) running as a child process on 127.0.0.1.
/// It exits when its standard input closes: on `stop()`, or when the test process ends.
final class TestServer: @unchecked Sendable {
    let port: Int
    private let process: Process
    private let stdin: Pipe

    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .appendingPathComponent("Fixtures/servers.py").path

    /// Starts `servers.py` with `arguments` and waits for the port it prints.
    init(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script] + arguments
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { throw FixtureError("servers.py \(arguments.joined(separator: " ")) exited before printing a port") }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let port = Int(text) else { throw FixtureError("servers.py printed \(text.debugDescription), not a port") }
        self.port = port
        self.process = process
        self.stdin = stdin
    }

    var base: String { "http://127.0.0.1:\(port)" }

    func stop() {
        try? stdin.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    deinit { try? stdin.fileHandleForWriting.close() }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The plain HTTP server that most tests share, started on first use.
private let sharedHTTP = Result { try TestServer(["http"]) }
func httpServer() throws -> TestServer { try sharedHTTP.get() }

/// A 127.0.0.1 port that nothing listens on: bound to port 0 and closed again.
func unusedPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw FixtureError("socket failed") }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = 0
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p in
            bind(fd, p, len) == 0 && getsockname(fd, p, &len) == 0
        }
    }
    guard bound else { throw FixtureError("bind failed") }
    return Int(UInt16(bigEndian: addr.sin_port))
}

/// A fresh temporary directory.
func temporaryDirectory() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("klaxon-http-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

/// Runs a command to completion; returns its exit status, or `nil` when it cannot start.
@discardableResult
func runCommand(_ arguments: [String]) -> Int32? {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = arguments
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    do { try p.run() } catch { return nil }
    p.waitUntilExit()
    return p.terminationStatus
}

/// Self-signed certificates made with the `openssl` command for this test run: one for the
/// server (`localhost`, `127.0.0.1`) and one for a client. `nil` when `openssl` is missing.
struct Certificates: Sendable {
    var serverCert: String, serverKey: String, clientCert: String, clientKey: String

    static let shared: Certificates? = {
        guard runCommand(["openssl", "version"]) == 0, let dir = try? temporaryDirectory() else { return nil }
        func make(_ name: String, _ subject: String, _ san: String?) -> (String, String)? {
            let cert = dir.appendingPathComponent("\(name).pem").path
            let key = dir.appendingPathComponent("\(name)-key.pem").path
            var args = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                        "-days", "2", "-subj", subject]
            if let san { args += ["-addext", "subjectAltName=\(san)"] }
            return runCommand(args) == 0 ? (cert, key) : nil
        }
        guard let server = make("server", "/CN=localhost", "DNS:localhost,IP:127.0.0.1"),
              let client = make("client", "/CN=klaxon-test-client", nil) else { return nil }
        return Certificates(serverCert: server.0, serverKey: server.1, clientCert: client.0, clientKey: client.1)
    }()
}

import Foundation
import Glibc
import Testing

/// Polls `check` every 200 ms for up to `seconds` (end-to-end tests wait for real processes).
func eventually(_ seconds: Double, _ check: () throws -> Bool) async throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try check() { return true }
        try await Task.sleep(for: .milliseconds(200))
    }
    return false
}

/// A TCP port on 127.0.0.1 that was free a moment ago.
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
    _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
    return Int(UInt16(bigEndian: addr.sin_port))
}

/// A child process that is SIGKILLed and reaped when the test is done with it.
final class E2EProcess {
    let process = Process()
    deinit { stop() }
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        if process.processIdentifier != 0 { process.waitUntilExit() }
    }
}

/// Starts `python3 args…`, a helper server that prints its port on its first line; returns it
/// and that port.
func startPython(_ args: [String]) throws -> (E2EProcess, Int) {
    let c = E2EProcess()
    c.process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    c.process.arguments = ["python3"] + args
    let out = Pipe()
    c.process.standardOutput = out
    c.process.standardError = FileHandle.nullDevice
    c.process.standardInput = FileHandle.nullDevice
    try c.process.run()
    var line = Data()
    while !line.contains(UInt8(ascii: "\n")) {
        let d = out.fileHandleForReading.availableData
        if d.isEmpty { break }
        line.append(d)
    }
    let port = try #require(Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)))
    return (c, port)
}

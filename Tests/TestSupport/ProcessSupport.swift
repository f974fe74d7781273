// Helpers for tests that start real processes (klaxon, python servers, curl), shared by the
// end-to-end test targets.
import Foundation
import Glibc
import Testing

/// Polls `check` every 200 ms for up to `seconds` (end-to-end tests wait for real processes).
public func eventually(_ seconds: Double, _ check: () throws -> Bool) async throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try check() { return true }
        try await Task.sleep(for: .milliseconds(200))
    }
    return false
}

/// A TCP port on 127.0.0.1 that was free a moment ago.
public func freePort() throws -> Int {
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
public final class E2EProcess {
    public let process = Process()
    public init() {}
    deinit { stop() }
    public func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        if process.processIdentifier != 0 { process.waitUntilExit() }
    }
}

/// Starts `python3 args…`, a helper server that prints its port on its first line; returns it
/// and that port.
public func startPython(_ args: [String]) throws -> (E2EProcess, Int) {
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

/// Runs `tool args…` to completion with a deadline (SIGKILL after `timeout` s); stdout through a
/// file (a pipe can fill and hang), stderr and stdin to /dev/null.
public func runTool(_ tool: String, _ args: [String], timeout: Int = 60) throws -> (status: Int32, out: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
    p.arguments = ["-s", "KILL", String(timeout), tool] + args
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("klaxon-tool-\(UUID().uuidString)").path
    FileManager.default.createFile(atPath: path, contents: nil)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    p.standardOutput = h
    p.standardError = FileHandle.nullDevice
    p.standardInput = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
    try h.close()
    return (p.terminationStatus, (try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
}

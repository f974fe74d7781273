import Foundation
import TestSupport

import Glibc

/// Paths for the dry-run tests (process helpers come from TestSupport).
enum Paths {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let klaxon = root.appendingPathComponent(".build/debug/klaxon").path
    static func fixture(_ p: String) -> String { root.appendingPathComponent(p).path }

    /// A fresh temporary directory.
    static func tempDir(_ name: String = #function) throws -> String {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let dir = NSTemporaryDirectory() + "klaxon-dryrun-tests-\(safe)-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}

/// The outcome of a finished child process.
struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs `executable` to completion with stdin from /dev/null and output captured in files
/// (pipes left open by a child can hang `swift test`). Kills it after `timeout` seconds.
func runProcess(_ executable: String, _ args: [String], cwd: String = Paths.root.path, timeout: Double = 300) throws -> ProcessResult {
    let dir = try Paths.tempDir("proc")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let outPath = dir + "/out", errPath = dir + "/err"
    FileManager.default.createFile(atPath: outPath, contents: nil)
    FileManager.default.createFile(atPath: errPath, contents: nil)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = args
    p.currentDirectoryURL = URL(fileURLWithPath: cwd)
    p.standardInput = FileHandle.nullDevice
    p.standardOutput = FileHandle(forWritingAtPath: outPath)
    p.standardError = FileHandle(forWritingAtPath: errPath)
    try p.run()
    let deadline = Date().addingTimeInterval(timeout)
    while p.isRunning && Date() < deadline { usleep(20_000) }
    if p.isRunning {
        kill(p.processIdentifier, SIGKILL)
    }
    p.waitUntilExit()
    let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
    let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
    return ProcessResult(status: p.terminationStatus, stdout: out, stderr: err)
}

/// A child process started in the background, output to files; `stop()` kills it with SIGKILL.
final class Background {
    let process = Process()
    let dir: String

    init(_ executable: String, _ args: [String], cwd: String = Paths.root.path) throws {
        dir = try Paths.tempDir("bg")
        FileManager.default.createFile(atPath: dir + "/out", contents: nil)
        FileManager.default.createFile(atPath: dir + "/err", contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = args
        process.currentDirectoryURL = URL(fileURLWithPath: cwd)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle(forWritingAtPath: dir + "/out")
        process.standardError = FileHandle(forWritingAtPath: dir + "/err")
        try process.run()
    }

    var stderr: String { (try? String(contentsOfFile: dir + "/err", encoding: .utf8)) ?? "" }

    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: dir)
    }
}

func write(_ text: String, to path: String) throws {
    try text.write(toFile: path, atomically: true, encoding: .utf8)
}

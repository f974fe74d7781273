import Foundation

enum Paths {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let alertmanagerFixtures = packageRoot.appendingPathComponent("fixtures/alertmanager")
    static let configFixtures = packageRoot.appendingPathComponent("fixtures/config")
    static let amtool = URL(fileURLWithPath: "/usr/bin/amtool")
    /// Built by `swift build --product klaxon`; the binary tests skip when it is missing.
    static let klaxon = packageRoot.appendingPathComponent(".build/debug/klaxon")

    static func files(in dir: URL, suffix: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(suffix) }.sorted()
    }
}

struct ProcessOutput: Equatable {
    var exitCode: Int32
    var stdout: String
    var stderr: String
}

/// Runs `executable args...` in `directory`, so file names in messages are bare.
func runProcess(_ executable: URL, _ args: [String], in directory: URL) throws -> ProcessOutput {
    let p = Process()
    p.executableURL = executable
    p.arguments = args
    p.currentDirectoryURL = directory
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return ProcessOutput(exitCode: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
}

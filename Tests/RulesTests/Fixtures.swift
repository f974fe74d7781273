import Foundation

/// Paths and process helpers shared by the fixture tests.
enum Fixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let directory = packageRoot.appendingPathComponent("fixtures/promtool")
    /// Built by `swift build --product klaxon` before the tests run.
    static let klaxon = packageRoot.appendingPathComponent(".build/debug/klaxon")
    static let promtool = URL(fileURLWithPath: "/usr/bin/promtool")

    /// Every promtool test file (rule files live in `rules/`).
    static var testFiles: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".yml") }.sorted()
    }

    struct Output: Equatable, CustomStringConvertible {
        var exitCode: Int32
        var stdout: String
        var stderr: String
        var description: String { "exit \(exitCode)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
    }

    /// Runs `executable args...` in `cwd` (the fixtures directory by default, so paths in
    /// messages are the bare file names).
    static func run(_ executable: URL, _ args: [String], in cwd: URL = directory) throws -> Output {
        let p = Process()
        p.executableURL = executable
        p.arguments = args
        p.currentDirectoryURL = cwd
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Output(exitCode: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// The stored oracle output next to a test file: `<name>.stdout`, `.stderr`, `.exitcode`.
    static func golden(_ file: String) throws -> Output {
        let base = directory.appendingPathComponent(String(file.dropLast(4)))
        func read(_ ext: String) throws -> String { try String(contentsOf: base.appendingPathExtension(ext), encoding: .utf8) }
        return Output(exitCode: Int32(try read("exitcode").trimmingCharacters(in: .whitespacesAndNewlines))!, stdout: try read("stdout"), stderr: try read("stderr"))
    }
}

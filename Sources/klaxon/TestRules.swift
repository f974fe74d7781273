import ArgumentParser
import Foundation
import Rules

/// `klaxon test`: unit-test tooling, as `promtool test`.
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test", abstract: "Unit testing.", subcommands: [TestRules.self, TestNotifications.self])
}

/// `klaxon test rules FILE...`: promtool-compatible rule unit tests (same output, same exit codes).
struct TestRules: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rules", abstract: "Unit tests for rules.")

    @Argument(help: "The unit test file(s).")
    var files: [String]

    func validate() throws {
        // promtool's CLI parser rejects missing files before running anything.
        for f in files where !FileManager.default.fileExists(atPath: f) {
            throw ValidationError("path '\(f)' does not exist, try --help")
        }
    }

    func run() throws {
        let code = RulesUnitTest.run(files: files) { stream, line in
            let data = Data((line + "\n").utf8)
            switch stream {
            case .stdout: FileHandle.standardOutput.write(data)
            case .stderr: FileHandle.standardError.write(data)
            }
        }
        if code != 0 { throw ExitCode(code) }
    }
}

import ArgumentParser
import Foundation
import Rules

/// `klaxon check rules FILE...`: validates rule files exactly as `promtool check rules` does
/// (same stdout, stderr and exit code, including the default duplicate-rules lint).
///
/// `--lint` adds klaxon's rule lint (`RuleLint`): one warning per line on stdout for what makes a
/// rule silently useless. Warnings alone exit 0; `--lint-fatal` makes them (and duplicate
/// rules) exit 3, as promtool's lint does; any real error exits 1.
struct CheckRules: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules", abstract: "Check rule files (as promtool check rules); --lint adds the rule lint.")

    @Flag(help: "Also lint the rules for what makes them silently useless (warnings on stdout).")
    var lint = false

    @Option(help: ArgumentHelp(
        "Series, labels, # TYPE metadata and bucket bounds the lint checks against: a promtool test file, an OpenMetrics / text recording, or a directory of them.",
        valueName: "path"))
    var fixtures: String?

    @Flag(name: .customLong("lint-fatal"), help: "Make lint findings (duplicate rules, --lint warnings) exit with code 3.")
    var lintFatal = false

    @Argument(help: "The rule file(s).")
    var files: [String]

    func validate() throws {
        // promtool's CLI parser rejects missing files before checking anything.
        for f in files where !FileManager.default.fileExists(atPath: f) {
            throw ValidationError("path '\(f)' does not exist, try --help")
        }
        if fixtures != nil && !lint { throw ValidationError("--fixtures needs --lint") }
        if let p = fixtures, !FileManager.default.fileExists(atPath: p) {
            throw ValidationError("path '\(p)' does not exist, try --help")
        }
    }

    func run() throws {
        let out = RuleCheck.run(files: files, options: .init(lint: lint, fixtures: fixtures, lintFatal: lintFatal))
        for (stream, line) in out.lines {
            let data = Data((line + "\n").utf8)
            switch stream {
            case .stdout: FileHandle.standardOutput.write(data)
            case .stderr: FileHandle.standardError.write(data)
            }
        }
        if out.exitCode != 0 { throw ExitCode(out.exitCode) }
    }
}

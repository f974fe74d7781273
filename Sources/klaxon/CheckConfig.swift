import Alerting
import ArgumentParser
import Foundation

/// `klaxon check config FILE...`: validates Alertmanager configuration files, printing what
/// `amtool check-config` prints (exit 0 when all are valid, 1 otherwise).
struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Check Alertmanager configuration files (as amtool check-config).")

    @Argument(help: "The alertmanager.yml file(s).")
    var files: [String]

    func validate() throws {
        // amtool's CLI parser rejects missing files before checking anything.
        for f in files where !FileManager.default.fileExists(atPath: f) {
            throw ValidationError("path '\(f)' does not exist")
        }
    }

    func run() throws {
        let out = ConfigCheck.run(files: files)
        emit(out)
        if out.exitCode != 0 { throw ExitCode(out.exitCode) }
    }
}

/// Writes a command's output to the process' stdout and stderr.
func emit(_ out: CommandOutput) {
    FileHandle.standardOutput.write(Data(out.stdout.utf8))
    FileHandle.standardError.write(Data(out.stderr.utf8))
}

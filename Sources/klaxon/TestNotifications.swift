import ArgumentParser
import DryRun
import Foundation
import Synchronization

/// `klaxon test notifications FILE...`: end-to-end routing tests (docs/testing.md,
/// "Notification tests"). Output and exit codes follow `promtool test rules`.
struct TestNotifications: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notifications", abstract: "Unit tests for notification routing: input series → rules → Alertmanager → receivers.")

    @Argument(help: "The notification test file(s).")
    var files: [String]

    func validate() throws {
        for f in files where !FileManager.default.fileExists(atPath: f) {
            throw ValidationError("path '\(f)' does not exist, try --help")
        }
    }

    func run() throws {
        let files = self.files
        try runBlocking { await NotificationTestRunner.run(files: files) { print($0) } }
    }
}

import Foundation
import TestSupport
import Testing

/// `klaxon test notifications` on the guide's routing fixtures, and the golden failure output.
@Suite(.serialized) struct NotificationTestCommandTests {
    @Test func guideRoutingCasesPass() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Paths.klaxon))
        let files = try FileManager.default.contentsOfDirectory(atPath: Paths.fixture("fixtures/notifications"))
            .filter { $0.hasSuffix(".yml") }.sorted().map { "fixtures/notifications/" + $0 }
        #expect(!files.isEmpty)
        let r = try runProcess(Paths.klaxon, ["test", "notifications"] + files)
        #expect(r.status == 0, "\(r.stdout)")
        #expect(r.stdout.components(separatedBy: "  SUCCESS").count - 1 == files.count)
    }

    @Test func badFixturePrintsItsGoldenFailure() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Paths.klaxon))
        let file = "fixtures/notifications/bad/critical-to-slack.bad.yml"
        let r = try runProcess(Paths.klaxon, ["test", "notifications", file])
        #expect(r.status == 1)
        let golden = try String(contentsOfFile: Paths.fixture("fixtures/notifications/bad/critical-to-slack.bad.out"), encoding: .utf8)
        #expect(r.stdout == golden)
    }

    @Test func missingFileIsAUsageError() throws {
        let r = try runProcess(Paths.klaxon, ["test", "notifications", "/nonexistent.yml"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("path '/nonexistent.yml' does not exist"))
    }

    @Test func unknownKeysAreReportedWithTheirLine() throws {
        let dir = try Paths.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try write("""
            rule_files: [\(Paths.fixture("rules"))/*.yml]
            alertmanager_config: \(Paths.fixture("fixtures/config/alertmanager.yml"))
            tests:
              - name: typo
                notifications:
                  - by: 1m
                    expcet: []

            """, to: dir + "/t.yml")
        let r = try runProcess(Paths.klaxon, ["test", "notifications", dir + "/t.yml"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("line 7: field expcet not found in type notificationtest.Check"))
    }
}

import Foundation
import Testing

/// Golden and differential tests of `klaxon test rules` over fixtures/promtool/.
/// Build first: `flock /tmp/klaxon-build.lock swift build --product klaxon`.
@Suite struct FixtureTests {
    @Test func fixturesExist() {
        #expect(Fixtures.testFiles.count >= 8)
        #expect(FileManager.default.isExecutableFile(atPath: Fixtures.klaxon.path), "build the klaxon product first")
    }

    /// Passing files are named `*.yml`, failing ones `*.bad.yml`; the exit code must agree with the name.
    @Test(arguments: Fixtures.testFiles)
    func matchesGolden(_ file: String) throws {
        let got = try Fixtures.run(Fixtures.klaxon, ["test", "rules", file])
        let want = try Fixtures.golden(file)
        #expect(got == want)
        #expect(got.exitCode == (file.hasSuffix(".bad.yml") ? 1 : 0))
    }

    /// Runs real promtool and klaxon on the same file: same exit code, same stdout, same stderr.
    @Test(arguments: Fixtures.testFiles)
    func matchesPromtool(_ file: String) throws {
        guard FileManager.default.isExecutableFile(atPath: Fixtures.promtool.path) else {
            print("skipping differential test of \(file): \(Fixtures.promtool.path) is not installed")
            return
        }
        let want = try Fixtures.run(Fixtures.promtool, ["test", "rules", file])
        let got = try Fixtures.run(Fixtures.klaxon, ["test", "rules", file])
        #expect(got == want)
    }

    /// All files in one call: every file still runs and the exit code is 1 if any failed.
    @Test func severalFilesInOneCall() throws {
        let files = ["recording_pass.yml", "scalar.bad.yml", "group_eval_order.yml"]
        let got = try Fixtures.run(Fixtures.klaxon, ["test", "rules"] + files)
        #expect(got.exitCode == 1)
        #expect(got.stdout.components(separatedBy: "Unit Testing:  ").count == 4)
        #expect(got.stdout.hasSuffix("Unit Testing:  group_eval_order.yml\n  SUCCESS\n\n"))
    }
}

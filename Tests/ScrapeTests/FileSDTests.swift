import Foundation
import Model
import Testing
@testable import Scrape

struct NoFetch: ScrapeFetcher {
    func fetch(_ url: String, settings: HTTPSettings, timeout: Int64, bodyLimit: Int) async throws -> FetchedPage {
        throw ScrapeFailure("not fetched in this test")
    }
}

struct FixedClock: Model.Clock {
    func now() -> Int64 { 1_000_000 }
}

@Suite struct FileSDTests {
    func tempFile(_ name: String, _ text: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("klaxon-filesd-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func readsYAMLAndJSONTargetGroups() throws {
        let y = try tempFile("t.yml", "- targets: ['a:1', 'b:2']\n  labels: {env: prod}\n")
        let j = try tempFile("t.json", #"[{"targets": ["c:3"], "labels": {"team": "x"}}]"#)
        #expect(try FileSD.read(y) == [TargetGroup(targets: ["a:1", "b:2"], labels: ["env": "prod"], source: y)])
        #expect(try FileSD.read(j).first?.labels == ["team": "x"])
        let bad = try tempFile("bad.yml", "- targets: ['a:1']\n  labelz: {}\n")
        #expect(throws: (any Error).self) { try FileSD.read(bad) }
    }

    @Test func targetsFollowTheFile() throws {
        let path = try tempFile("targets.yml", "- targets: ['a:1']\n")
        var c = ScrapeConfig(interval: 60_000, timeout: 10_000)
        c.jobName = "fs"
        c.fileSDConfigs = [FileSDConfig(files: [path])]
        let m = ScrapeManager(fetcher: NoFetch(), storage: MemoryStore(), clock: FixedClock())
        m.apply([c])
        #expect(m.status.targets.map(\.url) == ["http://a:1/metrics"])
        #expect(m.status.targets.first?.discoveredLabels.get("__meta_filepath") == path)
        _ = m.fileSDChanged()
        try "- targets: ['a:1', 'b:2']\n".write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(5)], ofItemAtPath: path)
        #expect(m.fileSDChanged())
        m.sync()
        #expect(m.status.targets.map(\.url) == ["http://a:1/metrics", "http://b:2/metrics"])
        m.apply([])
        #expect(m.status.targets.isEmpty)
    }
}

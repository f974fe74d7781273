import Foundation
import TestSupport
import Glibc
import Testing
import Model
@testable import DryRun

/// `klaxon record` against a real HTTP server on 127.0.0.1 (Python's http.server serving a
/// static page); its output must satisfy promtool, `klaxon tsdb import` and the dry-run loader.
@Suite(.serialized) struct RecordCommandTests {
    static let page = """
        # TYPE requests counter
        requests_total{code="200"} 1027
        requests_total{code="500"} 3
        # TYPE temperature gauge
        temperature{room="a b"} 21.5

        """

    /// Serves `dir` over HTTP until `stop()`.
    func startServer(_ dir: String) async throws -> (Background, Int) {
        let port = try freePort()
        let server = try Background("/usr/bin/python3", ["-m", "http.server", "--bind", "127.0.0.1", String(port), "--directory", dir])
        let up = try await eventually(30) {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            addr.sin_port = in_port_t(UInt16(port).bigEndian)
            return withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            } == 0
        }
        try #require(up, "http.server did not start: \(server.stderr)")
        return (server, port)
    }

    @Test func recordsAValidFileThatPromtoolAndImportAccept() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Paths.klaxon))
        let dir = try Paths.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try write(Self.page, to: dir + "/metrics")
        let (server, port) = try await startServer(dir)
        defer { server.stop() }

        let out = dir + "/rec.om"
        let r = try runProcess(Paths.klaxon, ["record", "--target", "http://127.0.0.1:\(port)/metrics", "--job", "web",
                                              "--interval", "1s", "--duration", "3s", "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("record: done: wrote"))
        let text = try String(contentsOfFile: out, encoding: .utf8)
        #expect(text.hasSuffix("# EOF\n"))
        #expect(text.contains("temperature{instance=\"127.0.0.1:\(port)\",job=\"web\",room=\"a b\"} 21.5 "))

        let rec = try Recording.load(path: out)
        // 3 page series + up + 4 scrape_* series, 3 scrapes each.
        #expect(rec.series.count == 8)
        #expect(rec.sampleCount == 24)
        #expect(rec.targets.count == 1)
        #expect(rec.series.contains { $0.get("__name__") == "up" && $0.get("job") == "web" })

        let blocks = try runProcess("/usr/bin/promtool", ["tsdb", "create-blocks-from", "openmetrics", out, dir + "/promtool-blocks"])
        #expect(blocks.status == 0, "\(blocks.stdout)\(blocks.stderr)")
        let imported = try runProcess(Paths.klaxon, ["tsdb", "import", out, "--storage.path", dir + "/klaxon-db"])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("imported 24 samples of 8 series"))
    }

    @Test func ctrlCStopsCleanlyWithAValidFile() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Paths.klaxon))
        let dir = try Paths.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try write(Self.page, to: dir + "/metrics")
        let (server, port) = try await startServer(dir)
        defer { server.stop() }

        let out = dir + "/rec.om"
        let rec = try Background(Paths.klaxon, ["record", "--target", "http://127.0.0.1:\(port)/metrics", "--interval", "1s",
                                                "--duration", "1h", "--checkpoint", "1s", "--out", out])
        defer { rec.stop() }
        // Wait for a checkpoint with at least two scrapes in it.
        let recorded = try await eventually(60) {
            guard let t = try? String(contentsOfFile: out, encoding: .utf8) else { return false }
            return t.components(separatedBy: "temperature{").count - 1 >= 2
        }
        try #require(recorded, "no checkpoint written: \(rec.stderr)")
        kill(rec.process.processIdentifier, SIGINT)
        let exited = try await eventually(30) { !rec.process.isRunning }
        try #require(exited, "record did not stop on SIGINT")
        #expect(rec.process.terminationStatus == 0)
        #expect(rec.stderr.contains("record: interrupted: wrote"))
        let loaded = try Recording.load(path: out)
        #expect(loaded.sampleCount >= 16)
        #expect(!FileManager.default.fileExists(atPath: out + ".tmp"))
        let blocks = try runProcess("/usr/bin/promtool", ["tsdb", "create-blocks-from", "openmetrics", out, dir + "/blocks"])
        #expect(blocks.status == 0, "\(blocks.stdout)\(blocks.stderr)")
    }

    @Test func recordingStoreDropsStalenessMarkersAndSortsByMetric() throws {
        let store = RecordingStore()
        let app = store.makeAppender()
        try app.append(.init(["__name__": "z", "job": "j"]), 1000, 1)
        try app.append(.init(["__name__": "a", "job": "j"]), 1000, 2)
        try app.append(.init(["__name__": "z", "job": "j"]), 2000, Model.StaleNaN.value)
        try app.commit()
        let dir = try Paths.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try store.write(to: dir + "/r.om")
        let text = try String(contentsOfFile: dir + "/r.om", encoding: .utf8)
        #expect(text == "a{job=\"j\"} 2 1\nz{job=\"j\"} 1 1\n# EOF\n")
    }
}

import Foundation
import TestSupport
import Testing

/// Real `amtool` 0.25 (Debian's `prometheus-alertmanager`) against the built `klaxon run`:
/// alert add/query, silence add/query/expire, config show and config routes.
@Suite(.serialized) struct AmtoolTests {
    static let amtool = "/usr/bin/amtool"

    /// amtool with `--alertmanager.url`; the version warning on stderr (Klaxon reports its own
    /// version) is the only stderr output allowed.
    func amtool(_ port: Int, _ args: [String]) throws -> (status: Int32, out: String, err: String) {
        let r = try E2E.run(Self.amtool, ["--alertmanager.url=http://127.0.0.1:\(port)"] + args)
        let otherStderr = r.err.split(separator: "\n").filter { !$0.hasPrefix("Warning: amtool version (0.25.0) and alertmanager version") }
        #expect(otherStderr.isEmpty, "amtool \(args): \(r.err)")
        return r
    }

    static let config = """
        route:
          receiver: default
          group_by: [alertname]
          group_wait: 1h
          routes:
            - matchers: ['severity="critical"']
              receiver: pager
              continue: true
            - match:
                severity: warning
              receiver: chat
        receivers:
          - name: default
          - name: pager
            webhook_configs:
              - url: http://127.0.0.1:9/pager
          - name: chat
            webhook_configs:
              - url: http://127.0.0.1:9/chat
        """

    @Test func alertSilenceAndConfigCommands() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.amtool), "install prometheus-alertmanager (scripts/setup.sh)")
        let dir = try E2E.tempDir("amtool")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try E2E.write(Self.config, to: dir + "/am.yml")
        let (klaxon, port) = try await E2E.startKlaxon(dir: dir, ["--config.file", try E2E.writePrometheusConfig(dir: dir),
                                                                  "--alertmanager.config.file", dir + "/am.yml"])
        defer { klaxon.stop() }

        // alert add, twice, then query with and without a matcher.
        var r = try amtool(port, ["alert", "add", "alertname=DiskFull", "severity=critical", "instance=db1",
                                  "--annotation=summary=disk is full"])
        #expect(r.status == 0, "\(r)")
        r = try amtool(port, ["alert", "add", "alertname=CPUHigh", "severity=warning", "instance=web1"])
        #expect(r.status == 0, "\(r)")
        r = try amtool(port, ["alert", "query"])
        #expect(r.status == 0)
        let lines = r.out.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(r.out)")
        #expect(lines.first?.hasPrefix("Alertname") == true, "\(r.out)")
        #expect(lines.contains { $0.hasPrefix("DiskFull ") && $0.contains("disk is full") && $0.hasSuffix("active  ") }, "\(r.out)")
        #expect(lines.contains { $0.hasPrefix("CPUHigh ") }, "\(r.out)")
        r = try amtool(port, ["alert", "query", "severity=critical"])
        #expect(r.out.contains("DiskFull") && !r.out.contains("CPUHigh"), "\(r.out)")
        r = try amtool(port, ["alert", "query", "-o", "json", "alertname=~Disk.*"])
        let queried = try #require(E2E.json(r.out) as? [[String: Any]], "\(r.out)")
        #expect(queried.count == 1)
        #expect((queried.first?["receivers"] as? [[String: String]])?.map { $0["name"]! } == ["pager"])

        // silence add → query → the alert is suppressed → expire.
        r = try amtool(port, ["silence", "add", "alertname=DiskFull", "instance=db1", "-c", "disk replaced", "-a", "ops", "-d", "1h"])
        #expect(r.status == 0, "\(r)")
        let id = r.out.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(id.count == 36, "\(r.out)")
        r = try amtool(port, ["silence", "query"])
        #expect(r.out.contains(id) && r.out.contains(#"alertname="DiskFull" instance="db1""#) && r.out.contains("ops")
                && r.out.contains("disk replaced"), "\(r.out)")
        // silence update: GET the silence, POST it back with its id; an in-place change keeps the id.
        r = try amtool(port, ["silence", "update", id, "-c", "disk replaced, update", "-d", "2h"])
        #expect(r.status == 0, "\(r)")
        // It prints the updated silence: same id, new comment.
        let updated = r.out.split(separator: "\n").dropFirst().first.map(String.init) ?? ""
        #expect(updated.hasPrefix(id + " ") && updated.contains("disk replaced, update"), "\(r.out)")
        r = try amtool(port, ["silence", "query", "-q", "instance=db1"])
        #expect(r.out.trimmingCharacters(in: .whitespacesAndNewlines) == id)
        r = try amtool(port, ["silence", "query", "-q", "instance=db2"])
        #expect(r.out.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
        r = try amtool(port, ["alert", "query", "alertname=DiskFull"])
        #expect(r.out.isEmpty || !r.out.contains("DiskFull"), "silenced alerts are hidden by default: \(r.out)")
        r = try amtool(port, ["alert", "query", "-s", "alertname=DiskFull"])
        #expect(r.out.contains("suppressed"), "\(r.out)")
        r = try amtool(port, ["silence", "expire", id])
        #expect(r.status == 0, "\(r)")
        r = try amtool(port, ["silence", "query", "-q"])
        #expect(!r.out.contains(id))
        r = try amtool(port, ["silence", "query", "--expired", "-q"])
        #expect(r.out.contains(id))
        r = try amtool(port, ["alert", "query", "alertname=DiskFull"])
        #expect(r.out.contains("active"), "\(r.out)")

        // A silence matching everything is refused by the server.
        r = try E2E.run(Self.amtool, ["--alertmanager.url=http://127.0.0.1:\(port)", "silence", "add", "foo=~.*", "-c", "x"])
        #expect(r.status != 0)
        #expect(r.err.contains("at least one matcher must not match the empty string"), "\(r.err)")

        // config show prints the served config; config routes parses it with Alertmanager's parser.
        r = try amtool(port, ["config", "show"])
        #expect(r.status == 0)
        #expect(r.out.contains("receiver: pager") && r.out.contains("url: http://127.0.0.1:9/chat"), "\(r.out)")
        // The oracle: the same amtool reading the file itself, without a server.
        for args in [["config", "routes"], ["config", "routes", "test", "severity=critical"],
                     ["config", "routes", "test", "--tree", "severity=warning"]] {
            let viaKlaxon = try amtool(port, args)
            let local = try E2E.run(Self.amtool, args + ["--config.file", dir + "/am.yml"])
            #expect(viaKlaxon.status == 0 && local.status == 0, "\(viaKlaxon) \(local)")
            #expect(viaKlaxon.out == local.out, "\(args)")
            #expect(viaKlaxon.out.contains("receiver:") || viaKlaxon.out.contains("pager"), "\(viaKlaxon.out)")
        }
    }
}

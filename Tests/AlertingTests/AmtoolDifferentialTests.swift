import Alerting
import Foundation
import Testing

/// Klaxon against the real amtool 0.25 (Debian package `prometheus-alertmanager`, /usr/bin/amtool).
/// Every test prints a reason and passes when amtool is not installed.
@Suite struct AmtoolDifferentialTests {
    static var hasAmtool: Bool {
        let ok = FileManager.default.isExecutableFile(atPath: Paths.amtool.path)
        if !ok { print("skipping amtool differential test: \(Paths.amtool.path) is not installed (apt-get install prometheus-alertmanager)") }
        return ok
    }

    /// Deterministic label sets covering every branch of fixtures/config/alertmanager-routing-test.yml:
    /// the product of severity × team × env (absent included), with `service` alternating, plus extras.
    static let routingLabelSets: [[String]] = {
        var sets: [[String]] = []
        let severities = ["critical", "warning", "info", nil]
        let teams = ["db", "frontend", "payments", "infra", nil]
        let envs = ["prod", "staging", "dev", nil]
        let services = ["api", "billing-gw"]
        var i = 0
        for s in severities {
            for t in teams {
                for e in envs {
                    var l = ["alertname=Test\(i)", "cluster=c\(i % 3)"]
                    if let s { l.append("severity=\(s)") }
                    if let t { l.append("team=\(t)") }
                    if let e { l.append("env=\(e)") }
                    l.append("service=\(services[i % 2])")
                    sets.append(l)
                    i += 1
                }
            }
        }
        sets += [
            [], ["team=billing"], ["team=billing", "service=billing-"], ["team=payments", "service=billing-x", "env=prod"],
            ["team=front"], ["team=frontend", "severity=debug"], ["team=frontend", "service=api", "env=prod", "severity=critical"],
            ["team=frontendx", "env=staging"], ["team=db", "env=prod", "severity=critical"], ["team=db", "env=dev", "severity=warning"],
            ["team=infra", "env=qa"], ["team=infra", "env=prod"], ["severity=", "team=x", "env=prod"], ["env=prod"],
            ["team=\"db\"", "env=\"prod\""], ["team=payments, ok"],
        ]
        return sets
    }()

    static let gatewayzLabelSets: [[String]] = {
        var sets: [[String]] = []
        for s in ["critical", "warning", "info", nil] {
            for c in ["billing", "api", nil] {
                var l = ["alertname=HighHTTP5xxRate"]
                if let s { l.append("severity=\(s)") }
                if let c { l.append("component=\(c)") }
                sets.append(l)
            }
        }
        return sets
    }()

    static func amtoolTest(_ config: String, _ labels: [String], tree: Bool = false, verify: String? = nil) throws -> ProcessOutput {
        var args = ["config", "routes", "test", "--config.file", config]
        if tree { args.append("--tree") }
        if let verify { args.append("--verify.receivers=\(verify)") }
        return try runProcess(Paths.amtool, args + labels, in: Paths.configFixtures)
    }

    static func klaxonTest(_ config: String, _ labels: [String], tree: Bool = false, verify: String? = nil) -> CommandOutput {
        RoutesCommand.test(configFile: Paths.configFixtures.appendingPathComponent(config).path, labels: labels, tree: tree, verifyReceivers: verify)
    }

    static func compare(_ config: String, _ sets: [[String]]) throws -> Int {
        var compared = 0
        for labels in sets {
            for tree in [false, true] {
                let want = try amtoolTest(config, labels, tree: tree)
                let got = klaxonTest(config, labels, tree: tree)
                #expect(got.stdout == want.stdout, "\(config) \(labels) tree=\(tree)")
                #expect(got.exitCode == want.exitCode, "\(config) \(labels) tree=\(tree)")
                compared += 1
            }
        }
        return compared
    }

    @Test func routingTreeLabelSets() throws {
        guard Self.hasAmtool else { return }
        #expect(Self.routingLabelSets.count >= 60)
        let n = try Self.compare("alertmanager-routing-test.yml", Self.routingLabelSets)
        print("compared \(n) routes test outputs with amtool (alertmanager-routing-test.yml)")
    }

    @Test func gatewayzLabelSets() throws {
        guard Self.hasAmtool else { return }
        let n = try Self.compare("alertmanager.yml", Self.gatewayzLabelSets)
        print("compared \(n) routes test outputs with amtool (alertmanager.yml)")
        // The guide's intent, spelled out.
        #expect(Self.klaxonTest("alertmanager.yml", ["severity=critical", "component=billing"]).stdout == "pagerduty,finance-team\n")
        #expect(Self.klaxonTest("alertmanager.yml", ["severity=critical"]).stdout == "pagerduty\n")
        #expect(Self.klaxonTest("alertmanager.yml", ["severity=warning", "component=billing"]).stdout == "finance-team,slack\n")
        #expect(Self.klaxonTest("alertmanager.yml", ["component=billing"]).stdout == "finance-team\n")
        #expect(Self.klaxonTest("alertmanager.yml", ["severity=info"]).stdout == "default\n")
    }

    @Test(arguments: ["alertmanager-routing-test.yml", "alertmanager.yml"])
    func routesShow(_ config: String) throws {
        guard Self.hasAmtool else { return }
        let want = try runProcess(Paths.amtool, ["config", "routes", "show", "--config.file", config], in: Paths.configFixtures)
        let got = RoutesCommand.show(configFile: Paths.configFixtures.appendingPathComponent(config).path)
        #expect(got.stdout == want.stdout)
        #expect(got.exitCode == want.exitCode)
    }

    @Test(arguments: [
        (["severity=critical", "team=db", "env=prod"], "pager,db-oncall,db-slack"),
        (["severity=critical", "team=db", "env=prod"], "db-oncall,db-slack"),
        (["team=infra", "env=dev"], "infra,infra-dup"),
        (["team=infra", "env=dev"], "infra"),
        (["team=payments"], "payments"),
    ])
    func verifyReceivers(_ labels: [String], _ expected: String) throws {
        guard Self.hasAmtool else { return }
        let config = "alertmanager-routing-test.yml"
        let want = try Self.amtoolTest(config, labels, verify: expected)
        let got = Self.klaxonTest(config, labels, verify: expected)
        #expect(got.stdout == want.stdout)
        #expect(got.exitCode == want.exitCode)
    }

    /// amtool check-config fails on every `*.bad.yml` (except the receiver kinds Klaxon deliberately rejects),
    /// and each message amtool prints is among Klaxon's diagnostics, on the same line for YAML errors.
    @Test(arguments: ConfigDecodingTests.badFiles)
    func badConfigsAgreeWithAmtool(_ file: String) throws {
        guard Self.hasAmtool else { return }
        let want = try runProcess(Paths.amtool, ["check-config", file], in: Paths.alertmanagerFixtures)
        if file == "unsupported_receiver.bad.yml" {
            #expect(want.exitCode == 0, "Alertmanager accepts opsgenie; Klaxon rejects it on purpose")
            return
        }
        #expect(want.exitCode == 1)
        var diagnostics: [ConfigDiagnostic] = []
        do {
            _ = try AlertmanagerConfig.load(file: Paths.alertmanagerFixtures.appendingPathComponent(file).path, displayName: file)
            Issue.record("\(file) loaded")
        } catch let e as ConfigError { diagnostics = e.diagnostics }
        let first = want.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        guard let head = first.first, let r = head.range(of: "  FAILED: ") else { Issue.record("no FAILED in \(want.stdout)"); return }
        let message = String(head[r.upperBound...])
        if message == "yaml: unmarshal errors:" {
            for line in first.dropFirst() where line.hasPrefix("  line ") {
                let body = line.dropFirst("  line ".count)
                let n = Int(body.prefix { $0.isNumber })!
                let text = String(body.drop { $0 != ":" }.dropFirst(2))
                #expect(diagnostics.contains { $0.line == n && $0.message == text }, "\(file): \(line)")
            }
        } else {
            #expect(diagnostics.contains { $0.message == message }, "\(file): amtool said \(message)")
        }
    }

    @Test(arguments: ConfigDecodingTests.goodFiles)
    func checkConfigOutputMatchesAmtool(_ file: String) throws {
        guard Self.hasAmtool else { return }
        let want = try runProcess(Paths.amtool, ["check-config", file], in: Paths.alertmanagerFixtures)
        let cwd = FileManager.default.currentDirectoryPath
        FileManager.default.changeCurrentDirectoryPath(Paths.alertmanagerFixtures.path)
        defer { FileManager.default.changeCurrentDirectoryPath(cwd) }
        let got = ConfigCheck.run(files: [file])
        #expect(got.stdout == want.stdout)
        #expect(got.exitCode == want.exitCode)
    }

    /// The CLI itself, when built: `klaxon routes test|show` and `klaxon check config` print what amtool prints.
    @Test func binaryMatchesAmtool() throws {
        guard Self.hasAmtool else { return }
        guard FileManager.default.isExecutableFile(atPath: Paths.klaxon.path) else {
            print("skipping binary comparison: build the klaxon product first")
            return
        }
        let config = "alertmanager-routing-test.yml"
        for labels in Self.routingLabelSets.prefix(12) + Self.routingLabelSets.suffix(6) {
            let want = try Self.amtoolTest(config, labels, tree: true)
            let got = try runProcess(Paths.klaxon, ["routes", "test", "--config.file", config, "--tree"] + labels, in: Paths.configFixtures)
            #expect(got.stdout == want.stdout && got.exitCode == want.exitCode, "\(labels)")
        }
        let show = try runProcess(Paths.klaxon, ["routes", "show", "--config.file", config], in: Paths.configFixtures)
        let amShow = try runProcess(Paths.amtool, ["config", "routes", "show", "--config.file", config], in: Paths.configFixtures)
        #expect(show.stdout == amShow.stdout)
        let check = try runProcess(Paths.klaxon, ["check", "config", config, "alertmanager.yml"], in: Paths.configFixtures)
        let amCheck = try runProcess(Paths.amtool, ["check-config", config, "alertmanager.yml"], in: Paths.configFixtures)
        #expect(check.stdout == amCheck.stdout && check.exitCode == amCheck.exitCode)
    }
}

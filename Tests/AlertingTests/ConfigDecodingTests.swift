import Alerting
import Foundation
import Testing

@Suite struct ConfigDecodingTests {
    static let badFiles = Paths.files(in: Paths.alertmanagerFixtures, suffix: ".bad.yml")
    static let goodFiles = Paths.files(in: Paths.alertmanagerFixtures, suffix: ".yml").filter { !$0.hasSuffix(".bad.yml") }
        + ["../config/alertmanager.yml", "../config/alertmanager-routing-test.yml"]

    @Test func fixturesExist() {
        #expect(Self.badFiles.count >= 25)
        #expect(Self.goodFiles.count >= 4)
    }

    /// Each `x.bad.yml` fails with exactly the text in `x.bad.err`.
    @Test(arguments: badFiles)
    func badConfigFails(_ file: String) throws {
        let expected = try String(contentsOf: Paths.alertmanagerFixtures.appendingPathComponent(String(file.dropLast(4)) + ".err"), encoding: .utf8)
        #expect(throws: ConfigError.self) {
            try AlertmanagerConfig.load(file: Paths.alertmanagerFixtures.appendingPathComponent(file).path, displayName: file)
        }
        do {
            _ = try AlertmanagerConfig.load(file: Paths.alertmanagerFixtures.appendingPathComponent(file).path, displayName: file)
        } catch {
            #expect("\(error)\n" == expected)
        }
    }

    @Test(arguments: goodFiles)
    func goodConfigLoads(_ file: String) throws {
        _ = try AlertmanagerConfig.load(file: Paths.alertmanagerFixtures.appendingPathComponent(file).path)
    }

    @Test func defaultsAndGlobalsAreFilledIn() throws {
        let cfg = try AlertmanagerConfig.load(file: Paths.alertmanagerFixtures.appendingPathComponent("full.yml").path)
        #expect(cfg.global.resolveTimeout == 60_000)
        #expect(cfg.templates == [Paths.alertmanagerFixtures.appendingPathComponent("templates/*.tmpl").standardizedFileURL.path])
        let web = try #require(cfg.receiver(named: "web")?.webhookConfigs.first)
        #expect(web.sendResolved && web.maxAlerts == 5)
        #expect(web.httpConfig.authorization?.credentials?.revealed == "token123")
        #expect(web.httpConfig.followRedirects, "own http_config: global not used")
        let slack = try #require(cfg.receiver(named: "slack")?.slackConfigs.first)
        #expect(slack.apiURL?.value == "https://hooks.slack.com/services/T/B/X")
        #expect(!slack.sendResolved)
        #expect(!slack.httpConfig.followRedirects, "global http_config inherited")
        #expect(slack.username == #"{{ template "slack.default.username" . }}"#)
        #expect(slack.title == "custom {{ .Status }}")
        let pd = try #require(cfg.receiver(named: "pd")?.pagerdutyConfigs.first)
        #expect(pd.url == "https://pd.example.org/v2/enqueue")
        #expect(!pd.usesV1)
        #expect(pd.details["firing"] == "custom" && pd.details["extra"] == "value" && pd.details["num_firing"] != nil)
        let mail = try #require(cfg.receiver(named: "mail")?.emailConfigs.first)
        #expect(mail.from == "alertmanager@example.org" && mail.smarthost == "smtp.example.org:587" && mail.hello == "am.example.org")
        #expect(mail.authPassword?.revealed == "hunter2" && mail.requireTLS == false)
        #expect(mail.headers == ["X-Team": "billing"])
        #expect(cfg.receiver(named: "blackhole") != nil)
        #expect(cfg.timeIntervals.first?.timeIntervals.first?.times == [540..<1050])
        #expect(cfg.timeIntervals.first?.timeIntervals.first?.daysOfMonth == [IntRange(1, -1)])
        #expect(cfg.muteTimeIntervals.map(\.name) == ["legacy"])
        #expect(cfg.inhibitRules.first?.equal == ["cluster"])
    }

    @Test func secretsPrintRedacted() throws {
        let cfg = try AlertmanagerConfig.load(file: Paths.alertmanagerFixtures.appendingPathComponent("full.yml").path)
        let mail = try #require(cfg.receiver(named: "mail")?.emailConfigs.first)
        #expect("\(mail.authPassword!)" == "<secret>")
        #expect(!"\(mail)".contains("hunter2"))
        #expect(!"\(cfg.global)".contains("s3cr3t"))
        #expect(!"\(cfg.receiver(named: "slack")!)".contains("hooks.slack.com"))
    }

    @Test func errorsCarryFileLineAndColumn() {
        let text = "route:\n  receiver: a\n  routes:\n    - receiver: nope\nreceivers:\n  - name: a\n"
        #expect(throws: ConfigError.self) { try AlertmanagerConfig.parse(text, file: "am.yml") }
        do { _ = try AlertmanagerConfig.parse(text, file: "am.yml") } catch let e as ConfigError {
            #expect(e.diagnostics == [ConfigDiagnostic(file: "am.yml", line: 4, column: 17, message: #"undefined receiver "nope" used in route"#)])
            #expect(e.description == #"am.yml:4:17: undefined receiver "nope" used in route"#)
        } catch {}
    }
}

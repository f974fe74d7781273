import ArgumentParser
import Demo
import Dispatch
import Foundation
import Model
import Synchronization

/// `klaxon demo`: a simulated Gatewayz backend with a scripted incident, scraped and alerted on
/// by Klaxon with the shipped rules, on a clock `--speed` times faster than wall time.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a simulated Gatewayz backend through an accelerated incident, with Klaxon's rules and alert routing.",
        discussion: """
            Starts the simulated backend on 127.0.0.1, loads 6 hours of its history, then scrapes it every \
            simulated 15 s with the rules in rules/ and the routing in fixtures/config/demo-alertmanager.yml \
            (console and file receivers). The script: fireworks degrades and goes down, a latency spike, a cost \
            spike, a Redis failure, then recovery. Run it from the repository root.
            """)

    @Option(help: "Simulated seconds per wall-clock second.")
    var speed: Double = 60

    @Option(name: .customLong("web.listen-address"), help: "Address of Klaxon's HTTP API and UI during the demo.")
    var listenAddress = "127.0.0.1:9096"

    @Option(help: "Also deliver every notification to this webhook URL (Alertmanager webhook payload).")
    var webhook: String?

    @Option(help: "Write every scrape to this OpenMetrics file (with timestamps, ending with # EOF) when the demo ends.")
    var record: String?

    @Option(name: .customLong("notifications.file"), help: "The file receiver's output (JSON Lines); default: a new temporary directory.")
    var notificationsFile: String?

    @Option(name: .customLong("rules"), help: "Rule files (globs).")
    var rules: [String] = ["rules/*.yml"]

    @Option(name: .customLong("alertmanager.config.file"), help: "The demo's routing; webhook URLs at http://demo-sink/ go to its console and file receivers.")
    var alertmanagerConfigFile = "fixtures/config/demo-alertmanager.yml"

    @Flag(name: .customLong("exit-when-done"), help: "Exit once the scripted incident is over instead of running on in steady state.")
    var exitWhenDone = false

    @Option(name: .customLong("exit-after"), help: "Exit after this much simulated time from the script's start (e.g. 2h for a two-hour recording).")
    var exitAfter: String?

    func validate() throws {
        if let e = exitAfter { _ = try PromDuration.parse(e) }
        guard speed >= 1 else { throw ValidationError("--speed must be at least 1") }
        guard Run.splitHostPort(listenAddress) != nil else {
            throw ValidationError("--web.listen-address must be host:port, not \(listenAddress)")
        }
    }

    func run() throws {
        var o = DemoOptions()
        o.speed = speed
        (o.apiHost, o.apiPort) = Run.splitHostPort(listenAddress)!
        o.webhookURL = webhook
        o.recordPath = record
        o.notificationsFile = notificationsFile
        o.ruleFiles = rules
        o.alertmanagerConfigFile = alertmanagerConfigFile
        o.exitWhenDone = exitWhenDone
        o.exitAfter = try exitAfter.map { try PromDuration.parse($0) }
        // Written unbuffered, so progress shows as it happens also in a pipe or file.
        let runner = DemoRunner(options: o) { line in FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
        try runBlocking { await runner.run() }
    }
}

import Alerting
import ArgumentParser
import Foundation

/// `klaxon routes`: the Alertmanager routing tree, as `amtool config routes`.
struct Routes: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "routes", abstract: "Show and test the Alertmanager routing tree (as amtool config routes).",
        subcommands: [RoutesShow.self, RoutesTest.self], defaultSubcommand: RoutesShow.self)
}

struct RoutesConfigOption: ParsableArguments {
    @Option(name: .customLong("config.file"), help: "The alertmanager.yml to load.")
    var configFile: String

    func check() throws {
        if !FileManager.default.fileExists(atPath: configFile) {
            throw ValidationError("path '\(configFile)' does not exist")
        }
    }
}

/// `klaxon routes show --config.file F`: the tree as `amtool config routes show` prints it.
struct RoutesShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Print the routing tree.")

    @OptionGroup var config: RoutesConfigOption

    func validate() throws { try config.check() }

    func run() throws {
        let out = RoutesCommand.show(configFile: config.configFile)
        emit(out)
        if out.exitCode != 0 { throw ExitCode(out.exitCode) }
    }
}

/// `klaxon routes test --config.file F [--tree] [--verify.receivers=a,b] label=value...`:
/// prints the receivers an alert with these labels is routed to, as `amtool config routes test`.
struct RoutesTest: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "test", abstract: "Route a label set and print its receivers.")

    @OptionGroup var config: RoutesConfigOption

    @Flag(name: .customLong("tree"), help: "Print the matching routes as a tree.")
    var tree = false

    @Option(name: .customLong("verify.receivers"),
            help: "Expected receivers, comma-separated; exit 1 if the label set routes elsewhere.")
    var verifyReceivers: String?

    @Argument(help: "Labels as name=value.")
    var labels: [String] = []

    func validate() throws { try config.check() }

    func run() throws {
        let out = RoutesCommand.test(configFile: config.configFile, labels: labels, tree: tree, verifyReceivers: verifyReceivers)
        emit(out)
        if out.exitCode != 0 { throw ExitCode(out.exitCode) }
    }
}

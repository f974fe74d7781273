import ArgumentParser

/// `klaxon check`: configuration validation, as `promtool check` / `amtool check-config`.
/// Add further checks (e.g. `rules`) to `subcommands`.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Check configuration files.", subcommands: [CheckConfig.self, CheckRules.self])
}

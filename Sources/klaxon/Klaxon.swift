import ArgumentParser

@main
struct Klaxon: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "klaxon",
        abstract: "A single-binary alert engine: scrape, store, evaluate rules, route notifications.",
        subcommands: [Query.self, TestCommand.self, TSDBCommand.self, Check.self, Routes.self, Run.self, DryRunCommand.self, RecordCommand.self, DemoCommand.self]
    )
}

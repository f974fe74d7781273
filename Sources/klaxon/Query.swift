import ArgumentParser
import Model
import PromQL

/// `klaxon query`: parse (and print back) or evaluate an expression. Placeholder until the store lands.
struct Query: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Parse a PromQL expression and print it in canonical form.")

    @Argument(help: "The PromQL expression.")
    var expr: String

    func run() throws {
        do {
            let e = try PromQLParser.parse(expr)
            print(e)
        } catch let e as ParseError {
            print(e)
            throw ExitCode(1)
        }
    }
}

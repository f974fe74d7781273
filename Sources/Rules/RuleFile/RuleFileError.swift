/// A rule-file error, printed as `promtool check rules` prints it:
/// `<file>: <l>:<c>: group "g", rule 1, "name": message`.
public struct RuleFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var message: String

    public init(file: String, message: String) {
        self.file = file
        self.message = message
    }

    public var description: String { file.isEmpty ? message : "\(file): \(message)" }

    /// The rule-level message with the positions Prometheus' `rulefmt.Error` prints.
    static func rule(group: String, index: Int, name: String, positions: [SourcePosition], _ msg: String) -> String {
        let where_ = positions.map { "\($0): " }.joined()
        return "\(where_)group \(goQuoteString(group)), rule \(index), \(goQuoteString(name)): \(msg)"
    }
}

import Model
func goQuoteString(_ s: String) -> String { goQuote(s) }

/// Every error of one rule file (Prometheus reports them all, not only the first).
public struct RuleFileErrors: Error, Sendable, Equatable {
    public var errors: [RuleFileError]
    public init(_ errors: [RuleFileError]) { self.errors = errors }
}

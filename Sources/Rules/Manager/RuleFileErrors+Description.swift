extension RuleFileErrors: CustomStringConvertible {
    /// One error per line, each naming its file and position.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

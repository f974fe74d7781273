/// One problem found in a configuration file, with the position it refers to.
///
/// Messages use Alertmanager 0.25's wording (`undefined receiver "x" used in route`);
/// Klaxon adds the position, which Alertmanager does not report.
public struct ConfigDiagnostic: Hashable, Sendable, CustomStringConvertible {
    /// The file name as given on the command line; nil when decoding a string.
    public var file: String?
    /// 1-based; 0 when the problem has no position (e.g. an empty document).
    public var line: Int
    public var column: Int
    public var message: String

    public init(file: String? = nil, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        var prefix = file.map { $0 + ":" } ?? ""
        if line > 0 { prefix += "\(line):\(column):" }
        return prefix.isEmpty ? message : prefix + " " + message
    }
}

/// A configuration that failed to load: every problem found, in document order.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [ConfigDiagnostic]

    public init(_ diagnostics: [ConfigDiagnostic]) { self.diagnostics = diagnostics }

    /// One problem on one line; several as an indented list (as Go's `yaml: unmarshal errors:`).
    public var description: String {
        if diagnostics.count == 1 { return diagnostics[0].description }
        return "\(diagnostics.count) errors:\n" + diagnostics.map { "  " + $0.description }.joined(separator: "\n")
    }
}

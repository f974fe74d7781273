/// A positioned error, printed as Prometheus prints them: `1:14: parse error: unexpected ...`.
public struct ParseError: Error, Equatable, CustomStringConvertible, Sendable {
    public var position: PositionRange
    public var message: String
    public var query: String
    /// Added to the line number (for errors inside a larger file).
    public var lineOffset = 0

    public init(position: PositionRange, message: String, query: String) {
        self.position = position
        self.message = message
        self.query = query
    }

    /// 1-based line and column (in bytes, as Prometheus counts).
    public var lineAndColumn: (line: Int, column: Int) {
        let bytes = Array(query.utf8)
        let p = min(max(position.start, 0), bytes.count)
        var line = lineOffset + 1, lastBreak = -1
        for i in 0..<p where bytes[i] == 10 { line += 1; lastBreak = i }
        return (line, p - lastBreak)
    }

    public var description: String {
        let (l, c) = lineAndColumn
        return "\(l):\(c): parse error: \(message)"
    }
}

import Model

/// The value of an instant query, for the Query page's table.
public enum UIQueryValue: Sendable, Equatable {
    case vector([UISample])
    case matrix([UISeries])
    case scalar(Double)
    case string(String)
}

public struct UISample: Sendable, Equatable {
    public var labels: Labels
    public var value: Double
    public init(labels: Labels, value: Double) {
        self.labels = labels
        self.value = value
    }
}

/// One series of a range query (or of a range-vector result).
public struct UISeries: Sendable, Equatable {
    public var labels: Labels
    /// Ascending by time.
    public var points: [UIPoint]
    public init(labels: Labels, points: [UIPoint]) {
        self.labels = labels
        self.points = points
    }
}

public struct UIPoint: Sendable, Equatable {
    /// ms since the epoch.
    public var t: Int64
    public var v: Double
    public init(t: Int64, v: Double) {
        self.t = t
        self.v = v
    }
}

/// A failed query. A parse error carries the offending byte range of the expression, so the
/// page can mark it.
public struct UIQueryError: Error, Sendable, Equatable {
    /// The full message (`1:7: parse error: unclosed left parenthesis`).
    public var message: String
    /// UTF-8 byte offsets into the expression; nil for errors without a position (execution).
    public var position: Range<Int>?

    public init(message: String, position: Range<Int>? = nil) {
        self.message = message
        self.position = position
    }
}

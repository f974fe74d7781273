/// One entry of a `time_intervals` list (`timeinterval.TimeInterval`). Empty lists mean "any".
public struct TimeInterval: Sendable, Equatable {
    /// `[start, end)` in minutes of the day.
    public var times: [Range<Int>] = []
    /// Inclusive, 0 = Sunday.
    public var weekdays: [IntRange] = []
    /// Inclusive; negative values count from the end of the month (-1 = last day).
    public var daysOfMonth: [IntRange] = []
    /// Inclusive, 1 = January.
    public var months: [IntRange] = []
    public var years: [IntRange] = []
    /// IANA zone name; nil = UTC.
    public var location: String?
    public init() {}

    static let weekdayNames = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]
    static let monthNames = ["january", "february", "march", "april", "may", "june", "july", "august",
                             "september", "october", "november", "december"]
}

/// An inclusive range as written (`start:end`); for days of the month `1:-1` (first to last day) is valid.
public struct IntRange: Sendable, Equatable {
    public var start: Int
    public var end: Int
    public init(_ start: Int, _ end: Int) { self.start = start; self.end = end }
}

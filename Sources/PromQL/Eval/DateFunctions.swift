import Model

/// The date functions, in UTC, from seconds since the epoch (truncated as Go's `int64(v)`).
enum DateFunctions {
    static func civil(_ seconds: Double) -> CivilDate {
        CivilDate(secondsSinceEpoch: Int64(seconds.rounded(.towardZero)))
    }

    static let table: [String: @Sendable (Double) -> Double] = [
        "minute": { Double(civil($0).minute) },
        "hour": { Double(civil($0).hour) },
        "day_of_week": { Double(civil($0).weekday) },
        "day_of_month": { Double(civil($0).day) },
        "day_of_year": { Double(civil($0).yearDay) },
        "month": { Double(civil($0).month) },
        "year": { Double(civil($0).year) },
        "days_in_month": { Double(civil($0).daysInMonth) },
    ]
}

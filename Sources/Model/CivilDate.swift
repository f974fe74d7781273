/// A UTC calendar date and time of day from seconds since the Unix epoch (proleptic
/// Gregorian, as Go's `time` package computes it), for PromQL's date functions and templates.
public struct CivilDate: Sendable, Equatable {
    public var year: Int64
    public var month: Int       // 1...12
    public var day: Int         // 1...31
    public var hour: Int
    public var minute: Int
    public var second: Int
    public var weekday: Int     // 0 = Sunday
    public var yearDay: Int     // 1...366

    public init(secondsSinceEpoch secs: Int64) {
        var days = secs / 86_400
        var rem = secs % 86_400
        if rem < 0 { rem += 86_400; days -= 1 }
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        var wd = (days + 4) % 7
        if wd < 0 { wd += 7 }
        let cumulative = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334]
        year = y
        month = Int(m)
        day = Int(d)
        hour = Int(rem / 3600)
        minute = Int(rem % 3600 / 60)
        second = Int(rem % 60)
        weekday = Int(wd)
        yearDay = cumulative[Int(m) - 1] + Int(d) + (CivilDate.isLeap(y) && m > 2 ? 1 : 0)
    }

    public static func isLeap(_ y: Int64) -> Bool { y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) }

    /// Days in this date's month.
    public var daysInMonth: Int {
        let d = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return month == 2 && CivilDate.isLeap(year) ? 29 : d[month - 1]
    }
}

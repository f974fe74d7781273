/// The date functions, in UTC, from seconds since the epoch (truncated as Go's `int64(v)`).
enum DateFunctions {
    struct Civil { var year: Int64; var month: Int64; var day: Int64; var hour: Int64; var minute: Int64; var weekday: Int64; var yday: Int64 }

    static func civil(_ seconds: Double) -> Civil {
        let s = Int64(seconds.rounded(.towardZero))
        var days = s / 86400
        var rem = s % 86400
        if rem < 0 { rem += 86400; days -= 1 }
        // Howard Hinnant's days-to-civil.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        var wd = (days + 4) % 7
        if wd < 0 { wd += 7 }
        let cum: [Int64] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334]
        var yday = cum[Int(m - 1)] + d
        if m > 2 && isLeap(y) { yday += 1 }
        return Civil(year: y, month: m, day: d, hour: rem / 3600, minute: (rem % 3600) / 60, weekday: wd, yday: yday)
    }

    static func isLeap(_ y: Int64) -> Bool { y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) }

    static let table: [String: @Sendable (Double) -> Double] = [
        "minute": { Double(civil($0).minute) },
        "hour": { Double(civil($0).hour) },
        "day_of_week": { Double(civil($0).weekday) },
        "day_of_month": { Double(civil($0).day) },
        "day_of_year": { Double(civil($0).yday) },
        "month": { Double(civil($0).month) },
        "year": { Double(civil($0).year) },
        "days_in_month": {
            let c = civil($0)
            let d: [Int64] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
            return Double(c.month == 2 && isLeap(c.year) ? 29 : d[Int(c.month - 1)])
        },
    ]
}

import Foundation

extension Alerting.TimeInterval {
    /// `timeinterval.TimeInterval.ContainsTime` (spec §1.5): every specified field matches the
    /// time `ms` (milliseconds since the epoch) seen in `location` (UTC when unset).
    /// An unknown zone name falls back to UTC (the loader validates names).
    public func contains(_ ms: Int64) -> Bool {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = location.flatMap { TimeZone(identifier: $0) } ?? TimeZone(identifier: "UTC")!
        let date = Date(timeIntervalSince1970: Double(ms) / 1000)
        let c = cal.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: date)
        let minute = c.hour! * 60 + c.minute!
        if !times.isEmpty, !times.contains(where: { $0.contains(minute) }) { return false }
        if !daysOfMonth.isEmpty {
            let daysInMonth = cal.range(of: .day, in: .month, for: date)!.count
            let day = c.day!
            var hit = false
            for r in daysOfMonth {
                var begin = r.start < 0 ? daysInMonth + r.start + 1 : r.start
                var end = r.end < 0 ? daysInMonth + r.end + 1 : r.end
                // A start after the end of this month never matches (e.g. 31 in April).
                if begin > daysInMonth { continue }
                begin = Swift.min(Swift.max(begin, -daysInMonth), daysInMonth)
                end = Swift.min(Swift.max(end, -daysInMonth), daysInMonth)
                if day >= begin && day <= end { hit = true; break }
            }
            if !hit { return false }
        }
        if !months.isEmpty, !months.contains(where: { c.month! >= $0.start && c.month! <= $0.end }) { return false }
        // Foundation weekdays are 1 = Sunday; the config's are 0 = Sunday.
        let weekday = c.weekday! - 1
        if !weekdays.isEmpty, !weekdays.contains(where: { weekday >= $0.start && weekday <= $0.end }) { return false }
        if !years.isEmpty, !years.contains(where: { c.year! >= $0.start && c.year! <= $0.end }) { return false }
        return true
    }
}

extension NamedTimeInterval {
    /// True when any of the listed intervals contains `ms`.
    public func contains(_ ms: Int64) -> Bool { timeIntervals.contains { $0.contains(ms) } }
}

import Alerting
import Model
import Testing

@Suite struct PipelineTimeIntervalTests {
    typealias F = PipelineFixtures
    /// 2024-01-01T00:00:00Z, a Monday.
    static let monday: Int64 = 1_704_067_200_000
    static let minute: Int64 = 60_000
    static let hour: Int64 = 3_600_000
    static let day: Int64 = 86_400_000

    static func interval(_ yaml: String) throws -> NamedTimeInterval {
        let cfg = try F.config("""
            route: {receiver: r}
            receivers: [{name: r}]
            time_intervals:
              - name: t
                time_intervals:
            \(yaml.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n"))
            """)
        return try #require(cfg.timeIntervals.first)
    }

    // §1.5: every field must match; `times` is [start, end); ranges inclusive; negatives from month end.
    @Test(arguments: [
        ("- times: [{start_time: '09:00', end_time: '17:00'}]", monday + 9 * hour, true),
        ("- times: [{start_time: '09:00', end_time: '17:00'}]", monday + 17 * hour, false),
        ("- times: [{start_time: '09:00', end_time: '17:00'}]", monday + 9 * hour - 1, false),
        ("- times: [{start_time: '17:00', end_time: '24:00'}]", monday + 24 * hour - 1, true),
        ("- weekdays: ['monday:friday']", monday, true),
        ("- weekdays: ['monday:friday']", monday - 1, false),            // Sunday 23:59:59
        ("- weekdays: ['saturday', 'sunday']", monday - 1, true),
        ("- days_of_month: ['-1']", monday - 1, true),                    // 2023-12-31 is the last day
        ("- days_of_month: ['1:5']", monday + 4 * day, true),
        ("- days_of_month: ['1:5']", monday + 5 * day, false),
        ("- months: ['december']", monday - 1, true),
        ("- months: ['december']", monday, false),
        ("- years: ['2024:2026']", monday, true),
        ("- years: ['2024:2026']", monday - 1, false),
        ("- {weekdays: ['monday'], times: [{start_time: '00:00', end_time: '01:00'}]}", monday + 30 * minute, true),
        ("- {weekdays: ['monday'], times: [{start_time: '00:00', end_time: '01:00'}]}", monday + 30 * minute + 7 * day - 1 * day, false),
        // Berlin is UTC+1 in January: 00:30 UTC Monday is 01:30 local.
        ("- {times: [{start_time: '01:00', end_time: '02:00'}], location: 'Europe/Berlin'}", monday + 30 * minute, true),
        ("- {times: [{start_time: '00:00', end_time: '01:00'}], location: 'Europe/Berlin'}", monday + 30 * minute, false),
        // In Berlin it is still Sunday 2023-12-31 at 22:30 UTC… no: it is 23:30 local on Sunday.
        ("- {weekdays: ['sunday'], location: 'Europe/Berlin'}", monday - 90 * minute, true),
        ("- {weekdays: ['monday'], location: 'Europe/Berlin'}", monday - 30 * minute, true),
    ])
    func containsTime_spec1_5(yaml: String, at: Int64, expected: Bool) throws {
        #expect(try Self.interval(yaml).contains(at) == expected)
    }

    // §5 stage 4: during a mute interval nothing is sent (and nothing logged); the first tick
    // after the window sends the group.
    @Test func muteDuringWindow_spec5() throws {
        let cfg = try F.config("""
            global: {resolve_timeout: 24h}
            route:
              receiver: r
              group_wait: 30s
              group_interval: 1h
              routes: [{matchers: ['team="a"'], mute_time_intervals: [nights]}]
            time_intervals:
              - name: nights
                time_intervals: [{times: [{start_time: '00:00', end_time: '06:00'}]}]
            receivers: [{name: r, webhook_configs: [{url: 'http://sink/'}]}]
            """)
        let t0 = Self.monday + 4 * Self.hour
        var core = AlertmanagerCore(config: cfg, now: t0)
        _ = core.receive([F.alert(["alertname": "A", "team": "a"]), F.alert(["alertname": "B", "team": "b"])], now: t0)
        var sent = core.advance(to: t0 + Self.hour)
        #expect(sent.map(\.notification.receiver) == ["r"])
        #expect(sent.first?.notification.summary == ["B:firing"], "the muted route's group sends nothing at 04:00:30")
        sent = core.advance(to: t0 + 2 * Self.hour + 30_000)
        #expect(sent.map(\.at) == [t0 + 2 * Self.hour + 30_000], "06:00:30 is outside the window")
        #expect(sent.first?.notification.summary == ["A:firing"])
    }

    // §5 stage 3: with active intervals, only ticks inside one of them send.
    @Test func activeIntervals_spec5() throws {
        let cfg = try F.config("""
            global: {resolve_timeout: 24h}
            route:
              receiver: r
              group_wait: 30s
              group_interval: 1h
              routes: [{matchers: ['team="a"'], active_time_intervals: [office]}]
            time_intervals:
              - name: office
                time_intervals: [{weekdays: ['monday:friday'], times: [{start_time: '09:00', end_time: '17:00'}]}]
            receivers: [{name: r, webhook_configs: [{url: 'http://sink/'}]}]
            """)
        let t0 = Self.monday + 7 * Self.hour + 45 * Self.minute
        var core = AlertmanagerCore(config: cfg, now: t0)
        _ = core.receive([F.alert(["alertname": "A", "team": "a"])], now: t0)
        let sent = core.advance(to: t0 + 3 * Self.hour)
        // Ticks at 07:45:30 and 08:45:30 are outside office hours; 09:45:30 sends.
        #expect(sent.map(\.at) == [t0 + 2 * Self.hour + 30_000])
    }
}

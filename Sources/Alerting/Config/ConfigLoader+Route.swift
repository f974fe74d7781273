import Model
import Yams

extension ConfigLoader {
    /// `config.Route.UnmarshalYAML`: matchers, `group_by` and interval checks; children recursively.
    mutating func decodeRoute(_ n: Node) -> RouteConfig {
        var r = RouteConfig()
        r.line = n.mark?.line ?? 0
        r.column = n.mark?.column ?? 0
        let known: Set = ["receiver", "group_by", "match", "match_re", "matchers", "mute_time_intervals",
                          "active_time_intervals", "continue", "routes", "group_wait", "group_interval", "repeat_interval"]
        for (key, v) in decoder.fields(n, known: known) ?? [] {
            switch key {
            case "receiver":
                r.receiver = decoder.string(v)
                if !r.receiver.isEmpty { usedReceivers.append((r.receiver, v)) }
            case "group_by": decodeGroupBy(v, into: &r)
            case "match":
                for e in decoder.stringMap(v) {
                    if !e.key.isValidLabelName { decoder.error(e.keyNode, "invalid label name \(goQuoted(e.key))") }
                    r.match.append((e.key, e.value))
                }
            case "match_re":
                for e in decoder.stringMap(v) {
                    if !e.key.isValidLabelName { decoder.error(e.keyNode, "invalid label name \(goQuoted(e.key))") }
                    do { _ = try Matcher(.regexMatch, e.key, e.value) } catch { decoder.error(e.valueNode, "\(error)") }
                    r.matchRE.append((e.key, e.value))
                }
            case "matchers": r.matchers = decodeMatchers(v)
            case "mute_time_intervals":
                for item in decoder.sequence(v, of: "string") {
                    let name = decoder.string(item)
                    r.muteTimeIntervals.append(name)
                    usedIntervals.append((name, item))
                }
            case "active_time_intervals":
                for item in decoder.sequence(v, of: "string") {
                    let name = decoder.string(item)
                    r.activeTimeIntervals.append(name)
                    usedIntervals.append((name, item))
                }
            case "continue": r.continue = decoder.bool(v)
            case "routes": r.routes = decoder.sequence(v, of: "*config.Route").map { decodeRoute($0) }
            case "group_wait": r.groupWait = decoder.duration(v)
            case "group_interval":
                r.groupInterval = decoder.duration(v)
                if r.groupInterval == 0 { decoder.error(v, "group_interval cannot be zero") }
            case "repeat_interval":
                r.repeatInterval = decoder.duration(v)
                if r.repeatInterval == 0 { decoder.error(v, "repeat_interval cannot be zero") }
            default: break
            }
        }
        return r
    }

    mutating func decodeGroupBy(_ v: Node, into r: inout RouteConfig) {
        var names: [String] = []
        var seen: Set<String> = []
        for item in decoder.sequence(v, of: "string") {
            let l = decoder.string(item)
            if l == "..." {
                r.groupByAll = true
                continue
            }
            if !l.isValidLabelName {
                decoder.error(item, "invalid label name \(goQuoted(l)) in group_by list")
                continue
            }
            if !seen.insert(l).inserted { decoder.error(item, "duplicated label \(goQuoted(l)) in group_by") }
            names.append(l)
        }
        if r.groupByAll, !names.isEmpty {
            decoder.error(v, "cannot have wildcard group_by (`...`) and other other labels at the same time")
        }
        r.groupBy = names.isEmpty ? nil : names
    }

    /// `config.Matchers`: a list of matcher strings, each possibly holding several matchers; sorted.
    mutating func decodeMatchers(_ v: Node) -> [Matcher] {
        var out: [Matcher] = []
        for item in decoder.sequence(v, of: "string") {
            let line = decoder.string(item)
            do {
                out += try MatcherParser.parseMatchers(line)
            } catch {
                decoder.error(item, error.description)
            }
        }
        return out.sorted()
    }

    // MARK: Inhibit rules

    mutating func decodeInhibitRule(_ n: Node) -> InhibitRule {
        var rule = InhibitRule()
        let known: Set = ["source_match", "source_match_re", "source_matchers", "target_match", "target_match_re",
                          "target_matchers", "equal"]
        var sourceLegacy: [Matcher] = [], targetLegacy: [Matcher] = []
        for (key, v) in decoder.fields(n, known: known) ?? [] {
            switch key {
            case "source_match", "target_match", "source_match_re", "target_match_re":
                let regex = key.hasSuffix("_re")
                for e in decoder.stringMap(v) {
                    if !e.key.isValidLabelName { decoder.error(e.keyNode, "invalid label name \(goQuoted(e.key))") }
                    do {
                        let m = try Matcher(regex ? .regexMatch : .equal, e.key, e.value)
                        if key.hasPrefix("source") { sourceLegacy.append(m) } else { targetLegacy.append(m) }
                    } catch {
                        decoder.error(e.valueNode, "\(error)")
                    }
                }
            case "source_matchers": rule.sourceMatchers = decodeMatchers(v)
            case "target_matchers": rule.targetMatchers = decodeMatchers(v)
            case "equal":
                for item in decoder.sequence(v, of: "string") {
                    let l = decoder.string(item)
                    if !l.isValidLabelName { decoder.error(item, "invalid label name \(goQuoted(l)) in equal list") }
                    rule.equal.append(l)
                }
            default: break
            }
        }
        rule.sourceMatchers = sourceLegacy + rule.sourceMatchers
        rule.targetMatchers = targetLegacy + rule.targetMatchers
        return rule
    }

    // MARK: Time intervals

    mutating func decodeNamedInterval(_ n: Node) -> NamedTimeInterval {
        var named = NamedTimeInterval(name: "", timeIntervals: [])
        for (key, v) in decoder.fields(n, known: ["name", "time_intervals"]) ?? [] {
            switch key {
            case "name": named.name = decoder.string(v)
            default: named.timeIntervals = decoder.sequence(v, of: "timeinterval.TimeInterval").map { decodeTimeInterval($0) }
            }
        }
        if named.name.isEmpty { decoder.error(n, "missing name in time interval") }
        return named
    }

    mutating func decodeTimeInterval(_ n: Node) -> TimeInterval {
        var ti = TimeInterval()
        let known: Set = ["times", "weekdays", "days_of_month", "months", "years", "location"]
        for (key, v) in decoder.fields(n, type: "timeinterval.TimeInterval", known: known) ?? [] {
            switch key {
            case "times":
                for item in decoder.sequence(v, of: "timeinterval.TimeRange") {
                    var start = "", end = ""
                    for (k, tv) in decoder.fields(item, type: "timeinterval.yamlTimeRange", known: ["start_time", "end_time"]) ?? [] {
                        if k == "start_time" { start = decoder.string(tv) } else { end = decoder.string(tv) }
                    }
                    guard let s = Self.minutes(start, isEnd: false) else { decoder.error(item, "couldn't parse timestamp \(start), invalid format"); continue }
                    guard let e = Self.minutes(end, isEnd: true) else { decoder.error(item, "couldn't parse timestamp \(end), invalid format"); continue }
                    if s >= e { decoder.error(item, "start time cannot be equal or greater than end time"); continue }
                    ti.times.append(s..<e)
                }
            case "weekdays":
                ti.weekdays = ranges(v) { s in
                    TimeInterval.weekdayNames.firstIndex(of: s.lowercased()).map { .success($0) } ?? .failure("\(s) is not a valid weekday")
                }
            case "months":
                ti.months = ranges(v) { s in
                    if let i = TimeInterval.monthNames.firstIndex(of: s.lowercased()) { return .success(i + 1) }
                    if let i = Int(s), (1...12).contains(i) { return .success(i) }
                    return .failure("\(s) is not a valid month")
                }
            case "years":
                ti.years = ranges(v) { s in Int(s).map { .success($0) } ?? .failure("\(s) is not a valid year") }
            case "days_of_month":
                ti.daysOfMonth = ranges(v) { s in
                    if let i = Int(s), i != 0, (-31...31).contains(i) { return .success(i) }
                    return .failure("\(s) is not a valid day of the month: out of range")
                }
            case "location":
                let name = decoder.string(v)
                if TimeZone(identifier: name) == nil && name != "Local" { decoder.error(v, "unknown time zone \(name)") }
                ti.location = name
            default: break
            }
        }
        return ti
    }

    /// `HH:MM` in minutes; `24:00` only as an end.
    static func minutes(_ s: String, isEnd: Bool) -> Int? {
        let parts = s.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]),
              (0...59).contains(m) else { return nil }
        if h == 24 && m == 0 && isEnd { return 1440 }
        guard (0...23).contains(h) else { return nil }
        return h * 60 + m
    }

    /// A list of `a` or `a:b` items, each end parsed by `parse`; inclusive ranges.
    mutating func ranges(_ v: Node, _ parse: (String) -> Result<Int, RangeError>) -> [IntRange] {
        var out: [IntRange] = []
        for item in decoder.sequence(v, of: "string") {
            let s = decoder.string(item)
            let ends = s.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard ends.count <= 2 else { decoder.error(item, "invalid range \(s)"); continue }
            var values: [Int] = []
            for e in ends {
                switch parse(e) {
                case .success(let x): values.append(x)
                case .failure(let f): decoder.error(item, f.message)
                }
            }
            guard values.count == ends.count else { continue }
            let lo = values[0], hi = values.count == 2 ? values[1] : values[0]
            if lo < 0 && hi > 0 {
                decoder.error(item, "end day must be negative if start day is negative")
                continue
            }
            if lo > hi && !(lo > 0 && hi < 0) {
                decoder.error(item, "start day cannot be greater than end day")
                continue
            }
            out.append(IntRange(lo, hi))
        }
        return out
    }
}

struct RangeError: Error, ExpressibleByStringLiteral, ExpressibleByStringInterpolation {
    var message: String
    init(stringLiteral value: String) { message = value }
    init(stringInterpolation: DefaultStringInterpolation) { message = String(stringInterpolation: stringInterpolation) }
}

import Foundation

import Foundation
import Model

/// The function library of Prometheus alert templates (2.42), plus Go's built-ins.
struct TemplateFunctions {
    struct CallError: Error { var message: String }

    /// Runs an instant query at the evaluation time (`query "up"`).
    var query: (String) throws -> [TemplateSample]
    var externalURL: String
    /// Which function library is in scope.
    var dialect: TemplateDialect = .prometheus

    static let names: Set<String> = [
        "query", "first", "label", "value", "strvalue", "sortByLabel", "humanize", "humanize1024",
        "humanizeDuration", "humanizePercentage", "humanizeTimestamp", "toTime", "title", "toUpper", "toLower",
        "match", "reReplaceAll", "stripPort", "stripDomain", "graphLink", "tableLink", "parseDuration", "args",
        "safeHtml", "externalURL", "pathPrefix",
        // Go built-ins.
        "printf", "print", "println", "len", "index", "and", "or", "not", "eq", "ne", "lt", "le", "gt", "ge",
        "html", "js", "urlquery",
    ]

    /// Go's built-ins, which every dialect has.
    static let builtinNames: Set<String> = [
        "printf", "print", "println", "len", "index", "and", "or", "not", "eq", "ne", "lt", "le", "gt", "ge",
        "html", "js", "urlquery",
    ]

    /// Alertmanager's `DefaultFuncs` (0.25), plus `date` and `tz` from 0.28.
    static let alertmanagerNames: Set<String> = builtinNames.union([
        "toUpper", "toLower", "title", "join", "match", "safeHtml", "reReplaceAll", "stringSlice", "date", "tz",
    ])

    static func names(for dialect: TemplateDialect) -> Set<String> {
        dialect == .prometheus ? names : alertmanagerNames
    }

    func call(_ name: String, _ a: [TemplateValue]) throws -> TemplateValue {
        func arity(_ n: Int) throws {
            if a.count != n { throw CallError(message: "wrong number of args for \(name): want \(n) got \(a.count)") }
        }
        if dialect == .alertmanager {
            switch name {
            case "title": try arity(1); return .string(Self.casesTitle(try str(a[0])))
            case "safeHtml": try arity(1); return .html(try str(a[0]))
            case "join":
                try arity(2)
                guard case .list(let l) = a[1] else { throw CallError(message: "wrong type for value; expected []string; got \(a[1].goType)") }
                return .string(l.map(\.printed).joined(separator: try str(a[0])))
            case "stringSlice": return .list(try a.map { .string(try str($0)) })
            case "date":
                try arity(2)
                guard case .time(let t) = a[1] else { throw CallError(message: "wrong type for value; expected time.Time; got \(a[1].goType)") }
                return .string(GoTime.format(t, layout: try str(a[0])))
            case "tz":
                try arity(2)
                let zname = try str(a[0])
                guard case .time(var t) = a[1] else { throw CallError(message: "wrong type for value; expected time.Time; got \(a[1].goType)") }
                guard let zone = zname == "" || zname == "UTC" ? TimeZone(identifier: "UTC") : zname == "Local" ? TimeZone.current : TimeZone(identifier: zname) else {
                    throw CallError(message: "unknown time zone \(zname)")
                }
                let instant = Date(timeIntervalSince1970: Double(t.nanoseconds ?? GoTime.zeroUnixSeconds * 1_000_000_000) / 1e9)
                t.offset = zone.secondsFromGMT(for: instant)
                t.zoneName = zname == "" || zname == "UTC" ? "UTC" : (zone.abbreviation(for: instant) ?? zname)
                return .time(t)
            default: break
            }
        }
        switch name {
        case "query":
            try arity(1)
            do { return .samples(try query(try str(a[0]))) } catch let e as CallError { throw e } catch { throw CallError(message: "\(error)") }
        case "first":
            try arity(1)
            guard case .samples(let s) = a[0] else { throw CallError(message: "wrong type for value; expected template.queryResult; got \(a[0].goType)") }
            guard let f = s.first else { throw CallError(message: "first() called on vector with no elements") }
            return .sample(f)
        case "label":
            try arity(2)
            guard case .sample(let s) = a[1] else { return .string("") }
            return .string(s.labels[try str(a[0])] ?? "")
        case "value":
            try arity(1)
            guard case .sample(let s) = a[0] else { throw CallError(message: "wrong type for value; expected *template.sample; got \(a[0].goType)") }
            return .float(s.value)
        case "strvalue":
            try arity(1)
            guard case .sample(let s) = a[0] else { return .string("") }
            return .string(s.labels["__value__"] ?? "")
        case "sortByLabel":
            try arity(2)
            guard case .samples(let s) = a[1] else { throw CallError(message: "wrong type for value; expected template.queryResult; got \(a[1].goType)") }
            let l = try str(a[0])
            return .samples(stableSorted(s) { ($0.labels[l] ?? "").utf8Precedes($1.labels[l] ?? "") })
        case "humanize": try arity(1); return .string(Humanize.si(try float(a[0])))
        case "humanize1024": try arity(1); return .string(Humanize.binary(try float(a[0])))
        case "humanizeDuration": try arity(1); return .string(Humanize.duration(try float(a[0])))
        case "humanizePercentage": try arity(1); return .string(GoFormat.g(try float(a[0]) * 100, precision: 4) + "%")
        case "humanizeTimestamp":
            try arity(1)
            let v = try float(a[0])
            if v.isNaN || v.isInfinite { return .string(GoFormat.g(v, precision: 4)) }
            return .string(try Humanize.timestamp(v))
        case "title": try arity(1); return .string(Humanize.title(try str(a[0])))
        case "toUpper": try arity(1); return .string(try str(a[0]).uppercased())
        case "toLower": try arity(1); return .string(try str(a[0]).lowercased())
        case "match":
            try arity(2)
            let re = try regex(try str(a[0]))
            let s = try str(a[1])
            return .bool(re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil)
        case "reReplaceAll":
            try arity(3)
            let re = try regex(try str(a[0]))
            let s = try str(a[2])
            return .string(re.stringByReplacingMatches(in: s, range: NSRange(s.startIndex..., in: s), withTemplate: try str(a[1])))
        case "stripPort":
            try arity(1)
            let s = try str(a[0])
            if s.hasPrefix("["), let close = s.firstIndex(of: "]") { return .string(String(s[s.index(after: s.startIndex)..<close])) }
            if let i = s.lastIndex(of: ":"), s.filter({ $0 == ":" }).count == 1 { return .string(String(s[..<i])) }
            return .string(s)
        case "stripDomain":
            try arity(1)
            let s = try str(a[0])
            var host = s, port = ""
            if let i = s.lastIndex(of: ":"), s.filter({ $0 == ":" }).count == 1 { host = String(s[..<i]); port = String(s[i...]) }
            if host.split(separator: ".").allSatisfy({ Int($0) != nil }) { return .string(s) }
            return .string(String(host.split(separator: ".", omittingEmptySubsequences: false).first ?? "") + port)
        case "graphLink": try arity(1); return .string("/graph?g0.expr=" + queryEscape(try str(a[0])) + "&g0.tab=0")
        case "tableLink": try arity(1); return .string("/graph?g0.expr=" + queryEscape(try str(a[0])) + "&g0.tab=1")
        case "parseDuration":
            try arity(1)
            let s = try str(a[0])
            guard let ms = try? PromDuration.parse(s) else { throw CallError(message: "not a valid duration string: \(goQuote(s))") }
            return .float(Double(ms) / 1000)
        case "args":
            var m: [String: TemplateValue] = [:]
            for (i, x) in a.enumerated() { m["arg\(i)"] = x }
            return .record(m)
        case "safeHtml": try arity(1); return .string(try str(a[0]))
        case "externalURL": return .string(externalURL)
        case "pathPrefix": return .string(URL(string: externalURL)?.path ?? "")
        case "printf":
            guard let f = a.first else { throw CallError(message: "wrong number of args for printf: want at least 1 got 0") }
            return .string(GoFormat.sprintf(try str(f), Array(a.dropFirst())))
        case "print":
            // Go adds spaces between operands when neither is a string.
            var s = ""
            for (i, x) in a.enumerated() {
                if i > 0, !isString(x), !isString(a[i - 1]) { s += " " }
                s += x.printed
            }
            return .string(s)
        case "println": return .string(a.map(\.printed).joined(separator: " ") + "\n")
        case "len":
            try arity(1)
            switch a[0] {
            case .string(let s): return .int(s.utf8.count)
            case .map(let m): return .int(m.count)
            case .samples(let s): return .int(s.count)
            case .kv(let m): return .int(m.count)
            case .list(let l), .alerts(let l): return .int(l.count)
            case .pairs(let p): return .int(p.count)
            case .html(let s): return .int(s.utf8.count)
            default: throw CallError(message: "len of type \(a[0].goType)")
            }
        case "index":
            guard a.count == 2 else { throw CallError(message: "wrong number of args for index") }
            switch (a[0], a[1]) {
            case (.map(let m), .string(let k)), (.kv(let m), .string(let k)): return .string(m[k] ?? "")
            case (.list(let l), .int(let i)), (.alerts(let l), .int(let i)):
                guard i >= 0, i < l.count else { throw CallError(message: "error calling index: index out of range: \(i)") }
                return l[i]
            case (.record(let r), .string(let k)): return r[k] ?? .null
            case (.samples(let s), .int(let i)):
                guard i >= 0, i < s.count else { throw CallError(message: "error calling index: index out of range: \(i)") }
                return .sample(s[i])
            default: throw CallError(message: "can't index item of type \(a[0].goType)")
            }
        case "not": try arity(1); return .bool(!a[0].isTrue)
        case "eq", "ne", "lt", "le", "gt", "ge":
            guard a.count >= 2 else { throw CallError(message: "missing argument for comparison") }
            if name == "eq" {
                // `eq x a b c` is true if x equals any of them.
                for y in a.dropFirst() where try compare(a[0], y) == 0 { return .bool(true) }
                return .bool(false)
            }
            let c = try compare(a[0], a[1])
            switch name {
            case "ne": return .bool(c != 0)
            case "lt": return .bool(c < 0)
            case "le": return .bool(c <= 0)
            case "gt": return .bool(c > 0)
            default: return .bool(c >= 0)
            }
        case "html":
            let s = a.map(\.printed).joined()
            return .string(s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&#34;").replacingOccurrences(of: "'", with: "&#39;"))
        case "js": return .string(a.map(\.printed).joined())
        case "urlquery": return .string(queryEscape(a.map(\.printed).joined()))
        default:
            throw CallError(message: "function \(name) not implemented")
        }
    }

    func isString(_ v: TemplateValue) -> Bool { if case .string = v { return true }; return false }

    func str(_ v: TemplateValue) throws -> String {
        if case .string(let s) = v { return s }
        if case .html(let s) = v { return s }
        throw CallError(message: "wrong type for value; expected string; got \(v.goType)")
    }

    /// Prometheus' `convertToFloat`: numbers, or strings parsed as floats.
    func float(_ v: TemplateValue) throws -> Double {
        switch v {
        case .float(let x): return x
        case .int(let x): return Double(x)
        case .string(let s):
            guard let x = PromQLNumber.parse(s) else { throw CallError(message: "strconv.ParseFloat: parsing \(goQuote(s)): invalid syntax") }
            return x
        default: throw CallError(message: "can't convert \(v.goType) to float")
        }
    }

    func compare(_ a: TemplateValue, _ b: TemplateValue) throws -> Int {
        switch (a, b) {
        case let (.html(x), .html(y)), let (.string(x), .html(y)), let (.html(x), .string(y)),
             let (.string(x), .string(y)): return x == y ? 0 : (x.utf8Precedes(y) ? -1 : 1)
        case let (.bool(x), .bool(y)): return x == y ? 0 : 1
        case (.float, _), (.int, _):
            guard let x = number(a), let y = number(b) else { throw CallError(message: "incompatible types for comparison") }
            return x == y ? 0 : (x < y ? -1 : 1)
        default: throw CallError(message: "incompatible types for comparison")
        }
    }

    func number(_ v: TemplateValue) -> Double? {
        switch v {
        case .float(let x): return x
        case .int(let x): return Double(x)
        default: return nil
        }
    }

    func regex(_ p: String) throws -> NSRegularExpression {
        do { return try NSRegularExpression(pattern: p) } catch { throw CallError(message: "error parsing regexp: \(p)") }
    }

    func stableSorted(_ s: [TemplateSample], by less: (TemplateSample, TemplateSample) -> Bool) -> [TemplateSample] {
        s.enumerated().sorted { less($0.element, $1.element) || (!less($1.element, $0.element) && $0.offset < $1.offset) }.map(\.element)
    }

    /// Go's `url.QueryEscape`.
    func queryEscape(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.append(Character(UnicodeScalar(b)))
            case UInt8(ascii: " "): out += "+"
            default: out += String(format: "%%%02X", b)
            }
        }
        return out
    }
}

/// The function library a template is parsed and run with.
public enum TemplateDialect: Sendable {
    /// Prometheus 2.42 alert templates (`query`, `humanize`, …).
    case prometheus
    /// Alertmanager notification templates (`join`, `safeHtml`, `stringSlice`, …).
    case alertmanager
}

extension TemplateFunctions {
    /// `cases.Title(language.AmericanEnglish)`: the first letter of each word upper-cased and
    /// the rest lower-cased (Alertmanager's `title`, unlike Prometheus' `strings.Title`).
    static func casesTitle(_ s: String) -> String {
        var out = ""
        var inWord = false
        var previousWasApostrophe = false
        for ch in s {
            if ch.isLetter || ch.isNumber {
                out += inWord ? ch.lowercased() : ch.uppercased()
                inWord = true
                previousWasApostrophe = false
            } else if (ch == "'" || ch == "’"), inWord, !previousWasApostrophe {
                out.append(ch)
                previousWasApostrophe = true
            } else {
                out.append(ch)
                inWord = false
                previousWasApostrophe = false
            }
        }
        return out
    }
}

/// Go's `strconv.ParseFloat` for the strings templates receive.
enum PromQLNumber {
    static func parse(_ s: String) -> Double? {
        switch s.lowercased() {
        case "nan": return .nan
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: return Double(s)
        }
    }
}

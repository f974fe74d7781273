import Model

/// An Alertmanager label matcher (`pkg/labels/matcher.go`): `=`, `!=`, `=~`, `!~`.
///
/// Regexes are anchored (`^(?:re)$`). A missing label matches as the empty string.
public struct Matcher: Hashable, Sendable, CustomStringConvertible, Comparable {
    public typealias Kind = LabelMatcher.Kind

    public let kind: Kind
    public let name: String
    public let value: String
    private let compiled: LabelMatcher

    /// Throws `MatcherError.regex` for a regex that does not compile.
    public init(_ kind: Kind, _ name: String, _ value: String) throws {
        self.kind = kind
        self.name = name
        self.value = value
        if kind == .regexMatch || kind == .regexNoMatch, let problem = RE2Syntax.check(value) {
            throw MatcherError.regex(problem)
        }
        do {
            compiled = try LabelMatcher(kind, name, value)
        } catch {
            throw MatcherError.regex("invalid regular expression: `^(?:\(value))$`")
        }
    }

    public var isRegex: Bool { kind == .regexMatch || kind == .regexNoMatch }
    public var isEqual: Bool { kind == .equal || kind == .regexMatch }

    public func matches(_ value: String) -> Bool { compiled.matches(value) }

    /// Matches the alert's value of `name` (missing = empty string).
    public func matches(_ labels: [String: String]) -> Bool { compiled.matches(labels[name] ?? "") }

    /// `name<op>"value"` with `\`, newline and `"` escaped (`Matcher.String`, openMetricsEscape).
    public var description: String { name + kind.rawValue + "\"" + Self.escape(value) + "\"" }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\"": out += "\\\""
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    static func rank(_ k: Kind) -> Int {
        switch k {
        case .equal: return 0
        case .notEqual: return 1
        case .regexMatch: return 2
        case .regexNoMatch: return 3
        }
    }

    /// `labels.Matchers.Less`: by name, then value (byte order), then operator `= != =~ !~`.
    public static func < (a: Matcher, b: Matcher) -> Bool {
        if a.name != b.name { return a.name.utf8Precedes(b.name) }
        if a.value != b.value { return a.value.utf8Precedes(b.value) }
        return rank(a.kind) < rank(b.kind)
    }

    public static func == (a: Matcher, b: Matcher) -> Bool { a.kind == b.kind && a.name == b.name && a.value == b.value }
    public func hash(into h: inout Hasher) { h.combine(kind); h.combine(name); h.combine(value) }
}

extension Array where Element == Matcher {
    /// True when every matcher matches (an empty list matches everything).
    public func matches(_ labels: [String: String]) -> Bool { allSatisfy { $0.matches(labels) } }

    /// `{m1,m2}` (comma, no space), as `labels.Matchers.String`.
    public var listDescription: String { "{" + map(\.description).joined(separator: ",") + "}" }
}

/// Errors of the matcher parser, worded as Alertmanager 0.25's.
public enum MatcherError: Error, Equatable, Sendable, CustomStringConvertible {
    case badFormat(String)
    case unescapedQuote(String)
    case invalidUTF8(String)
    /// The text after `error parsing regexp: `.
    case regex(String)

    public var description: String {
        switch self {
        case .badFormat(let s): return "bad matcher format: \(s)"
        case .unescapedQuote(let s): return "matcher value contains unescaped double quote: \(s)"
        case .invalidUTF8(let s): return "matcher value not valid UTF-8: \(s)"
        case .regex(let s): return "error parsing regexp: \(s)"
        }
    }
}

/// The few RE2 syntax errors that are worded differently from the regex engine Klaxon uses,
/// reported with Go's text for the anchored pattern.
enum RE2Syntax {
    static func check(_ re: String) -> String? {
        let anchored = "^(?:" + re + ")$"
        var depth = 0, inClass = false
        let c = Array(re.unicodeScalars)
        var i = 0
        while i < c.count {
            let ch = c[i]
            if ch == "\\" {
                if i + 1 >= c.count { return "trailing backslash at end of expression: ``" }
                i += 2
                continue
            }
            if inClass {
                if ch == "]" { inClass = false }
                i += 1
                continue
            }
            switch ch {
            case "[":
                inClass = true
                // `[]a]` and `[^]a]`: a leading `]` is literal.
                if i + 1 < c.count, c[i + 1] == "^" { i += 1 }
                if i + 1 < c.count, c[i + 1] == "]" { i += 1 }
            case "(":
                depth += 1
                // `(?:`, `(?i)`, `(?P<name>`: flags and names are not repetition operators.
                if i + 1 < c.count, c[i + 1] == "?" {
                    i += 2
                    continue
                }
            case ")":
                if depth == 0 { return "unexpected ): `\(anchored)`" }
                depth -= 1
            case "*", "+", "?":
                let prev: Unicode.Scalar? = i > 0 ? c[i - 1] : nil
                if prev == nil || prev == "(" || prev == "|" {
                    return "missing argument to repetition operator: `\(ch)`"
                }
                if let p = prev, p == "*" || p == "+" || (p == "?" && ch != "?"), i >= 2, c[i - 2] != "\\" {
                    // `a**` is an error; `a*?` / `a+?` are lazy quantifiers.
                    if ch != "?" { return "invalid nested repetition operator: `\(p)\(ch)`" }
                }
            default: break
            }
            i += 1
        }
        if inClass {
            let start = re.unicodeScalars.lastIndex(of: "[").map { String(re.unicodeScalars[$0...]) } ?? ""
            return "missing closing ]: `\(start))$`"
        }
        if depth > 0 { return "missing closing ): `\(anchored)`" }
        return nil
    }
}

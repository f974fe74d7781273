import Foundation

/// A fully anchored regular expression, as Prometheus anchors label regexes (`^(?:re)$`).
///
/// Patterns that are a literal, an alternation of literals, `.*`, `.+` or a literal
/// prefix followed by `.*` are matched without the regex engine.
/// Differs from Go RE2 where ICU's syntax does: RE2 rejects backreferences and
/// lookaround, which ICU accepts.
public struct AnchoredRegex: @unchecked Sendable, Hashable {
    public let pattern: String
    private let fast: FastPath
    private let regex: NSRegularExpression?

    enum FastPath: Hashable {
        case anything          // .*
        case nonEmpty          // .+
        case literals(Set<String>)
        case prefix(String)    // foo.*
        case none
    }

    public init(_ pattern: String) throws {
        self.pattern = pattern
        self.fast = AnchoredRegex.fastPath(for: pattern)
        if case .none = fast {
            do {
                regex = try NSRegularExpression(pattern: AnchoredRegex.icuPattern(pattern), options: [])
            } catch {
                throw RegexError(pattern: pattern)
            }
        } else {
            regex = nil
        }
    }

    /// The literals this regex matches when it is a literal or an alternation of literals.
    public var literalAlternatives: [String]? {
        if case .literals(let set) = fast { return set.sorted() }
        return nil
    }

    public static func == (a: AnchoredRegex, b: AnchoredRegex) -> Bool { a.pattern == b.pattern }
    public func hash(into h: inout Hasher) { h.combine(pattern) }

    public func matches(_ s: String) -> Bool {
        switch fast {
        case .anything: return !s.contains("\n")
        case .nonEmpty: return !s.isEmpty && !s.contains("\n")
        case .literals(let set): return set.contains(s)
        case .prefix(let p): return s.hasPrefix(p) && !s.dropFirst(p.count).contains("\n")
        case .none:
            let ns = s as NSString
            return regex!.firstMatch(in: s, options: [], range: NSRange(location: 0, length: ns.length)) != nil
        }
    }

    /// Captures of a whole match: nil when it does not match, else group 0...n (nil for unset groups)
    /// and the named groups' indices.
    public func captures(_ s: String) -> (groups: [String?], names: [String: Int])? {
        let re: NSRegularExpression
        if let r = regex { re = r } else {
            guard let r = try? NSRegularExpression(pattern: AnchoredRegex.icuPattern(pattern)) else { return nil }
            re = r
        }
        let ns = s as NSString
        guard let m = re.firstMatch(in: s, options: [], range: NSRange(location: 0, length: ns.length)) else { return nil }
        var groups: [String?] = []
        for i in 0..<m.numberOfRanges {
            let r = m.range(at: i)
            groups.append(r.location == NSNotFound ? nil : ns.substring(with: r))
        }
        return (groups, AnchoredRegex.groupNames(pattern))
    }

    /// The ICU spelling of an anchored RE2 pattern: `(?P<n>` becomes `(?<n>`, and the end anchor is
    /// `\z` because ICU's `$` would also match before a trailing newline, which RE2's does not.
    static func icuPattern(_ p: String) -> String {
        var out = ""
        let c = Array(p)
        var i = 0, inClass = false
        while i < c.count {
            if c[i] == "\\", i + 1 < c.count { out.append(c[i]); out.append(c[i + 1]); i += 2; continue }
            if inClass { if c[i] == "]" { inClass = false } ; out.append(c[i]); i += 1; continue }
            if c[i] == "[" { inClass = true; out.append(c[i]); i += 1; continue }
            if c[i] == "(", i + 2 < c.count, c[i + 1] == "?", c[i + 2] == "P", i + 3 < c.count, c[i + 3] == "<" {
                out += "(?<"; i += 4; continue
            }
            out.append(c[i]); i += 1
        }
        return "^(?:" + out + ")\\z"
    }

    /// Named groups `(?P<name>...)` / `(?<name>...)` mapped to their group index.
    static func groupNames(_ pattern: String) -> [String: Int] {
        var names: [String: Int] = [:]
        let c = Array(pattern)
        var idx = 0, i = 0
        var inClass = false
        while i < c.count {
            let ch = c[i]
            if ch == "\\" { i += 2; continue }
            if inClass { if ch == "]" { inClass = false }; i += 1; continue }
            if ch == "[" { inClass = true; i += 1; continue }
            if ch == "(" {
                if i + 1 < c.count, c[i + 1] == "?" {
                    var j = i + 2
                    if j < c.count, c[j] == "P" { j += 1 }
                    if j < c.count, c[j] == "<", j + 1 < c.count, c[j + 1] != "=", c[j + 1] != "!" {
                        idx += 1
                        var name = ""
                        j += 1
                        while j < c.count, c[j] != ">" { name.append(c[j]); j += 1 }
                        names[name] = idx
                    }
                } else {
                    idx += 1
                }
            }
            i += 1
        }
        return names
    }

    static func fastPath(for p: String) -> FastPath {
        if p == ".*" { return .anything }
        if p == ".+" { return .nonEmpty }
        let meta = Set("\\.+*?()|[]{}^$")
        if p.allSatisfy({ !meta.contains($0) }) { return .literals([p]) }
        if p.hasSuffix(".*") {
            let head = p.dropLast(2)
            if head.allSatisfy({ !meta.contains($0) }) { return .prefix(String(head)) }
        }
        let parts = p.split(separator: "|", omittingEmptySubsequences: false)
        if parts.count > 1, parts.allSatisfy({ $0.allSatisfy { !meta.contains($0) } }) {
            return .literals(Set(parts.map(String.init)))
        }
        return .none
    }
}

public struct RegexError: Error, CustomStringConvertible, Sendable {
    public let pattern: String
    public var description: String { "error parsing regexp: invalid regular expression: `\(pattern)`" }
}

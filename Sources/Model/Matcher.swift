/// A label matcher: `=`, `!=`, `=~`, `!~`.
public struct LabelMatcher: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        case equal = "="
        case notEqual = "!="
        case regexMatch = "=~"
        case regexNoMatch = "!~"
    }

    public let kind: Kind
    public let name: String
    public let value: String
    private let regex: AnchoredRegex?

    public init(_ kind: Kind, _ name: String, _ value: String) throws {
        self.kind = kind
        self.name = name
        self.value = value
        switch kind {
        case .regexMatch, .regexNoMatch: regex = try AnchoredRegex(value)
        default: regex = nil
        }
    }

    public func matches(_ s: String) -> Bool {
        switch kind {
        case .equal: return s == value
        case .notEqual: return s != value
        case .regexMatch: return regex!.matches(s)
        case .regexNoMatch: return !regex!.matches(s)
        }
    }

    /// For `=~` with a literal or an alternation of literals: those values, so an index can
    /// look them up instead of scanning every value.
    public var literalValues: [String]? {
        guard kind == .regexMatch, let r = regex else { return nil }
        return r.literalAlternatives
    }

    /// Whether the matcher selects series lacking the label.
    public var matchesEmpty: Bool { matches("") }

    public func matches(_ labels: Labels) -> Bool { matches(labels.get(name)) }

    public var description: String { "\(name)\(kind.rawValue)\(goQuote(value))" }
}

extension Array where Element == LabelMatcher {
    public func matches(_ labels: Labels) -> Bool { allSatisfy { $0.matches(labels) } }
}

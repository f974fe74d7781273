import Foundation
import Model
import Yams

/// A decode failure that stops the whole document, as a custom Go `UnmarshalYAML`
/// (e.g. `model.Duration`) does: its message is reported alone.
public struct YAMLAbort: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// Collected `yaml: unmarshal errors:` lines; Go's YAML decoders keep going after
/// unknown keys and type mismatches and report them all at the end.
public struct YAMLUnmarshalErrors: Error, CustomStringConvertible, Sendable {
    /// Each entry is `line <n>: <message>`.
    public var lines: [String]
    public var description: String {
        "yaml: unmarshal errors:\n" + lines.map { "  " + $0 }.joined(separator: "\n")
    }
}

/// Strict decoding of a composed YAML tree with Go-compatible error messages.
///
/// `typePrefix` is the Go package of the target types (`main` for promtool's test
/// files, `rulefmt` for rule files) so that messages read `field x not found in type main.testGroup`.
public struct StrictYAML {
    public let typePrefix: String
    public private(set) var errors: [String] = []
    /// Prefix duration errors with `line N: `. Off by default: promtool prints rule and test
    /// file duration errors without a line, and their messages must match it.
    public var durationErrorsHaveLine = false

    public init(typePrefix: String) { self.typePrefix = typePrefix }

    /// Composes `text`; a syntax error is reported as the YAML library's message.
    public static func compose(_ text: String) throws -> Node? {
        do {
            return try Yams.compose(yaml: text)
        } catch let e as YamlError {
            throw YAMLAbort(description: "yaml: " + Self.describe(e))
        }
    }

    public static func describe(_ e: YamlError) -> String {
        switch e {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _):
            let ctx = context.map { " \($0.text)" } ?? ""
            return "line \(mark.line):\(ctx) \(problem)"
        default:
            return "\(e)"
        }
    }

    public static func line(_ n: Node) -> Int { n.mark?.line ?? 0 }

    /// The Go YAML tag shown in type errors (`!!str`, `!!seq`, ...).
    public static func shortTag(_ n: Node) -> String {
        switch n {
        case .mapping: return "!!map"
        case .sequence: return "!!seq"
        default:
            let name = n.tag.rawValue
            if name.hasPrefix("tag:yaml.org,2002:") { return "!!" + name.dropFirst("tag:yaml.org,2002:".count) }
            return name
        }
    }

    public mutating func typeError(_ n: Node, into goType: String) {
        var value = ""
        if case .scalar(let s) = n {
            // yaml.v2/v3 shorten long scalars in this message.
            let v = s.string
            value = v.count > 10 ? " `" + v.prefix(7) + "...`" : " `" + v + "`"
        }
        errors.append("line \(Self.line(n)): cannot unmarshal \(Self.shortTag(n))\(value) into \(goType)")
    }

    public static func isNull(_ n: Node) -> Bool {
        if case .scalar(let s) = n, n.tag.rawValue == Tag.Name.null.rawValue { return s.string.isEmpty || s.string == "~" || s.string == "null" || s.string == "Null" || s.string == "NULL" }
        return false
    }

    /// The keys of a mapping for a Go struct `type`; unknown keys are recorded as errors.
    /// Returns nil (and records a type error) when `n` is not a mapping.
    public mutating func fields(_ n: Node, type: String, known: Set<String>) -> [(key: String, value: Node)]? {
        if Self.isNull(n) { return [] }
        guard case .mapping(let m) = n else {
            typeError(n, into: "\(typePrefix).\(type)")
            return nil
        }
        var out: [(String, Node)] = []
        for (k, v) in m {
            let key = k.scalar?.string ?? ""
            if known.contains(key) {
                out.append((key, v))
            } else {
                errors.append("line \(Self.line(k)): field \(key) not found in type \(typePrefix).\(type)")
            }
        }
        return out
    }

    /// Any scalar decodes into a Go string; collections are type errors.
    public mutating func string(_ n: Node) -> String {
        if Self.isNull(n) { return "" }
        guard case .scalar(let s) = n else { typeError(n, into: "string"); return "" }
        return s.string
    }

    /// A float64: YAML ints and floats (`.nan`, `.inf`); a string is a type error, as in Go.
    public mutating func float(_ n: Node) -> Double {
        if Self.isNull(n) { return 0 }
        guard case .scalar(let s) = n else { typeError(n, into: "float64"); return 0 }
        switch Tag.Name(rawValue: n.tag.rawValue) {
        case .float, .int:
            if let v = Self.parseYAMLNumber(s.string) { return v }
        default: break
        }
        typeError(n, into: "float64")
        return 0
    }

    public mutating func int(_ n: Node) -> Int {
        if Self.isNull(n) { return 0 }
        guard case .scalar(let s) = n, n.tag.rawValue == Tag.Name.int.rawValue, let v = Self.parseYAMLNumber(s.string), v == v.rounded(), abs(v) < 9.2e18 else {
            typeError(n, into: "int")
            return 0
        }
        return Int(v)
    }

    public static func parseYAMLNumber(_ text: String) -> Double? {
        let t = text.replacingOccurrences(of: "_", with: "")
        switch t.lowercased() {
        case ".nan": return .nan
        case ".inf", "+.inf": return .infinity
        case "-.inf": return -.infinity
        default: break
        }
        var body = Substring(t), sign = 1.0
        if body.hasPrefix("-") { sign = -1; body = body.dropFirst() } else if body.hasPrefix("+") { body = body.dropFirst() }
        if body.hasPrefix("0x"), let v = UInt64(body.dropFirst(2), radix: 16) { return sign * Double(v) }
        if body.hasPrefix("0o"), let v = UInt64(body.dropFirst(2), radix: 8) { return sign * Double(v) }
        return Double(t)
    }

    /// A Prometheus duration; an invalid one aborts the document (Go's custom unmarshaler).
    public mutating func duration(_ n: Node) throws -> Int64 {
        let s = string(n)
        do { return try PromDuration.parse(s) } catch let e as DurationError {
            throw YAMLAbort(description: durationErrorsHaveLine ? "line \(Self.line(n)): \(e.description)" : e.description)
        }
    }

    public mutating func stringList(_ n: Node) -> [String] {
        if Self.isNull(n) { return [] }
        guard case .sequence(let seq) = n else { typeError(n, into: "[]string"); return [] }
        return seq.map { string($0) }
    }

    public mutating func sequence(_ n: Node, of goType: String) -> [Node] {
        if Self.isNull(n) { return [] }
        guard case .sequence(let seq) = n else { typeError(n, into: "[]\(typePrefix).\(goType)"); return [] }
        return Array(seq)
    }

    /// A `map[string]string`, in document order (later duplicates win as in Go maps).
    public mutating func stringMap(_ n: Node) -> [String: String]? {
        if Self.isNull(n) { return nil }
        guard case .mapping(let m) = n else { typeError(n, into: "map[string]string"); return nil }
        var out: [String: String] = [:]
        for (k, v) in m {
            if case .scalar = v {
                out[string(k)] = string(v)
            } else {
                typeError(v, into: "string")
            }
        }
        return out
    }

    public static func lineNumber(_ e: String) -> Int {
        Int(e.dropFirst(5).prefix { $0.isNumber }) ?? 0
    }

    /// Throws the collected errors, if any.
    public func finish() throws {
        // Go reports in document order; we record unknown keys before their siblings' values, so restore line order.
        let ordered = errors.enumerated().sorted {
            let a = Self.lineNumber($0.element), b = Self.lineNumber($1.element)
            return a != b ? a < b : $0.offset < $1.offset
        }.map(\.element)
        if !ordered.isEmpty { throw YAMLUnmarshalErrors(lines: ordered) }
    }
}

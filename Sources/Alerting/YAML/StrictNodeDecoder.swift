import Foundation
import Model
import Yams

/// Strict decoding of a composed YAML tree, after `Rules/YAML/StrictYAML.swift` (Alerting does not
/// import Rules): unknown keys and type mismatches are recorded with their `line:column` and
/// decoding goes on, so one run reports every problem. Messages keep Go's wording
/// (`field bogus not found in type config.plain`, `cannot unmarshal !!seq into string`).
struct StrictNodeDecoder {
    let file: String?
    private(set) var diagnostics: [ConfigDiagnostic] = []

    init(file: String?) { self.file = file }

    /// Composes `text`; a syntax error becomes a single diagnostic at the reported mark.
    static func compose(_ text: String, file: String?) throws -> Node? {
        do {
            return try Yams.compose(yaml: text)
        } catch let e as YamlError {
            switch e {
            case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _):
                let ctx = context.map { " \($0.text)" } ?? ""
                throw ConfigError([ConfigDiagnostic(file: file, line: mark.line, column: mark.column, message: "yaml:\(ctx) \(problem)")])
            default:
                throw ConfigError([ConfigDiagnostic(file: file, line: 0, column: 0, message: "yaml: \(e)")])
            }
        }
    }

    // MARK: Diagnostics

    mutating func error(_ n: Node?, _ message: String) {
        diagnostics.append(ConfigDiagnostic(file: file, line: n?.mark?.line ?? 0, column: n?.mark?.column ?? 0, message: message))
    }

    /// The Go YAML tag shown in type errors (`!!str`, `!!seq`, ...).
    static func shortTag(_ n: Node) -> String {
        switch n {
        case .mapping: return "!!map"
        case .sequence: return "!!seq"
        default:
            let name = n.tag.rawValue
            if name.hasPrefix("tag:yaml.org,2002:") { return "!!" + name.dropFirst("tag:yaml.org,2002:".count) }
            return name
        }
    }

    mutating func typeError(_ n: Node, into goType: String) {
        var value = ""
        if case .scalar(let s) = n {
            let v = s.string
            value = v.count > 10 ? " `" + v.prefix(7) + "...`" : " `" + v + "`"
        }
        error(n, "cannot unmarshal \(Self.shortTag(n))\(value) into \(goType)")
    }

    static func isNull(_ n: Node) -> Bool {
        if case .scalar(let s) = n, n.tag.rawValue == Tag.Name.null.rawValue {
            return ["", "~", "null", "Null", "NULL"].contains(s.string)
        }
        return false
    }

    // MARK: Structure

    /// The entries of a mapping decoded into the Go struct `goType`; unknown keys are recorded
    /// (or passed to `unknown`, which returns whether it handled the key). Nil when `n` is not a mapping.
    mutating func fields(_ n: Node, type goType: String = "config.plain", known: Set<String>,
                         unknown: ((inout StrictNodeDecoder, Node) -> Bool)? = nil) -> [(key: String, value: Node)]? {
        if Self.isNull(n) { return [] }
        guard case .mapping(let m) = n else {
            typeError(n, into: goType)
            return nil
        }
        var out: [(key: String, value: Node)] = []
        var seen: Set<String> = []
        for (k, v) in m {
            let key = k.scalar?.string ?? ""
            if known.contains(key) {
                if !seen.insert(key).inserted {
                    error(k, "field \(key) already set in type \(goType)")
                }
                out.append((key, v))
            } else if let unknown, unknown(&self, k) {
                continue
            } else {
                error(k, "field \(key) not found in type \(goType)")
            }
        }
        return out
    }

    /// Any scalar decodes into a Go string; collections are type errors.
    mutating func string(_ n: Node) -> String {
        if Self.isNull(n) { return "" }
        guard case .scalar(let s) = n else { typeError(n, into: "string"); return "" }
        return s.string
    }

    mutating func bool(_ n: Node) -> Bool {
        if Self.isNull(n) { return false }
        if case .scalar(let s) = n, n.tag.rawValue == Tag.Name.bool.rawValue {
            switch s.string.lowercased() {
            case "true", "yes", "on", "y": return true
            case "false", "no", "off", "n": return false
            default: break
            }
        }
        typeError(n, into: "bool")
        return false
    }

    mutating func int(_ n: Node) -> Int {
        if Self.isNull(n) { return 0 }
        guard case .scalar(let s) = n, n.tag.rawValue == Tag.Name.int.rawValue,
              let v = Int(s.string.replacingOccurrences(of: "_", with: "")) else {
            typeError(n, into: "int")
            return 0
        }
        return v
    }

    /// A Prometheus duration (`model.Duration`), in milliseconds; nil (and a diagnostic) when invalid.
    mutating func duration(_ n: Node) -> Int64? {
        let s = string(n)
        do { return try PromDuration.parse(s) } catch let e as DurationError {
            error(n, e.description)
        } catch {
            self.error(n, "\(error)")
        }
        return nil
    }

    mutating func stringList(_ n: Node) -> [String] {
        if Self.isNull(n) { return [] }
        guard case .sequence(let seq) = n else { typeError(n, into: "[]string"); return [] }
        return seq.map { string($0) }
    }

    mutating func sequence(_ n: Node, of goType: String) -> [Node] {
        if Self.isNull(n) { return [] }
        guard case .sequence(let seq) = n else { typeError(n, into: "[]\(goType)"); return [] }
        return Array(seq)
    }

    /// A `map[string]string` in document order, with the key nodes for positions.
    mutating func stringMap(_ n: Node) -> [(key: String, keyNode: Node, value: String, valueNode: Node)] {
        if Self.isNull(n) { return [] }
        guard case .mapping(let m) = n else { typeError(n, into: "map[string]string"); return [] }
        var out: [(key: String, keyNode: Node, value: String, valueNode: Node)] = []
        for (k, v) in m {
            let key = string(k)
            if case .scalar = v {
                out.removeAll { $0.key == key }
                out.append((key, k, string(v), v))
            } else {
                typeError(v, into: "string")
            }
        }
        return out
    }

    /// Throws the collected diagnostics in document order.
    func finish() throws {
        guard !diagnostics.isEmpty else { return }
        let ordered = diagnostics.enumerated().sorted {
            let a = $0.element, b = $1.element
            if a.line != b.line { return a.line < b.line }
            if a.column != b.column { return a.column < b.column }
            return $0.offset < $1.offset
        }.map(\.element)
        throw ConfigError(ordered)
    }
}

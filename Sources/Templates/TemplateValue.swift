import Model

/// A query result sample as templates see it (`.Labels`, `.Value`).
public struct TemplateSample: Sendable, Equatable {
    public var labels: [String: String]
    public var value: Double
    public init(labels: [String: String], value: Double) {
        self.labels = labels
        self.value = value
    }
}

/// The dynamically typed values a template handles.
enum TemplateValue: Sendable {
    case string(String)
    case float(Double)
    case int(Int)
    case bool(Bool)
    case map([String: String])
    case samples([TemplateSample])
    case sample(TemplateSample)
    /// A struct with named fields (the root data).
    case record([String: TemplateValue])
    case null

    /// Go's notion of truth for `if`/`with`/`and`/`or`.
    var isTrue: Bool {
        switch self {
        case .string(let s): return !s.isEmpty
        case .float(let v): return v != 0
        case .int(let v): return v != 0
        case .bool(let b): return b
        case .map(let m): return !m.isEmpty
        case .samples(let s): return !s.isEmpty
        case .sample, .record: return true
        case .null: return false
        }
    }

    /// Go's type name, used in error messages.
    var goType: String {
        switch self {
        case .string: return "string"
        case .float: return "float64"
        case .int: return "int"
        case .bool: return "bool"
        case .map: return "map[string]string"
        case .samples: return "template.queryResult"
        case .sample: return "*template.sample"
        case .record: return "struct"
        case .null: return "<nil>"
        }
    }

    /// `fmt.Sprint`-style rendering (`%v`), as `{{ . }}` prints.
    var printed: String {
        switch self {
        case .string(let s): return s
        case .float(let v): return GoFloat.formatG(v)
        case .int(let v): return String(v)
        case .bool(let b): return b ? "true" : "false"
        case .map(let m):
            return "map[" + m.keys.sorted { $0.utf8Precedes($1) }.map { "\($0):\(m[$0]!)" }.joined(separator: " ") + "]"
        case .samples(let s): return "[" + s.map { TemplateValue.sample($0).printed }.joined(separator: " ") + "]"
        case .sample(let s): return "&{\(TemplateValue.map(s.labels).printed) \(GoFloat.formatG(s.value))}"
        case .record: return "{...}"
        case .null: return "<no value>"
        }
    }
}

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

/// One `Name`/`Value` pair of Alertmanager's `template.Pairs`.
public struct TemplatePair: Sendable, Equatable {
    public var name: String
    public var value: String
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// An instant with the zone it is shown in, as Go's `time.Time` (nanosecond resolution).
public struct TemplateTime: Sendable, Equatable {
    /// Nanoseconds since the Unix epoch; `nil` is Go's zero time `0001-01-01T00:00:00Z`.
    public var nanoseconds: Int64?
    /// Offset east of UTC in seconds, and the zone's abbreviation (`UTC`, `CET`).
    public var offset: Int
    public var zoneName: String

    public init(nanoseconds: Int64?, offset: Int = 0, zoneName: String = "UTC") {
        self.nanoseconds = nanoseconds
        self.offset = offset
        self.zoneName = zoneName
    }

    /// A UTC time from milliseconds since the epoch; `nil` is the zero time.
    public static func milliseconds(_ ms: Int64?) -> TemplateTime {
        TemplateTime(nanoseconds: ms.map { $0 * 1_000_000 })
    }
}

/// The dynamically typed values a template handles.
public enum TemplateValue: Sendable {
    case string(String)
    case float(Double)
    case int(Int)
    case bool(Bool)
    /// A Go `map[string]string` (Prometheus' `$labels`): missing keys read as "".
    case map([String: String])
    case samples([TemplateSample])
    case sample(TemplateSample)
    /// A struct with named fields (the root data).
    case record([String: TemplateValue])
    /// A Go slice.
    case list([TemplateValue])
    /// Alertmanager's `template.KV`: a label map with the methods `SortedPairs`, `Names`,
    /// `Values` and `Remove`.
    case kv([String: String])
    /// Alertmanager's `template.Pairs` (methods `Names`, `Values`).
    case pairs([TemplatePair])
    /// Alertmanager's `template.Alerts`: a list of alert records with `Firing` and `Resolved`.
    case alerts([TemplateValue])
    case time(TemplateTime)
    /// Text marked safe for HTML (`safeHtml`); not escaped in HTML templates.
    case html(String)
    case null

    /// Go's notion of truth for `if`/`with`/`and`/`or`.
    public var isTrue: Bool {
        switch self {
        case .string(let s), .html(let s): return !s.isEmpty
        case .float(let v): return v != 0
        case .int(let v): return v != 0
        case .bool(let b): return b
        case .map(let m), .kv(let m): return !m.isEmpty
        case .samples(let s): return !s.isEmpty
        case .list(let l), .alerts(let l): return !l.isEmpty
        case .pairs(let p): return !p.isEmpty
        case .sample, .record, .time: return true
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
        case .list: return "[]interface {}"
        case .kv: return "template.KV"
        case .pairs: return "template.Pairs"
        case .alerts: return "template.Alerts"
        case .time: return "time.Time"
        case .html: return "template.HTML"
        case .null: return "<nil>"
        }
    }

    /// `fmt.Sprint`-style rendering (`%v`), as `{{ . }}` prints.
    var printed: String {
        switch self {
        case .string(let s), .html(let s): return s
        case .float(let v): return GoFloat.formatG(v)
        case .int(let v): return String(v)
        case .bool(let b): return b ? "true" : "false"
        case .map(let m), .kv(let m):
            return "map[" + m.keys.sorted { $0.utf8Precedes($1) }.map { "\($0):\(m[$0]!)" }.joined(separator: " ") + "]"
        case .samples(let s): return "[" + s.map { TemplateValue.sample($0).printed }.joined(separator: " ") + "]"
        case .sample(let s): return "&{\(TemplateValue.map(s.labels).printed) \(GoFloat.formatG(s.value))}"
        case .record: return "{...}"
        case .list(let l), .alerts(let l): return "[" + l.map(\.printed).joined(separator: " ") + "]"
        case .pairs(let p): return "[" + p.map { "{\($0.name) \($0.value)}" }.joined(separator: " ") + "]"
        case .time(let t): return GoTime.string(t)
        case .null: return "<no value>"
        }
    }
}

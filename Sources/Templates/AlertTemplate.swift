import Model
import Synchronization

/// Expands alert label and annotation templates as `rules/alerting.go` does: the
/// `$labels/$externalLabels/$externalURL/$value` prelude, the template named
/// `__alert_<alertname>`, and errors rendered into the result text.
public struct AlertTemplate {
    /// Prepended to every label/annotation text (112 bytes, so user columns start at 113).
    public static let prelude = "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}"

    public var alertName: String
    public var labels: [String: String]
    public var value: Double
    public var externalLabels: [String: String]
    public var externalURL: String
    /// Instant query at the evaluation time, for the `query` function.
    public var query: (String) throws -> [TemplateSample]

    public init(alertName: String, labels: [String: String], value: Double, externalLabels: [String: String],
                externalURL: String, query: @escaping (String) throws -> [TemplateSample]) {
        self.alertName = alertName
        self.labels = labels
        self.value = value
        self.externalLabels = externalLabels
        self.externalURL = externalURL
        self.query = query
    }

    var name: String { "__alert_" + alertName }

    /// Parsed texts by template name and text: every evaluation expands the same few texts
    /// for every active alert, and parsing was a third of the expansion.
    private static let parseCache = Mutex<[String: [String: Result<[TemplateNode], ParseFailure>]]>([:])
    private static let parseCacheLimit = 4096

    struct ParseFailure: Error, CustomStringConvertible {
        var description: String
    }

    static func parsed(name: String, text: String) -> Result<[TemplateNode], ParseFailure> {
        if let hit = parseCache.withLock({ $0[name]?[text] }) { return hit }
        var parser = TemplateParser(name: name, text: text, functions: TemplateFunctions.names)
        let result: Result<[TemplateNode], ParseFailure>
        do { result = .success(try parser.parse()) } catch { result = .failure(ParseFailure(description: "\(error)")) }
        parseCache.withLock { cache in
            if cache.values.reduce(0, { $0 + $1.count }) >= parseCacheLimit { cache.removeAll() }
            cache[name, default: [:]][text] = result
        }
        return result
    }

    public static func hasAction(_ text: String) -> Bool {
        var previous: UInt8 = 0
        for b in text.utf8 {
            if b == UInt8(ascii: "{") && previous == UInt8(ascii: "{") { return true }
            previous = b
        }
        return false
    }

    /// Parse-checks a text as `promtool check rules` does (`template: __alert_X:1: ...`).
    public static func check(_ text: String, alertName: String) throws(TemplateError) {
        var p = TemplateParser(name: "__alert_" + alertName, text: prelude + text, functions: TemplateFunctions.names)
        do { _ = try p.parse() } catch let e as TemplateError { throw e } catch { throw TemplateError(description: "\(error)") }
    }

    /// The expanded text, or `<error expanding template: ...>` on failure.
    public func expand(_ text: String) -> String {
        // Without an action the text is its own expansion (the prelude prints nothing), as
        // for most runbook URLs.
        if !Self.hasAction(text) { return text }
        let full = Self.prelude + text
        let nodes: [TemplateNode]
        switch Self.parsed(name: name, text: full) {
        case .success(let n): nodes = n
        case .failure(let error): return "<error expanding template: error parsing template \(name): \(error)>"
        }
        let root = TemplateValue.record([
            "Labels": .map(labels), "ExternalLabels": .map(externalLabels),
            "ExternalURL": .string(externalURL), "Value": .float(value),
        ])
        var ex = TemplateExecutor(name: name, text: full, functions: TemplateFunctions(query: query, externalURL: externalURL), root: root)
        do {
            try ex.run(nodes, dot: root)
            return ex.out
        } catch let e as TemplateExecutor.ExecError {
            return "<error expanding template: error executing template \(name): \(e.message)>"
        } catch {
            return "<error expanding template: error executing template \(name): \(error)>"
        }
    }
}

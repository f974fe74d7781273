import Model
import Templates

/// An alert's annotation templates and what they expand with, kept instead of the expansion.
///
/// Prometheus expands every active alert's annotations at every evaluation; most of those
/// expansions (a pending alert's, a firing one's between sends) are never read. Deferred,
/// they are expanded when read (a notification, the API, a rule test) from the same inputs,
/// so the text is the same. Only for templates that cannot read the store: a `query` call
/// must run at the evaluation time, and then the rule expands at once.
struct DeferredAnnotations: Sendable {
    var alertName: String
    /// The labels of the sample that made the alert (`$labels`).
    var labels: Labels
    var value: Double
    var externalLabels: [String: String]
    var externalURL: String
    /// Name and raw text, sorted by name.
    var templates: [Label]

    /// Whether texts can be deferred: none may call `query` (a conservative text search).
    static func canDefer(_ texts: some Sequence<String>) -> Bool {
        !texts.contains { $0.contains("query") }
    }

    func expand() -> [Label] {
        let tmpl = AlertTemplate(alertName: alertName, labels: labels.dictionary, value: value,
                                 externalLabels: externalLabels, externalURL: externalURL,
                                 query: { _ in throw DeferredQuery() })
        return templates.map { Label(name: $0.name, value: tmpl.expand($0.value)) }
    }

    /// Not reached: `canDefer` keeps texts that call `query` out.
    struct DeferredQuery: Error, CustomStringConvertible {
        var description: String { "query is not available to deferred annotations" }
    }
}

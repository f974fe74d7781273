import Model

/// A namespace of named templates built from several texts, as Alertmanager's
/// `template.Template` (`FromGlobs`): each text's `{{define}}`s are added, later ones
/// replacing earlier ones of the same name, and any text can then be run against data
/// that calls them with `{{template "name" .}}`. Go `text/template` semantics with
/// `missingkey=zero`; `html: true` escapes values as `html/template` does (see
/// `TemplateExecutor.escapesHTML` for what differs).
///
/// ```swift
/// var set = TemplateSet(dialect: .alertmanager)
/// try set.add(name: "default.tmpl", text: #"{{ define "greet" }}hi {{ .Name }}{{ end }}"#)
/// try set.execute(#"{{ template "greet" . }}"#, data: .record(["Name": .string("ops")]))  // "hi ops"
/// ```
public struct TemplateSet: Sendable {
    public let dialect: TemplateDialect
    /// Invariant: every value parsed with this set's dialect.
    var templates: [String: [TemplateNode]] = [:]

    public init(dialect: TemplateDialect = .alertmanager) {
        self.dialect = dialect
    }

    /// The names of the defined templates.
    public var names: Set<String> { Set(templates.keys) }

    /// Parses `text` (a template file named `name` in errors) and adds its definitions.
    public mutating func add(name: String, text: String) throws(TemplateError) {
        var p = TemplateParser(name: name, text: text, functions: TemplateFunctions.names(for: dialect))
        p.allowsDefinitions = true
        do { _ = try p.parse() } catch let e as TemplateError { throw e } catch { throw TemplateError(description: "\(error)") }
        for (k, v) in p.defines { templates[k] = v }
    }

    /// Runs `text` against `data` (`ExecuteTextString`/`ExecuteHTMLString`): an empty text
    /// gives "" without parsing. Parse and execution errors throw, with Go's wording.
    public func execute(_ text: String, data: TemplateValue, html: Bool = false) throws(TemplateError) -> String {
        if text.isEmpty { return "" }
        var p = TemplateParser(name: "", text: text, functions: TemplateFunctions.names(for: dialect))
        p.allowsDefinitions = true
        let nodes: [TemplateNode]
        do { nodes = try p.parse() } catch let e as TemplateError { throw e } catch { throw TemplateError(description: "\(error)") }
        var all = templates
        for (k, v) in p.defines { all[k] = v }
        return try run(nodes, name: "", text: text, templates: all, data: data, html: html)
    }

    /// Runs the defined template `name` against `data`.
    public func execute(templateNamed name: String, data: TemplateValue, html: Bool = false) throws(TemplateError) -> String {
        guard let nodes = templates[name] else {
            throw TemplateError(description: "template: no template \(goQuote(name)) associated with template \"\"")
        }
        return try run(nodes, name: name, text: "", templates: templates, data: data, html: html)
    }

    func run(_ nodes: [TemplateNode], name: String, text: String, templates: [String: [TemplateNode]],
             data: TemplateValue, html: Bool) throws(TemplateError) -> String {
        var functions = TemplateFunctions(query: { _ in [] }, externalURL: "")
        functions.dialect = dialect
        var ex = TemplateExecutor(name: name, text: text, functions: functions, root: data)
        ex.templates = templates
        ex.escapesHTML = html
        do {
            try ex.run(nodes, dot: data)
            return ex.out
        } catch let e as TemplateExecutor.ExecError {
            throw TemplateError(description: e.message)
        } catch {
            throw TemplateError(description: "\(error)")
        }
    }
}

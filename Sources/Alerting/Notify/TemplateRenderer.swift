import Templates

/// Renders a notifier's templated fields against one notification's data, keeping the
/// first error and rendering "" after it (`notify.TmplText`): the caller checks `error`
/// once all fields are rendered.
struct TemplateRenderer {
    let templates: NotificationTemplates
    let data: TemplateValue
    private(set) var error: TemplateError?

    init(_ templates: NotificationTemplates, _ n: NotificationRequest) {
        self.templates = templates
        self.data = n.templateData
    }

    mutating func text(_ s: String) -> String {
        if error != nil { return "" }
        do { return try templates.text(s, data) } catch { self.error = error; return "" }
    }

    mutating func html(_ s: String) -> String {
        if error != nil { return "" }
        do { return try templates.html(s, data) } catch { self.error = error; return "" }
    }

    func check() throws(NotifyError) {
        if let error { throw NotifyError.template(error) }
    }
}

/// `notify.TruncateInRunes`: at most `n` characters, the last replaced by `…` when cut.
func truncateInRunes(_ s: String, _ n: Int) -> (String, Bool) {
    let scalars = Array(s.unicodeScalars)
    guard scalars.count > n else { return (s, false) }
    var out = String.UnicodeScalarView()
    out.append(contentsOf: scalars.prefix(n - 1))
    out.append("…")
    return (String(out), true)
}

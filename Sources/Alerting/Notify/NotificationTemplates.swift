import Foundation
import Templates

/// Alertmanager's notification template namespace (`template.FromGlobs`): the built-in
/// `default.tmpl` and `email.tmpl`, then the user's `templates:` files, whose `define`s
/// replace earlier ones of the same name.
public struct NotificationTemplates: Sendable {
    public private(set) var set: TemplateSet

    /// The built-in templates only.
    public init() {
        var set = TemplateSet(dialect: .alertmanager)
        do {
            try set.add(name: "default.tmpl", text: DefaultTemplates.defaultTmpl)
            try set.add(name: "email.tmpl", text: DefaultTemplates.emailTmpl)
        } catch {
            preconditionFailure("built-in templates do not parse: \(error)")
        }
        self.set = set
    }

    /// The built-ins plus `files` (`(name, text)`), in order.
    public init(files: [(name: String, text: String)]) throws(TemplateError) {
        self.init()
        for f in files { try set.add(name: f.name, text: f.text) }
    }

    /// The built-ins plus the files matching `globs` (each sorted, as Go's `filepath.Glob`),
    /// relative globs resolved against `directory`.
    public init(globs: [String], relativeTo directory: String) throws {
        var files: [(name: String, text: String)] = []
        for g in globs {
            let pattern = g.hasPrefix("/") ? g : directory + "/" + g
            for path in Self.glob(pattern) {
                let text = try String(contentsOfFile: path, encoding: .utf8)
                files.append((URL(fileURLWithPath: path).lastPathComponent, text))
            }
        }
        try self.init(files: files)
    }

    static func glob(_ pattern: String) -> [String] {
        var g = glob_t()
        defer { globfree(&g) }
        guard Foundation.glob(pattern, 0, nil, &g) == 0 else { return [] }
        var out: [String] = []
        for i in 0..<Int(g.gl_pathc) {
            if let p = g.gl_pathv[i] { out.append(String(cString: p)) }
        }
        return out.sorted()
    }

    /// Renders `text` against `data`; "" for an empty text (`ExecuteTextString`).
    public func text(_ text: String, _ data: TemplateValue) throws(TemplateError) -> String {
        try set.execute(text, data: data)
    }

    /// Renders `text` with `html/template`-style escaping (`ExecuteHTMLString`).
    public func html(_ text: String, _ data: TemplateValue) throws(TemplateError) -> String {
        try set.execute(text, data: data, html: true)
    }
}

extension NotificationRequest {
    /// The data every notification template sees (`template.Data`, spec §9.1).
    public var templateData: TemplateValue {
        let list: [TemplateValue] = alerts.map { a in
            .record([
                "Status": .string(a.status),
                "Labels": .kv(a.labels),
                "Annotations": .kv(a.annotations),
                "StartsAt": .time(.milliseconds(a.startsAt)),
                "EndsAt": .time(.milliseconds(a.payloadEndsAt)),
                "GeneratorURL": .string(a.generatorURL),
                "Fingerprint": .string(a.fingerprint),
            ])
        }
        return .record([
            "Receiver": .string(Self.quoteMeta(receiver)),
            "Status": .string(status),
            "Alerts": .alerts(list),
            "GroupLabels": .kv(groupLabels),
            "CommonLabels": .kv(commonLabels),
            "CommonAnnotations": .kv(commonAnnotations),
            "ExternalURL": .string(externalURL),
        ])
    }

    /// Go's `regexp.QuoteMeta`, which Alertmanager applies to the receiver name.
    static func quoteMeta(_ s: String) -> String {
        var out = ""
        for c in s {
            if "\\.+*?()|[]{}^$".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }
}

extension NotificationRequest.Alert {
    /// `endsAt` as sent: Alertmanager zeroes it for alerts still firing at the flush, so they
    /// do not resolve as time moves on (`dispatch.go`: `aggrGroup.flush`).
    var payloadEndsAt: Int64? { isResolved ? endsAt : nil }
}

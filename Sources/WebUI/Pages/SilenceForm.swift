import Foundation
import Model

/// The "new silence" form. An alert's Silence link fills it with the alert's labels
/// (`/ui/silences/new?m0n=alertname&m0v=X...`); the form posts the same field names to
/// `/ui/silences`. Row `i` has `m{i}n` (name), `m{i}o` (operator) and `m{i}v` (value); a row
/// with an empty name is dropped.
struct SilenceForm {
    struct Fields {
        var matchers: [(name: String, op: String, value: String)]
        var duration: String
        var createdBy: String
        var comment: String

        /// From a GET (prefill): the alert's labels, default duration 2h.
        init(prefill p: FormData) {
            self.init(form: p)
            if duration.isEmpty { duration = "2h" }
        }

        init(form p: FormData) {
            matchers = []
            var i = 0
            while let name = p["m\(i)n"] {
                matchers.append((name, p["m\(i)o"] ?? "=", p["m\(i)v"] ?? ""))
                i += 1
                if i > 100 { break }
            }
            duration = p["duration"] ?? ""
            createdBy = p["createdBy"] ?? ""
            comment = p["comment"] ?? ""
        }

        /// Checks the fields; the silence starts now and ends `duration` later.
        func draft(now: Int64) -> Result<UISilenceDraft, UIActionError> {
            var out: [UIMatcher] = []
            for m in matchers {
                let name = m.name.trimmingCharacters(in: .whitespaces)
                if name.isEmpty { continue }
                guard let kind = UIMatcher.Kind(rawValue: m.op) else {
                    return .failure(UIActionError(.invalid, "unknown matcher operator \(goQuote(m.op))"))
                }
                out.append(UIMatcher(name: name, kind: kind, value: m.value))
            }
            if out.isEmpty { return .failure(UIActionError(.invalid, "a silence needs at least one matcher")) }
            let ms: Int64
            do { ms = try PromDuration.parse(duration.trimmingCharacters(in: .whitespaces)) } catch {
                return .failure(UIActionError(.invalid, "duration: \(error)"))
            }
            if ms <= 0 { return .failure(UIActionError(.invalid, "duration must be positive")) }
            if createdBy.trimmingCharacters(in: .whitespaces).isEmpty {
                return .failure(UIActionError(.invalid, "\"Created by\" is required"))
            }
            if comment.trimmingCharacters(in: .whitespaces).isEmpty {
                return .failure(UIActionError(.invalid, "a comment is required"))
            }
            return .success(UISilenceDraft(matchers: out, startsAt: now, endsAt: now + ms, createdBy: createdBy, comment: comment))
        }
    }

    var fields: Fields
    var error: String?
    var now: Int64

    /// The form's URL filled with `labels` as equality matchers.
    static func prefillURL(labels: Labels) -> String {
        var q: [(String, String)] = []
        for (i, l) in labels.pairs.enumerated() {
            q.append(("m\(i)n", l.name))
            q.append(("m\(i)v", l.value))
        }
        return "/ui/silences/new?" + FormData.query(q)
    }

    func render() -> String {
        Layout.page(title: "New silence", section: .silences, now: now) { h in
            if let error { Layout.notice(error, error: true, into: &h) }
            h.raw("<form method=\"post\" action=\"/ui/silences\" id=\"silence-form\"><table><thead><tr><th>Label</th><th>Operator</th><th>Value</th></tr></thead><tbody>")
            let rows = fields.matchers + [("", "=", ""), ("", "=", "")]
            for (i, m) in rows.enumerated() {
                h.raw("<tr><td><input type=\"text\" " + HTML.attr("name", "m\(i)n") + " " + HTML.attr("value", m.name)
                      + " aria-label=\"label name\"></td><td><select " + HTML.attr("name", "m\(i)o") + ">")
                for op in ["=", "!=", "=~", "!~"] {
                    h.raw("<option " + HTML.attr("value", op) + (op == m.op ? " selected" : "") + ">")
                    h.text(op)
                    h.raw("</option>")
                }
                h.raw("</select></td><td><input type=\"text\" size=\"50\" " + HTML.attr("name", "m\(i)v") + " "
                      + HTML.attr("value", m.value) + " aria-label=\"label value\"></td></tr>")
            }
            h.raw("</tbody></table><p class=\"muted\">Clear a label name to drop that matcher. The silence starts now.</p>")
            h.raw("<p><label>Duration <input type=\"text\" name=\"duration\" " + HTML.attr("value", fields.duration)
                  + " size=\"8\"></label> <label>Created by <input type=\"text\" name=\"createdBy\" "
                  + HTML.attr("value", fields.createdBy) + "></label></p>")
            h.raw("<p><label>Comment<br><textarea name=\"comment\" rows=\"3\">")
            h.text(fields.comment)
            h.raw("</textarea></label></p><button type=\"submit\">Create silence</button> <a class=\"button secondary\" href=\"/ui/silences\">Cancel</a></form>")
        }
    }
}

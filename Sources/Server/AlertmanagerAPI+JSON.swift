import Alerting
import Foundation
import Model

/// JSON of the Alertmanager API v2 models, as go-swagger writes them: keys in the generated
/// order (each `allOf` part alphabetical, the parts in schema order), times as `strfmt.DateTime`
/// (RFC 3339, exactly three fractional digits, UTC here), and HTML escaping inside the `allOf`
/// models (`gettableAlert`, `gettableSilence`), whose `MarshalJSON` goes through `json.Marshal`.
enum AMJSON {
    /// Go's zero `time.Time` in ms (`0001-01-01T00:00:00Z`): a posted time equal to it means "unset".
    static let zeroTime: Int64 = -62_135_596_800_000

    /// `strfmt.DateTime`: `2026-11-28T23:39:47.000Z`.
    static func dateTime(_ ms: Int64?) -> String {
        let s = APIFormat.rfc3339(ms ?? zeroTime)
        // rfc3339 trims the fraction; DateTime always has three digits.
        let base = s.dropLast()  // "Z"
        if let dot = base.lastIndex(of: "."), base[..<dot].contains("T") {
            let frac = base[base.index(after: dot)...]
            return String(base[..<dot]) + "." + frac + String(repeating: "0", count: 3 - frac.count) + "Z"
        }
        return base + ".000Z"
    }

    static func quote(_ s: String) -> String { JSONWriter.quote(s) }

    /// `strfmt.IsUUID`: 8-4-4-4-12 hex digits.
    static func isUUID(_ s: String) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.map(\.count) == [8, 4, 4, 4, 12] else { return false }
        return parts.allSatisfy { $0.allSatisfy(\.isHexDigit) }
    }

    /// A posted time: RFC 3339; Go's zero time means "not set".
    static func parseTime(_ s: String) -> Int64?? {
        guard let t = APIParameters.parseRFC3339(truncatingFraction(s)) else { return nil }
        return .some(t == zeroTime ? nil : t)
    }

    /// Keeps at most three fractional digits (ms precision): `…47.123456789Z` → `…47.123Z`.
    /// (Go keeps nanoseconds; Klaxon's times are milliseconds.)
    static func truncatingFraction(_ s: String) -> String {
        guard let t = s.firstIndex(where: { $0 == "T" || $0 == "t" }), let dot = s[t...].firstIndex(of: ".") else { return s }
        var digits = s.index(after: dot)
        var kept = 0
        var out = String(s[...dot])
        while digits < s.endIndex, s[digits].isASCII, s[digits].isNumber {
            if kept < 3 { out.append(s[digits]); kept += 1 }
            digits = s.index(after: digits)
        }
        return out + s[digits...]
    }

    // MARK: Models

    static func labelSet(_ m: [String: String], escapeHTML: Bool = true) -> String {
        let keys = m.keys.sorted { $0.utf8Precedes($1) }
        return "{" + keys.map { JSONWriter.quote($0, escapeHTML: escapeHTML) + ":" + JSONWriter.quote(m[$0]!, escapeHTML: escapeHTML) }
            .joined(separator: ",") + "}"
    }

    /// `gettableAlert`.
    static func alert(_ a: Alert, status: AlertStatus, receivers: [String]) -> String {
        var w = JSONWriter()
        w.raw("{\"annotations\":" + labelSet(a.annotations))
        w.raw(",\"endsAt\":" + quote(dateTime(a.endsAt)))
        w.raw(",\"fingerprint\":" + quote(a.fingerprint.description))
        w.raw(",\"receivers\":[" + receivers.map { "{\"name\":\(quote($0))}" }.joined(separator: ",") + "]")
        w.raw(",\"startsAt\":" + quote(dateTime(a.startsAt)))
        w.raw(",\"status\":{\"inhibitedBy\":[" + status.inhibitedBy.map(quote).joined(separator: ",") + "]")
        w.raw(",\"silencedBy\":[" + status.silencedBy.map(quote).joined(separator: ",") + "]")
        w.raw(",\"state\":" + quote(status.state.rawValue) + "}")
        w.raw(",\"updatedAt\":" + quote(dateTime(a.updatedAt)))
        if !a.generatorURL.isEmpty { w.raw(",\"generatorURL\":" + quote(a.generatorURL)) }
        w.raw(",\"labels\":" + labelSet(a.labels.dictionary) + "}")
        return w.text
    }

    /// `gettableSilence`, with the state the API computes at `now`.
    static func silence(_ s: Silence, now: Int64) -> String {
        var w = JSONWriter()
        w.raw("{\"id\":" + quote(s.id))
        w.raw(",\"status\":{\"state\":" + quote(s.apiState(at: now).rawValue) + "}")
        w.raw(",\"updatedAt\":" + quote(dateTime(s.updatedAt)))
        w.raw(",\"comment\":" + quote(s.comment))
        w.raw(",\"createdBy\":" + quote(s.createdBy))
        w.raw(",\"endsAt\":" + quote(dateTime(s.endsAt)))
        w.raw(",\"matchers\":[" + s.matchers.map { m in
            "{\"isEqual\":\(m.isEqual),\"isRegex\":\(m.isRegex),\"name\":\(quote(m.name)),\"value\":\(quote(m.value))}"
        }.joined(separator: ",") + "]")
        w.raw(",\"startsAt\":" + quote(dateTime(s.startsAt)) + "}")
        return w.text
    }

    // MARK: Request bodies

    /// A decoding failure, already in Alertmanager's response form.
    struct Failure: Error {
        var response: APIResponse
    }

    /// Parses a JSON body with Foundation; fragments allowed so `"x"` reports a type error.
    static func parse(_ body: [UInt8], what: String) throws(Failure) -> Any? {
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return nil }
        do {
            return try JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])
        } catch {
            throw Failure(response: AMResponse.parseError(what, "the body is not valid JSON"))
        }
    }

    /// A `labelSet` value: an object of strings.
    static func stringMap(_ v: Any?, field: String, what: String) throws(Failure) -> [String: String] {
        guard let v, !(v is NSNull) else { return [:] }
        guard let d = v as? [String: Any] else {
            throw Failure(response: AMResponse.parseError(what, "json: cannot unmarshal \(jsonType(v)) into Go struct field \(field) of type models.LabelSet"))
        }
        var out: [String: String] = [:]
        for (k, x) in d {
            guard let s = x as? String else {
                throw Failure(response: AMResponse.parseError(what, "json: cannot unmarshal \(jsonType(x)) into Go struct field \(field) of type string"))
            }
            out[k] = s
        }
        return out
    }

    static func string(_ v: Any?, field: String, what: String) throws(Failure) -> String? {
        guard let v, !(v is NSNull) else { return nil }
        guard let s = v as? String else {
            throw Failure(response: AMResponse.parseError(what, "json: cannot unmarshal \(jsonType(v)) into Go struct field \(field) of type string"))
        }
        return s
    }

    static func time(_ v: Any?, field: String, what: String) throws(Failure) -> Int64?? {
        guard let s = try string(v, field: field, what: what) else { return .some(nil) }
        guard let t = parseTime(s) else {
            throw Failure(response: AMResponse.parseError(what, "parsing time \(goQuote(s)) as RFC 3339 failed"))
        }
        return t
    }

    static func jsonType(_ v: Any) -> String {
        switch v {
        case is [Any]: return "array"
        case is [String: Any]: return "object"
        case is String: return "string"
        default: return "number"
        }
    }
}

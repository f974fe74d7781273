import Alerting
import Foundation
import Model

/// `GET/POST /silences`, `GET/DELETE /silence/{id}` (`api/v2/api.go`: `getSilencesHandler`,
/// `postSilencesHandler`, `getSilenceHandler`, `deleteSilenceHandler`).
extension AlertmanagerAPI {
    /// `GET /silences`: silences having, for every `filter` matcher, one with the same name,
    /// operator and value; active, then pending, then expired.
    func silences(_ r: APIRequest) async -> APIResponse {
        var filter: [Matcher] = []
        for f in r.values("filter") {
            do { filter.append(try MatcherParser.parseMatcher(f)) } catch {
                return AMResponse.message(400, error.description)
            }
        }
        let items = await dispatcher.read { core, now in
            core.silences.query(filter: filter, now: now).map { AMJSON.silence($0, now: now) }
        }
        return AMResponse.json("[" + items.joined(separator: ",") + "]")
    }

    /// `GET /silence/{id}`: 404 without a body when unknown.
    func silence(id: String) async -> APIResponse {
        let item = await dispatcher.read { core, now in core.silences[id].map { AMJSON.silence($0, now: now) } }
        guard let item else { return AMResponse.empty(404) }
        return AMResponse.json(item)
    }

    /// `DELETE /silence/{id}`: expires it; an unknown id is a 500 `"silence not found"`.
    func deleteSilence(id: String) async -> APIResponse {
        do {
            try await dispatcher.expireSilence(id: id)
            return AMResponse.empty(200)
        } catch {
            return AMResponse.message(500, error.description)
        }
    }

    /// `POST /silences`: creates, or updates the silence named by `id` (which may yield a new
    /// id); `{"silenceID":"…"}`.
    func postSilence(_ body: [UInt8]) async -> APIResponse {
        let what = "silence"
        let silence: Silence
        do {
            guard let json = try AMJSON.parse(body, what: what) else {
                return AMResponse.validation(602, "silence in body is required")
            }
            guard let o = json as? [String: Any] else {
                return AMResponse.parseError(what, "json: cannot unmarshal \(AMJSON.jsonType(json)) into Go value of type models.PostableSilence")
            }
            let id = try AMJSON.string(o["id"], field: "id", what: what) ?? ""
            let comment = try AMJSON.string(o["comment"], field: "comment", what: what)
            let createdBy = try AMJSON.string(o["createdBy"], field: "createdBy", what: what)
            let endsAt = try AMJSON.time(o["endsAt"], field: "endsAt", what: what)
            let startsAt = try AMJSON.time(o["startsAt"], field: "startsAt", what: what)
            let rawMatchers = o["matchers"]
            if let m = rawMatchers, !(m is NSNull), !(m is [Any]) {
                return AMResponse.parseError(what, "json: cannot unmarshal \(AMJSON.jsonType(m)) into Go struct field matchers of type models.Matchers")
            }
            // go-swagger validates the required fields in this order.
            guard let comment else { return AMResponse.validation(602, "comment in body is required") }
            guard let createdBy else { return AMResponse.validation(602, "createdBy in body is required") }
            guard o["endsAt"] != nil, !(o["endsAt"] is NSNull) else { return AMResponse.validation(602, "endsAt in body is required") }
            guard let list = rawMatchers as? [Any] else { return AMResponse.validation(602, "matchers in body is required") }
            if list.isEmpty { return AMResponse.validation(612, "matchers in body should have at least 1 items") }
            var matchers: [Matcher] = []
            for (i, item) in list.enumerated() {
                guard let m = item as? [String: Any] else {
                    return AMResponse.parseError(what, "json: cannot unmarshal \(AMJSON.jsonType(item)) into Go value of type models.Matcher")
                }
                let isEqual = (m["isEqual"] as? Bool) ?? true
                guard let isRegex = m["isRegex"] as? Bool else { return AMResponse.validation(602, "matchers.\(i).isRegex in body is required") }
                guard let name = m["name"] as? String else { return AMResponse.validation(602, "matchers.\(i).name in body is required") }
                guard let value = m["value"] as? String else { return AMResponse.validation(602, "matchers.\(i).value in body is required") }
                let kind: Matcher.Kind = isRegex ? (isEqual ? .regexMatch : .regexNoMatch) : (isEqual ? .equal : .notEqual)
                do { matchers.append(try Matcher(kind, name, value)) } catch {
                    return AMResponse.message(400, "silence invalid: invalid label matcher \(i): \(error)")
                }
            }
            guard o["startsAt"] != nil, !(o["startsAt"] is NSNull) else { return AMResponse.validation(602, "startsAt in body is required") }
            // Go's zero time for either bound is still a time: it fails the API checks below.
            silence = Silence(id: id, matchers: matchers, startsAt: (startsAt ?? nil) ?? AMJSON.zeroTime,
                              endsAt: (endsAt ?? nil) ?? AMJSON.zeroTime, createdBy: createdBy, comment: comment)
        } catch {
            return error.response
        }
        do {
            let id = try await dispatcher.setSilence(silence)
            return AMResponse.json("{\"silenceID\":\(JSONWriter.quote(id, escapeHTML: false))}")
        } catch {
            return AMResponse.message(error == .notFound ? 404 : 400, error.description)
        }
    }
}

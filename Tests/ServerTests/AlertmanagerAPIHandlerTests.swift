import Alerting
import Foundation
import TestSupport
import Model
import Server
import Synchronization
import Testing

/// `AlertmanagerAPI` in process, on a dispatcher with a manual clock: inhibition and silence
/// markers, the filter parameters, group order and silence updates.
@Suite struct AlertmanagerAPIHandlerTests {
    final class Clock: PipelineClock {
        let ms = Mutex<Int64>(1_700_000_000_000)
        func now() -> Int64 { ms.withLock { $0 } }
        func sleep(until deadline: Int64) async throws { try await Task.sleep(for: .seconds(3600)) }
        func advance(_ d: Int64) { ms.withLock { $0 += d } }
    }

    struct NoSender: NotificationSender {
        func send(_ notification: Alerting.Notification) async -> DeliveryResult { .delivered }
    }

    static let config = """
        route:
          receiver: default
          group_by: [alertname]
          routes:
            - matchers: [team="db"]
              receiver: db-pager
              continue: true
            - matchers: [team="db"]
              receiver: db-chat
        inhibit_rules:
          - source_matchers: [severity="critical"]
            target_matchers: [severity="warning"]
            equal: [cluster]
        receivers:
          - name: default
          - name: db-pager
          - name: db-chat
        """

    func makeAPI() throws -> (AlertmanagerAPI, Clock) {
        let clock = Clock()
        let config = try AlertmanagerConfig.parse(Self.config)
        let dispatcher = Dispatcher(core: AlertmanagerCore(config: config, now: clock.now()), sender: NoSender(), clock: clock)
        return (AlertmanagerAPI(dispatcher: dispatcher, startTime: clock.now()), clock)
    }

    func call(_ api: AlertmanagerAPI, _ method: String, _ path: String, query: String? = nil, body: String = "") async -> APIResponse {
        await api.handle(HTTPRequestData(method: method, path: "/api/v2/" + path, query: query, body: Array(body.utf8),
                                         contentType: "application/json"))
    }

    func list(_ r: APIResponse) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(r.body.utf8)) as? [[String: Any]], "\(r.body)")
    }

    func names(_ alerts: [[String: Any]]) -> [String] {
        alerts.map { ($0["labels"] as? [String: String])?["alertname"] ?? "" }
    }

    func post(_ api: AlertmanagerAPI) async throws {
        let r = await call(api, "POST", "alerts", body: """
            [{"labels":{"alertname":"Crit","severity":"critical","cluster":"c1"}},
             {"labels":{"alertname":"Warn","severity":"warning","cluster":"c1"}},
             {"labels":{"alertname":"WarnOther","severity":"warning","cluster":"c2"}},
             {"labels":{"alertname":"Db","team":"db"}},
             {"labels":{"alertname":"Old"},"startsAt":"2020-01-01T00:00:00Z","endsAt":"2020-01-01T01:00:00Z"}]
            """)
        #expect(r.status == 200, "\(r.body)")
    }

    @Test func inhibitedAlertCarriesItsInhibitorAndTheFiltersApply() async throws {
        let (api, _) = try makeAPI()
        try await post(api)
        let all = try list(await call(api, "GET", "alerts"))
        // Old has ended: never listed. Sorted by fingerprint.
        #expect(Set(names(all)) == ["Crit", "Warn", "WarnOther", "Db"])
        #expect(all.map { $0["fingerprint"] as! String } == all.map { $0["fingerprint"] as! String }.sorted())
        let crit = try #require(all.first { ($0["labels"] as? [String: String])?["alertname"] == "Crit" })
        let warn = try #require(all.first { ($0["labels"] as? [String: String])?["alertname"] == "Warn" })
        let status = try #require(warn["status"] as? [String: Any])
        #expect(status["state"] as? String == "suppressed")
        #expect(status["inhibitedBy"] as? [String] == [crit["fingerprint"] as! String])
        #expect(status["silencedBy"] as? [String] == [])

        // amtool's default query: only active alerts.
        let active = try list(await call(api, "GET", "alerts", query: "active=true&inhibited=false&silenced=false&unprocessed=false"))
        #expect(Set(names(active)) == ["Crit", "WarnOther", "Db"])
        #expect(names(try list(await call(api, "GET", "alerts", query: "active=false"))) == ["Warn"])
        // Receivers: every matching route, in tree order; the receiver filter is anchored.
        let db = try list(await call(api, "GET", "alerts", query: "filter=team%3D%22db%22"))
        #expect(db.first?["receivers"] as? [[String: String]] == [["name": "db-pager"], ["name": "db-chat"]])
        #expect(names(try list(await call(api, "GET", "alerts", query: "receiver=db-chat"))) == ["Db"])
        #expect(try list(await call(api, "GET", "alerts", query: "receiver=db")).isEmpty)
        // An empty-valued != matcher asks for the label to be present.
        #expect(Set(names(try list(await call(api, "GET", "alerts", query: "filter=cluster%21%3D%22%22")))) == ["Crit", "Warn", "WarnOther"])
        #expect(Set(names(try list(await call(api, "GET", "alerts", query: "filter=cluster%3D%22%22")))) == ["Db"])
    }

    @Test func groupsAreSortedByLabelsThenReceiver() async throws {
        let (api, _) = try makeAPI()
        try await post(api)
        let groups = try list(await call(api, "GET", "alerts/groups"))
        let keys = groups.map { g in
            "\((g["labels"] as? [String: String])?["alertname"] ?? "")/\((g["receiver"] as? [String: String])?["name"] ?? "")"
        }
        // Old's group holds only an ended alert and is left out.
        #expect(keys == ["Crit/default", "Db/db-chat", "Db/db-pager", "Warn/default", "WarnOther/default"])
        let dbAlert = try #require((groups[1]["alerts"] as? [[String: Any]])?.first)
        #expect(dbAlert["receivers"] as? [[String: String]] == [["name": "db-chat"], ["name": "db-pager"]])
        #expect(try list(await call(api, "GET", "alerts/groups", query: "inhibited=false")).count == 4)
    }

    @Test func silenceUpdateInPlaceOrReplaced() async throws {
        let (api, clock) = try makeAPI()
        try await post(api)
        func silence(_ id: String?, value: String, ends: String) -> String {
            let idField = id.map { #""id":"\#($0)","# } ?? ""
            return """
                {\(idField)"matchers":[{"name":"alertname","value":"\(value)","isRegex":false}],
                 "startsAt":"2023-11-14T22:13:20Z","endsAt":"\(ends)","createdBy":"t","comment":"c"}
                """
        }
        let created = await call(api, "POST", "silences", body: silence(nil, value: "Db", ends: "2030-01-01T00:00:00Z"))
        #expect(created.status == 200)
        let id = try #require((try JSONSerialization.jsonObject(with: Data(created.body.utf8)) as? [String: String])?["silenceID"])
        let db = try list(await call(api, "GET", "alerts", query: "filter=alertname%3DDb"))
        #expect((db.first?["status"] as? [String: Any])?["silencedBy"] as? [String] == [id])
        clock.advance(5000)
        // Same matchers, same start second: updated in place.
        let same = await call(api, "POST", "silences", body: silence(id, value: "Db", ends: "2031-01-01T00:00:00Z"))
        #expect(same.body == #"{"silenceID":"\#(id)"}"# + "\n")
        // Other matchers: a new silence, and the old one expired.
        let other = await call(api, "POST", "silences", body: silence(id, value: "Crit", ends: "2031-01-01T00:00:00Z"))
        let newID = try #require((try JSONSerialization.jsonObject(with: Data(other.body.utf8)) as? [String: String])?["silenceID"])
        #expect(newID != id)
        let all = try list(await call(api, "GET", "silences"))
        #expect(all.map { $0["id"] as? String } == [newID, id])
        #expect(all.map { ($0["status"] as? [String: String])?["state"] } == ["active", "expired"])
        // Filters compare matcher text, not evaluation.
        #expect(try list(await call(api, "GET", "silences", query: "filter=alertname%3DCrit")).count == 1)
        #expect(try list(await call(api, "GET", "silences", query: "filter=alertname%3D~Crit")).isEmpty)
        let past = await call(api, "POST", "silences", body: silence(nil, value: "Db", ends: "2020-01-01T00:00:00Z"))
        #expect(past.status == 400)
        #expect(past.body == #""Failed to create silence: start time must be before end time""# + "\n")
    }
}

import Foundation
import TestSupport
import Model
import Scrape
import Testing
@testable import Server

/// `/api/v1/targets` lists relabel-dropped targets under `droppedTargets`, as Prometheus 2.42 does.
@Suite struct DroppedTargetsAPITests {
    static let dropped = [DroppedTarget(job: "fs", discoveredLabels: Labels(["__address__": "skip:2", "env": "prod"]))]

    func get(_ query: String?) async -> String {
        let api = PrometheusAPI(APIDependencies(queryable: MemoryStore(), now: { 0 }, droppedTargets: { Self.dropped }))
        return await api.handle(APIRequest(method: "GET", path: "/api/v1/targets", query: query)).body
    }

    @Test func droppedTargetsFollowTheStateFilter() async {
        let listed = #"{"status":"success","data":{"activeTargets":[],"droppedTargets":[{"discoveredLabels":{"__address__":"skip:2","env":"prod"}}]}}"#
        #expect(await get(nil) == listed)
        #expect(await get("state=any") == listed)
        #expect(await get("state=dropped") == listed)
        #expect(await get("state=active") == #"{"status":"success","data":{"activeTargets":[],"droppedTargets":[]}}"#)
    }
}

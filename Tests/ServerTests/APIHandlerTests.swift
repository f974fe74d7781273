import Foundation
import TestSupport
import Model
import PromQL
import Testing
@testable import Server

/// Handler-level tests on a `MemoryStore`: the JSON envelope byte for byte.
@Suite struct APIHandlerTests {
    static func store() -> MemoryStore {
        let s = MemoryStore()
        for i in 0...8 {
            s.add(Labels(["__name__": "up", "job": "a", "instance": "x:1"]), Int64(i) * 15_000, 1)
            s.add(Labels(["__name__": "up", "job": "b", "instance": "y:2"]), Int64(i) * 15_000, 0)
            s.add(Labels(["__name__": "tiny", "job": "a"]), Int64(i) * 15_000, 1e-7)
            s.add(Labels(["__name__": "huge", "job": "a"]), Int64(i) * 15_000, 1e21)
            s.add(Labels(["__name__": "html", "path": "<a&b>"]), Int64(i) * 15_000, 0.30000000000000004)
        }
        return s
    }

    static func api(now: Int64 = 120_000) -> PrometheusAPI {
        PrometheusAPI(APIDependencies(queryable: store(), now: { now }, configYAML: { "global:\n  scrape_interval: 15s\n" },
                                      flags: { ["config.file": "p.yml", "web.listen-address": "127.0.0.1:9096"] }))
    }

    static func get(_ path: String, _ query: String? = nil, api: PrometheusAPI = api()) async -> APIResponse {
        await api.handle(APIRequest(method: "GET", path: path, query: query))
    }

    @Test func instantVector() async {
        let r = await Self.get("/api/v1/query", "query=up&time=20")
        #expect(r.status == 200)
        #expect(r.contentType == "application/json")
        #expect(r.body == #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"up","instance":"x:1","job":"a"},"value":[20,"1"]},{"metric":{"__name__":"up","instance":"y:2","job":"b"},"value":[20,"0"]}]}}"#)
    }

    @Test func vectorAtDefaultTimeIsNow() async {
        let r = await Self.get("/api/v1/query", "query=sum(up)")
        #expect(r.body == #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[120,"1"]}]}}"#)
    }

    @Test func instantMatrixKeepsSampleTimes() async {
        let r = await Self.get("/api/v1/query", "query=" + "up{job=\"a\"}[30s]".addingPercentEncoding(withAllowedCharacters: .alphanumerics)! + "&time=45.5")
        #expect(r.body == #"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"up","instance":"x:1","job":"a"},"values":[[30,"1"],[45,"1"]]}]}}"#)
    }

    @Test func scalarAndString() async {
        let s = await Self.get("/api/v1/query", "query=1e-7&time=1.05")
        #expect(s.body == #"{"status":"success","data":{"resultType":"scalar","result":[1.05,"0.0000001"]}}"#)
        let str = await Self.get("/api/v1/query", "query=%22a%3Cb%22&time=1000.5")
        #expect(str.body == #"{"status":"success","data":{"resultType":"string","result":[1000.5,"a\u003cb"]}}"#)
    }

    @Test func sampleValueFormatting() async {
        let r = await Self.get("/api/v1/query", "query=%7B__name__%3D~%22tiny%7Chuge%7Chtml%22%7D&time=0.001")
        #expect(r.body == #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"html","path":"\u003ca\u0026b\u003e"},"value":[0.001,"0.30000000000000004"]},{"metric":{"__name__":"huge","job":"a"},"value":[0.001,"1e+21"]},{"metric":{"__name__":"tiny","job":"a"},"value":[0.001,"1e-07"]}]}}"#)
    }

    @Test func rangeQuery() async {
        let r = await Self.get("/api/v1/query_range", "query=up%7Bjob%3D%22b%22%7D&start=0&end=30&step=15")
        #expect(r.body == #"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"up","instance":"y:2","job":"b"},"values":[[0,"0"],[15,"0"],[30,"0"]]}]}}"#)
        let scalar = await Self.get("/api/v1/query_range", "query=time()&start=1.5&end=2.5&step=0.5")
        #expect(scalar.body == #"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1.500,"1.5"],[2,"2"],[2.500,"2.5"]]}]}}"#)
    }

    @Test func postFormLikePromtool() async {
        let api = Self.api()
        let r = await api.handle(APIRequest(method: "POST", path: "/api/v1/query", body: Array("query=sum(up)&time=30".utf8),
                                            contentType: "application/x-www-form-urlencoded"))
        #expect(r.body == #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[30,"1"]}]}}"#)
    }

    @Test func parseErrorIsBadData() async throws {
        let r = await Self.get("/api/v1/query", "query=sum(up")
        #expect(r.status == 400)
        var message = ""
        do { _ = try PromQLParser.parse("sum(up") } catch { message = error.description }
        #expect(!message.isEmpty)
        #expect(message == "1:7: parse error: unclosed left parenthesis")
        #expect(r.body == #"{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:7: parse error: unclosed left parenthesis"}"#)
        let empty = await Self.get("/api/v1/query", "time=1")
        #expect(empty.status == 400)
        #expect(empty.body.contains("no expression found in input"))
    }

    @Test(arguments: [
        ("/api/v1/query", "query=up&time=abc", #"invalid parameter \"time\": cannot parse \"abc\" to a valid timestamp"#),
        ("/api/v1/query_range", "query=up&start=x&end=1&step=1", #"invalid parameter \"start\": cannot parse \"x\" to a valid timestamp"#),
        ("/api/v1/query_range", "query=up&start=10&end=1&step=1", "end timestamp must not be before start time"),
        ("/api/v1/query_range", "query=up&start=0&end=1&step=zz", #"invalid parameter \"step\": cannot parse \"zz\" to a valid duration"#),
        ("/api/v1/query_range", "query=up&start=0&end=1&step=0", "zero or negative query resolution step widths are not accepted. Try a positive integer"),
        ("/api/v1/query_range", "query=up&start=0&end=11001&step=1", "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)"),
        ("/api/v1/query_range", "query=up%5B1m%5D&start=0&end=1&step=1", #"invalid parameter \"query\": invalid expression type \"range vector\" for range query, must be Scalar or instant Vector"#),
        ("/api/v1/series", nil, "no match[] parameter provided"),
        ("/api/v1/series", "match[]=%7Bjob%3D~%22.*%22%7D", #"invalid parameter \"match[]\": 1:1: parse error: vector selector must contain at least one non-empty matcher"#),
        ("/api/v1/label/0bad/values", nil, #"invalid label name: \"0bad\""#),
    ] as [(String, String?, String)])
    func badData(path: String, query: String?, message: String) async {
        let r = await Self.get(path, query)
        #expect(r.status == 400)
        #expect(r.body == #"{"status":"error","errorType":"bad_data","error":""# + message + "\"}")
    }

    @Test func executionErrorIs422() async {
        let s = MemoryStore()
        s.add(Labels(["__name__": "x", "a": "1", "b": "1"]), 0, 1)
        s.add(Labels(["__name__": "x", "a": "1", "b": "2"]), 0, 1)
        let api = PrometheusAPI(APIDependencies(queryable: s, now: { 0 }))
        let r = await api.handle(APIRequest(method: "GET", path: "/api/v1/query", query: "query=x%20*%20on(a)%20x&time=0"))
        #expect(r.status == 422)
        #expect(r.body.hasPrefix(#"{"status":"error","errorType":"execution","error":"#))
    }

    @Test func seriesAndLabels() async {
        let series = await Self.get("/api/v1/series", "match[]=up&match[]=tiny")
        #expect(series.body == #"{"status":"success","data":[{"__name__":"tiny","job":"a"},{"__name__":"up","instance":"x:1","job":"a"},{"__name__":"up","instance":"y:2","job":"b"}]}"#)
        let names = await Self.get("/api/v1/labels")
        #expect(names.body == #"{"status":"success","data":["__name__","instance","job","path"]}"#)
        let matched = await Self.get("/api/v1/labels", "match[]=tiny")
        #expect(matched.body == #"{"status":"success","data":["__name__","job"]}"#)
        let values = await Self.get("/api/v1/label/job/values")
        #expect(values.body == #"{"status":"success","data":["a","b"]}"#)
        let metricNames = await Self.get("/api/v1/label/__name__/values")
        #expect(metricNames.body == #"{"status":"success","data":["html","huge","tiny","up"]}"#)
    }

    @Test func statusEndpoints() async {
        let config = await Self.get("/api/v1/status/config")
        #expect(config.body == #"{"status":"success","data":{"yaml":"global:\n  scrape_interval: 15s\n"}}"#)
        let flags = await Self.get("/api/v1/status/flags")
        #expect(flags.body == #"{"status":"success","data":{"config.file":"p.yml","web.listen-address":"127.0.0.1:9096"}}"#)
        let meta = await Self.get("/api/v1/metadata")
        #expect(meta.body == #"{"status":"success","data":{}}"#)
        let build = await Self.get("/api/v1/status/buildinfo")
        #expect(build.body.hasPrefix(#"{"status":"success","data":{"version":"#))
        let targets = await Self.get("/api/v1/targets")
        #expect(targets.body == #"{"status":"success","data":{"activeTargets":[],"droppedTargets":[]}}"#)
        let rules = await Self.get("/api/v1/rules")
        #expect(rules.body == #"{"status":"success","data":{"groups":[]}}"#)
        let alerts = await Self.get("/api/v1/alerts")
        #expect(alerts.body == #"{"status":"success","data":{"alerts":[]}}"#)
    }

    @Test func managementEndpoints() async {
        #expect(await Self.get("/-/healthy").status == 200)
        #expect(await Self.get("/-/ready").status == 200)
        #expect(await Self.get("/-/reload").status == 405)
        #expect(await Self.get("/nope").status == 404)
        #expect(await Self.get("/api/v1/nope").status == 404)
        struct Rejected: Error, CustomStringConvertible { var description: String { "p.yml: line 3: bad" } }
        let api = PrometheusAPI(APIDependencies(queryable: MemoryStore(), now: { 0 }, reload: { throw Rejected() }))
        let r = await api.handle(APIRequest(method: "POST", path: "/-/reload"))
        #expect(r.status == 500)
        #expect(r.body == "failed to reload config: p.yml: line 3: bad\n")
    }
}

@Suite struct APIFormatTests {
    @Test(arguments: [(Int64(20_000), "20"), (1_000_500, "1000.500"), (1050, "1.050"), (1, "0.001"), (-1500, "-1.500"), (0, "0")])
    func timestamps(ms: Int64, text: String) {
        #expect(APIFormat.timestamp(ms) == text)
    }

    @Test(arguments: [("1", Int64(1000)), ("0.0005", 1), ("-1.5", -1500), ("1435781451.781", 1_435_781_451_781),
                      ("2015-07-01T20:10:51.781Z", 1_435_781_451_781), ("2015-07-01T22:10:51.781+02:00", 1_435_781_451_781),
                      ("1970-01-01T00:00:00Z", 0)])
    func parseTime(text: String, ms: Int64) throws {
        #expect(try APIParameters.parseTime(text) == ms)
    }

    @Test(arguments: [("1.0255", Int64(1025)), ("15", 15_000), ("1m30s", 90_000), ("0.001", 1)])
    func parseDuration(text: String, ms: Int64) throws {
        #expect(try APIParameters.parseDuration(text) == ms)
    }

    @Test func rfc3339() {
        #expect(APIFormat.rfc3339(1_435_781_451_781) == "2015-07-01T20:10:51.781Z")
        #expect(APIFormat.rfc3339(0) == "1970-01-01T00:00:00Z")
        #expect(APIFormat.rfc3339(1_500) == "1970-01-01T00:00:01.5Z")
        #expect(APIFormat.rfc3339(nil) == "0001-01-01T00:00:00Z")
    }

    @Test func jsonEscaping() {
        #expect(JSONWriter.quote("a\"b\\c\n<>&\u{01}\u{2028}") == #""a\"b\\c\n\u003c\u003e\u0026\u0001\u2028""#)
    }

    @Test func logfmt() {
        #expect(Logfmt.format([("a", "b"), ("msg", "two words"), ("e", ""), ("q", "x=\"y\"")]) == #"a=b msg="two words" e="" q="x=\"y\"""#)
    }
}

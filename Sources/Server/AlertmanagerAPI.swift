import Alerting
import Model

/// The Alertmanager API v2 (`api/v2/openapi.yaml` of Alertmanager 0.25) over the in-process
/// pipeline: what `amtool` and Prometheus' notifier call.
///
/// Transport-free like `PrometheusAPI`: `HTTPRouter` sends `/api/v2/` here, tests call `handle`.
/// Status codes and bodies follow Alertmanager: handler errors are a JSON string, request
/// validation errors (go-swagger's) are 422 `{"code":602,"message":"…"}`.
public struct AlertmanagerAPI: Sendable {
    public let dispatcher: Dispatcher
    /// When the pipeline started, ms (`uptime` of `/status`).
    public let startTime: Int64
    public var buildInfo: BuildInfo

    public init(dispatcher: Dispatcher, startTime: Int64, buildInfo: BuildInfo = BuildInfo()) {
        self.dispatcher = dispatcher
        self.startTime = startTime
        self.buildInfo = buildInfo
    }

    public static let prefix = "/api/v2/"

    public func handle(_ r: HTTPRequestData) async -> APIResponse {
        let path = String(r.path.dropFirst(Self.prefix.count))
        let query = APIRequest(method: "GET", path: r.path, query: r.query)
        func only(_ methods: [String], _ body: () async -> APIResponse) async -> APIResponse {
            guard methods.contains(r.method) else { return AMResponse.methodNotAllowed(r.method, allowed: methods) }
            return await body()
        }
        switch path {
        case "status": return await only(["GET"]) { await status() }
        case "receivers": return await only(["GET"]) { await receivers() }
        case "alerts":
            return await only(["GET", "POST"]) {
                r.method == "GET" ? await alerts(query) : await postAlerts(r.body)
            }
        case "alerts/groups": return await only(["GET"]) { await alertGroups(query) }
        case "silences":
            return await only(["GET", "POST"]) {
                r.method == "GET" ? await silences(query) : await postSilence(r.body)
            }
        default:
            if path.hasPrefix("silence/"), !path.dropFirst("silence/".count).contains("/") {
                let id = String(path.dropFirst("silence/".count))
                return await only(["DELETE", "GET"]) {
                    guard AMJSON.isUUID(id) else {
                        return AMResponse.validation(601, "silenceID in path must be of type uuid: \(goQuote(id))")
                    }
                    return r.method == "GET" ? await silence(id: id) : await deleteSilence(id: id)
                }
            }
            return AMResponse.swaggerError(404, 404, "path \(r.path) was not found")
        }
    }

    // MARK: General

    /// `GET /status`: cluster `disabled` (Klaxon runs alone), the config with secrets masked.
    func status() async -> APIResponse {
        let original = await dispatcher.read { core, _ in core.config.redactedOriginal }
        let b = buildInfo
        var w = JSONWriter()
        w.raw("{\"cluster\":{\"peers\":[],\"status\":\"disabled\"},\"config\":{\"original\":")
        w.raw(JSONWriter.quote(original, escapeHTML: false))
        w.raw("},\"uptime\":\(AMJSON.quote(AMJSON.dateTime(startTime))),\"versionInfo\":{")
        let fields = [("branch", b.branch), ("buildDate", b.buildDate), ("buildUser", b.buildUser),
                      ("goVersion", b.goVersion), ("revision", b.revision), ("version", b.version)]
        w.raw(fields.map { "\"\($0.0)\":\(JSONWriter.quote($0.1, escapeHTML: false))" }.joined(separator: ","))
        w.raw("}}")
        return AMResponse.json(w.text)
    }

    /// `GET /receivers`, in configuration order.
    func receivers() async -> APIResponse {
        let names = await dispatcher.read { core, _ in core.config.receivers.map(\.name) }
        return AMResponse.json("[" + names.map { "{\"name\":\(JSONWriter.quote($0, escapeHTML: false))}" }.joined(separator: ",") + "]")
    }
}

/// Response constructors with Alertmanager's bodies (a trailing newline, as Go's encoder writes).
enum AMResponse {
    static func json(_ body: String, status: Int = 200) -> APIResponse {
        APIResponse(status: status, body: body + "\n")
    }

    /// A handler error: the message as a JSON string.
    static func message(_ status: Int, _ text: String) -> APIResponse {
        json(JSONWriter.quote(text, escapeHTML: false), status: status)
    }

    /// go-openapi's error body `{"code":…,"message":"…"}`.
    static func swaggerError(_ status: Int, _ code: Int, _ text: String, headers: [String: String] = [:]) -> APIResponse {
        var r = json("{\"code\":\(code),\"message\":\(JSONWriter.quote(text, escapeHTML: false))}", status: status)
        r.headers = headers
        return r
    }

    /// A request that fails the OpenAPI schema: 422 with go-openapi's code (601 type, 602 required, 612 too few items).
    static func validation(_ code: Int, _ text: String) -> APIResponse { swaggerError(422, code, text) }

    /// A body that is not JSON of the expected shape: 400, as go-openapi's body binding answers.
    static func parseError(_ what: String, _ reason: String) -> APIResponse {
        swaggerError(400, 400, "parsing \(what) body from \"\" failed, because \(reason)")
    }

    static func methodNotAllowed(_ method: String, allowed: [String]) -> APIResponse {
        let list = allowed.joined(separator: ",")
        return swaggerError(405, 405, "method \(method) is not allowed, but [\(list)] are", headers: ["Allow": list])
    }

    /// 200 or 404 with no body and no content type.
    static func empty(_ status: Int) -> APIResponse { APIResponse(status: status, contentType: "", body: "") }
}

import Model
import PromQL
import Rules
import Scrape

/// What `klaxon --version` and `/api/v1/status/buildinfo` report.
public struct BuildInfo: Sendable {
    public var version = "0.1.0"
    public var revision = "unknown"
    public var branch = "main"
    public var buildUser = "klaxon"
    public var buildDate = "unknown"
    public var goVersion = "swift6"
    public init() {}
}

/// Everything the API reads, as closures, so tests can run it on a `MemoryStore`.
///
/// Closures are called on request tasks; they must be cheap or thread-safe snapshots.
public struct APIDependencies: Sendable {
    /// Where queries, `/series` and `/labels` read from.
    public var queryable: any Queryable
    public var engine: Engine
    /// Wall time in ms: the default `time` of instant queries.
    public var now: @Sendable () -> Int64
    public var targets: @Sendable () -> [TargetStatus]
    /// Targets relabeling dropped (`droppedTargets`), e.g. `{ scrape.status.dropped }`.
    public var droppedTargets: @Sendable () -> [DroppedTarget]
    public var ruleGroups: @Sendable () -> [RuleGroupHealth]
    /// The config file as read (`/api/v1/status/config`).
    public var configYAML: @Sendable () -> String
    /// Command-line flags by name (`/api/v1/status/flags`).
    public var flags: @Sendable () -> [String: String]
    /// Re-reads config and rule files; throws (with the reason) when the new config is rejected.
    public var reload: @Sendable () async throws -> Void
    /// False until storage is open and the first config is applied (`/-/ready`).
    public var isReady: @Sendable () -> Bool
    /// Klaxon's own metrics in the text format (`/metrics`).
    public var selfMetrics: @Sendable () -> String
    public var buildInfo = BuildInfo()
    /// Largest request body accepted (bytes).
    public var maxBodyBytes = 1 << 20

    public init(queryable: any Queryable, engine: Engine = Engine(), now: @escaping @Sendable () -> Int64,
                targets: @escaping @Sendable () -> [TargetStatus] = { [] },
                ruleGroups: @escaping @Sendable () -> [RuleGroupHealth] = { [] },
                configYAML: @escaping @Sendable () -> String = { "" },
                flags: @escaping @Sendable () -> [String: String] = { [:] },
                reload: @escaping @Sendable () async throws -> Void = {},
                isReady: @escaping @Sendable () -> Bool = { true },
                selfMetrics: @escaping @Sendable () -> String = { "" },
                droppedTargets: @escaping @Sendable () -> [DroppedTarget] = { [] }) {
        self.queryable = queryable
        self.engine = engine
        self.now = now
        self.targets = targets
        self.droppedTargets = droppedTargets
        self.ruleGroups = ruleGroups
        self.configYAML = configYAML
        self.flags = flags
        self.reload = reload
        self.isReady = isReady
        self.selfMetrics = selfMetrics
    }
}

/// The Prometheus HTTP API v1 and the management endpoints, over `APIRequest`/`APIResponse`.
///
/// Transport-free: `HTTPServer` adapts Hummingbird to it, tests call `handle` directly.
public struct PrometheusAPI: Sendable {
    public var deps: APIDependencies
    /// Most points a range query may return per series (`end-start)/step`).
    public static let maxPointsPerSeries: Int64 = 11_000

    public init(_ deps: APIDependencies) { self.deps = deps }

    /// Routes one request.
    public func handle(_ r: APIRequest) async -> APIResponse {
        let isRead = r.method == "GET" || r.method == "POST"
        let path = r.path.count > 1 && r.path.hasSuffix("/") ? String(r.path.dropLast()) : r.path
        switch path {
        case "/-/healthy":
            return .text(200, "Klaxon Server is Healthy.\n")
        case "/-/ready":
            return deps.isReady() ? .text(200, "Klaxon Server is Ready.\n") : .text(503, "Service Unavailable")
        case "/-/reload":
            guard r.method == "POST" || r.method == "PUT" else { return .text(405, "Only POST or PUT requests allowed") }
            do {
                try await deps.reload()
                return .text(200, "")
            } catch {
                return .text(500, "failed to reload config: \(error)\n")
            }
        case "/metrics":
            return APIResponse(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: deps.selfMetrics())
        default: break
        }
        guard path.hasPrefix("/api/v1/") else { return .text(404, "404 page not found\n") }
        let endpoint = String(path.dropFirst("/api/v1/".count))
        let getOnly: Set<String> = ["targets", "rules", "alerts", "metadata", "status/buildinfo", "status/config", "status/flags"]
        if getOnly.contains(endpoint) || endpoint.hasPrefix("label/") {
            guard r.method == "GET" else { return .text(405, "Method Not Allowed\n") }
        } else if !isRead {
            return .text(405, "Method Not Allowed\n")
        }
        do {
            let data: String
            switch endpoint {
            case "query": data = try query(r)
            case "query_range": data = try queryRange(r)
            case "series": data = try series(r)
            case "labels": data = try labelNames(r)
            case "targets": data = targets(r)
            case "rules": data = try rules(r)
            case "alerts": data = alerts()
            case "metadata": data = "{}"
            case "status/buildinfo": data = buildInfo()
            case "status/config":
                var w = JSONWriter()
                w.raw("{\"yaml\":")
                w.string(SecretRedaction.redact(deps.configYAML()))
                w.raw("}")
                data = w.text
            case "status/flags":
                var w = JSONWriter()
                w.stringMap(deps.flags())
                data = w.text
            default:
                if endpoint.hasPrefix("label/"), endpoint.hasSuffix("/values") {
                    let name = String(endpoint.dropFirst("label/".count).dropLast("/values".count))
                    data = try labelValues(FormDecoding.unescape(Substring(name)) ?? name, r)
                } else {
                    return .text(404, "404 page not found\n")
                }
            }
            return .success(data)
        } catch {
            return .error(error)
        }
    }

    // MARK: - Queries

    func query(_ r: APIRequest) throws(APIError) -> String {
        let t = try timeParam(r, "time", default: deps.now())
        let engine = try engineWithTimeout(r)
        let expr = try parseQuery(r.value("query") ?? "")
        do {
            let v = try engine.instantQuery(expr, at: t, on: deps.queryable)
            let isVector: Bool
            if case .vector = v { isVector = true } else { isVector = false }
            return APIFormat.result(v, evalTime: isVector ? t : nil)
        } catch {
            throw Self.evalError(error)
        }
    }

    func queryRange(_ r: APIRequest) throws(APIError) -> String {
        let start = try timeParam(r, "start", default: nil)
        let end = try timeParam(r, "end", default: nil)
        if end < start { throw APIError(.badData, "end timestamp must not be before start time") }
        let step: Int64
        do { step = try APIParameters.parseDuration(r.value("step") ?? "") } catch {
            throw .invalidParameter("step", error.message)
        }
        if step <= 0 {
            throw APIError(.badData, "zero or negative query resolution step widths are not accepted. Try a positive integer")
        }
        if (end - start) / step > Self.maxPointsPerSeries {
            throw APIError(.badData, "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)")
        }
        let engine = try engineWithTimeout(r)
        let expr = try parseQuery(r.value("query") ?? "")
        guard expr.type == .vector || expr.type == .scalar else {
            throw .invalidParameter("query", "invalid expression type \"\(expr.type.rawValue)\" for range query, must be Scalar or instant Vector")
        }
        do {
            let m = try engine.rangeQuery(expr, start: start, end: end, step: step, on: deps.queryable)
            return APIFormat.result(.matrix(m), evalTime: nil)
        } catch {
            throw Self.evalError(error)
        }
    }

    func parseQuery(_ q: String) throws(APIError) -> Expr {
        do { return try PromQLParser.parse(q) } catch { throw .invalidParameter("query", error.description) }
    }

    func engineWithTimeout(_ r: APIRequest) throws(APIError) -> Engine {
        var engine = deps.engine
        if let s = r.value("timeout"), !s.isEmpty {
            let ms: Int64
            do { ms = try APIParameters.parseDuration(s) } catch { throw .invalidParameter("timeout", error.message) }
            if ms > 0 { engine.options.timeout = min(engine.options.timeout, .milliseconds(ms)) }
        }
        return engine
    }

    static func evalError(_ error: any Error) -> APIError {
        if let e = error as? APIError { return e }
        if let e = error as? EvalError {
            switch e.kind {
            case .timeout: return APIError(.timeout, e.message)
            case .canceled: return APIError(.canceled, e.message)
            case .execution, .tooManySamples: return APIError(.execution, e.message)
            }
        }
        return APIError(.execution, "\(error)")
    }

    func timeParam(_ r: APIRequest, _ name: String, default d: Int64?) throws(APIError) -> Int64 {
        let s = r.value(name) ?? ""
        if s.isEmpty, let d { return d }
        do { return try APIParameters.parseTime(s) } catch { throw .invalidParameter(name, error.message) }
    }

    // MARK: - Metadata

    func matcherSets(_ r: APIRequest) throws(APIError) -> [[LabelMatcher]] {
        var sets: [[LabelMatcher]] = []
        for m in r.values("match[]") {
            let vs: VectorSelector
            do { vs = try PromQLParser.parseSelector(m) } catch { throw .invalidParameter("match[]", error.description) }
            if vs.matchers.allSatisfy({ $0.matches("") }) {
                throw .invalidParameter("match[]", "match[] must contain at least one non-empty matcher")
            }
            sets.append(vs.matchers)
        }
        return sets
    }

    func window(_ r: APIRequest) throws(APIError) -> (Int64, Int64) {
        (try timeParam(r, "start", default: APIParameters.minTime), try timeParam(r, "end", default: APIParameters.maxTime))
    }

    func series(_ r: APIRequest) throws(APIError) -> String {
        if r.values("match[]").isEmpty { throw APIError(.badData, "no match[] parameter provided") }
        let (start, end) = try window(r)
        let sets = try matcherSets(r)
        var all = Set<Labels>()
        do {
            let q = try deps.queryable.querier(mint: start, maxt: end)
            for m in sets {
                for s in try q.select(m, mint: start, maxt: end) { all.insert(s.labels) }
            }
        } catch { throw APIError(.execution, "\(error)") }
        var w = JSONWriter()
        w.raw("[")
        for (i, l) in all.sorted().enumerated() {
            if i > 0 { w.raw(",") }
            w.labels(l)
        }
        w.raw("]")
        return w.text
    }

    func labelNames(_ r: APIRequest) throws(APIError) -> String {
        let (start, end) = try window(r)
        let sets = try matcherSets(r)
        var names = Set<String>()
        do {
            let q = try deps.queryable.querier(mint: start, maxt: end)
            for m in sets.isEmpty ? [[]] : sets { names.formUnion(try q.labelNames(m)) }
        } catch { throw APIError(.execution, "\(error)") }
        return Self.stringArray(names.sorted { $0.utf8Precedes($1) })
    }

    func labelValues(_ name: String, _ r: APIRequest) throws(APIError) -> String {
        guard name.isValidLabelName else { throw APIError(.badData, "invalid label name: \(goQuote(name))") }
        let (start, end) = try window(r)
        let sets = try matcherSets(r)
        var values = Set<String>()
        do {
            let q = try deps.queryable.querier(mint: start, maxt: end)
            for m in sets.isEmpty ? [[]] : sets { values.formUnion(try q.labelValues(name, m)) }
        } catch { throw APIError(.execution, "\(error)") }
        return Self.stringArray(values.sorted { $0.utf8Precedes($1) })
    }

    static func stringArray(_ a: [String]) -> String {
        "[" + a.map(JSONWriter.quote).joined(separator: ",") + "]"
    }

    func buildInfo() -> String {
        let b = deps.buildInfo
        var w = JSONWriter()
        w.raw("{")
        for (i, (k, v)) in [("version", b.version), ("revision", b.revision), ("branch", b.branch), ("buildUser", b.buildUser),
                            ("buildDate", b.buildDate), ("goVersion", b.goVersion)].enumerated() {
            if i > 0 { w.raw(",") }
            w.key(k)
            w.string(v)
        }
        w.raw("}")
        return w.text
    }

    // MARK: - Targets

    func targets(_ r: APIRequest) -> String {
        let state = (r.value("state") ?? "").lowercased()
        let showActive = state.isEmpty || state == "any" || state == "active"
        var w = JSONWriter()
        w.raw("{\"activeTargets\":[")
        if showActive {
            for (i, t) in deps.targets().enumerated() {
                if i > 0 { w.raw(",") }
                w.raw("{\"discoveredLabels\":")
                w.labels(t.discoveredLabels)
                w.raw(",\"labels\":")
                w.labels(t.labels)
                w.raw(",\"scrapePool\":")
                w.string(t.job)
                w.raw(",\"scrapeUrl\":")
                w.string(t.url)
                w.raw(",\"globalUrl\":")
                w.string(t.url)
                w.raw(",\"lastError\":")
                w.string(t.lastError)
                w.raw(",\"lastScrape\":")
                w.string(APIFormat.rfc3339(t.lastScrape == 0 ? nil : t.lastScrape))
                w.raw(",\"lastScrapeDuration\":\(APIFormat.goJSONFloat(t.lastDuration))")
                w.raw(",\"health\":")
                w.string(t.health.rawValue)
                w.raw(",\"scrapeInterval\":")
                w.string(PromDuration.format(t.interval))
                w.raw(",\"scrapeTimeout\":")
                w.string(PromDuration.format(t.timeout))
                w.raw("}")
            }
        }
        w.raw("],\"droppedTargets\":[")
        if state.isEmpty || state == "any" || state == "dropped" {
            for (i, t) in deps.droppedTargets().enumerated() {
                if i > 0 { w.raw(",") }
                w.raw("{\"discoveredLabels\":")
                w.labels(t.discoveredLabels)
                w.raw("}")
            }
        }
        w.raw("]}")
        return w.text
    }
}

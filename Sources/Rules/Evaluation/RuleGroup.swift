import Model
import PromQL

/// A rule of either kind.
public enum Rule: Sendable {
    case recording(RecordingRule)
    case alerting(AlertingRule)

    public var name: String {
        switch self {
        case .recording(let r): return r.name
        case .alerting(let a): return a.name
        }
    }
}

/// A loaded rule group: rules run in order at one timestamp, each seeing the
/// previous rules' output (`rules/manager.go`: `Group.Eval`).
public struct RuleGroup: Sendable {
    public var name: String
    public var file: String
    /// ms.
    public var interval: Int64
    public var limit: Int
    public var rules: [Rule]
    /// The last evaluation error of each rule (nil = healthy).
    public private(set) var lastErrors: [String?]
    /// Series each rule wrote in its last successful evaluation, for staleness markers.
    var previousSeries: [Set<Labels>]
    /// Series of rules dropped by a reload; they get staleness markers at the next evaluation
    /// (`Group.staleSeries`), unless a rule wrote them again at that timestamp.
    var staleSeries: [Labels] = []
    /// The timestamp of each rule's last evaluation (ms); nil = never evaluated.
    public private(set) var lastEvaluations: [Int64?]
    /// How long each rule's last evaluation took (monotonic clock).
    public private(set) var evaluationDurations: [Duration]
    /// Subquery steps that read only settled data, kept for the next evaluation (a baseline
    /// like `[6h:10m]` otherwise recomputes the same 36 steps every interval).
    public let subquerySteps = SubqueryStepMemo()
    /// Aggregation and histogram groupings, reused while the series are the same.
    public let groupPlans = GroupPlanMemo()
    /// Selector reads, so that the next evaluation reads only the samples after them.
    public let selectorWindows = SelectorWindowMemo()

    public init(name: String, file: String, interval: Int64, limit: Int, rules: [Rule]) {
        self.name = name
        self.file = file
        self.interval = interval
        self.limit = limit
        self.rules = rules
        lastErrors = Array(repeating: nil, count: rules.count)
        previousSeries = Array(repeating: [], count: rules.count)
        lastEvaluations = Array(repeating: nil, count: rules.count)
        evaluationDurations = Array(repeating: .zero, count: rules.count)
    }

    /// Evaluates every rule at `ts`, appending outputs (and staleness markers) to `storage`.
    public mutating func evaluate(at ts: Int64, using querier: any InstantQuerier, storage: any Appendable) {
        let clock = ContinuousClock()
        var writtenNow: Set<Labels> = []
        // Identical subexpressions of this evaluation's rules (the same histogram query under
        // two thresholds) are evaluated once; a rule's writes drop what could have read them.
        let cache = SubexpressionCache(steps: subquerySteps, plans: groupPlans, windows: selectorWindows)
        defer {
            subquerySteps.sweep()
            groupPlans.sweep()
            selectorWindows.sweep()
        }
        for i in rules.indices {
            let start = clock.now
            lastEvaluations[i] = ts
            defer { evaluationDurations[i] = clock.now - start }
            let output: [VectorSample]
            do {
                switch rules[i] {
                case .recording(let r):
                    output = try r.evaluate(at: ts, using: querier, limit: limit, sharing: cache)
                case .alerting(var a):
                    defer { rules[i] = .alerting(a) }
                    output = try a.evaluate(at: ts, using: querier, limit: limit, sharing: cache)
                }
                lastErrors[i] = nil
            } catch {
                // A failing rule writes nothing and no staleness markers.
                lastErrors[i] = "\(error)"
                continue
            }
            let app = storage.makeAppender()
            var written: Set<Labels> = []
            var names: Set<String> = []
            for s in output {
                names.insert(s.labels.get(Labels.metricName))
                if (try? app.append(s.labels, ts, s.v)) != nil { written.insert(s.labels) }
            }
            for gone in previousSeries[i] where !written.contains(gone) {
                names.insert(gone.get(Labels.metricName))
                try? app.append(gone, ts, StaleNaN.value)
            }
            try? app.commit()
            cache.invalidate(writing: names)
            previousSeries[i] = written
            if !staleSeries.isEmpty { writtenNow.formUnion(written) }
        }
        if !staleSeries.isEmpty {
            let app = storage.makeAppender()
            for s in staleSeries where !writtenNow.contains(s) { try? app.append(s, ts, StaleNaN.value) }
            try? app.commit()
            staleSeries = []
        }
    }

    /// Marks every alerting rule restored, as promtool does before its first evaluation.
    public mutating func markRestored() {
        for i in rules.indices {
            if case .alerting(var a) = rules[i] {
                a.isRestored = true
                rules[i] = .alerting(a)
            }
        }
    }
}

import Model
import PromQL

/// Turns validated rule files into evaluable groups (`rules.Manager.LoadGroups`).
public enum RuleGroupLoader {
    /// Loads `paths` in order; the first file with errors stops loading and its errors are returned.
    public static func load(paths: [String], defaultInterval: Int64, externalLabels: [String: String],
                            externalURL: String) -> Result<[RuleGroup], RuleFileErrors> {
        var groups: [RuleGroup] = []
        for path in paths {
            switch RuleFileLoader.load(path: path) {
            case .failure(let errs): return .failure(errs)
            case .success(let file):
                for g in file.groups {
                    var rules: [Rule] = []
                    for r in g.rules {
                        // Validation already parsed every expression.
                        let expr = try! PromQLParser.parse(r.expr)
                        if r.alert.isEmpty {
                            rules.append(.recording(RecordingRule(name: r.record, expr: expr, labels: r.labels)))
                        } else {
                            rules.append(.alerting(AlertingRule(
                                name: r.alert, expr: expr, holdDuration: r.holdDuration, keepFiringFor: r.keepFiringFor,
                                labels: r.labels, annotations: r.annotations, externalLabels: externalLabels, externalURL: externalURL)))
                        }
                    }
                    groups.append(RuleGroup(name: g.name, file: path, interval: g.interval ?? defaultInterval, limit: g.limit, rules: rules))
                }
            }
        }
        return .success(groups)
    }
}

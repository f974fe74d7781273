import Model
import Synchronization
@testable import WebUI

/// An in-memory `UIDataSource` for rendering tests. Silences are kept and expired for real
/// (IDs `s1`, `s2`...); queries answer from a table of canned results keyed by expression, and
/// any expression with an unbalanced `(` fails like a parse error with a position.
final class FakeDataSource: UIDataSource {
    struct State {
        var now: Int64 = 1_800_000_000_000
        var alerts: [UIAlert] = []
        var groups: [UIRuleGroup] = []
        var targets: [UITarget] = []
        var silences: [UISilence]? = []
        var notifications: UINotifications?
        var instant: [String: UIQueryValue] = [:]
        var ranges: [String: [UISeries]] = [:]
        var nextID = 1
        /// Every (start, end, step) asked of `queryRange`.
        var rangeCalls: [(Int64, Int64, Int64)] = []
    }

    let state = Mutex(State())

    init(_ configure: (inout State) -> Void = { _ in }) { state.withLock { configure(&$0) } }

    func now() async -> Int64 { state.withLock { $0.now } }
    func alerts() async -> [UIAlert] { state.withLock { $0.alerts } }
    func ruleGroups() async -> [UIRuleGroup] { state.withLock { $0.groups } }
    func targets() async -> [UITarget] { state.withLock { $0.targets } }
    func silences() async -> [UISilence]? { state.withLock { $0.silences } }
    func notifications() async -> UINotifications? { state.withLock { $0.notifications } }

    func createSilence(_ d: UISilenceDraft) async throws(UIActionError) -> String {
        if d.matchers.contains(where: { $0.name.first?.isNumber ?? false }) {
            throw UIActionError(.invalid, "silence invalid: invalid label name")
        }
        return try state.withLock { (s: inout State) throws(UIActionError) -> String in
            guard s.silences != nil else { throw UIActionError(.unavailable, "no Alertmanager pipeline") }
            let id = "s\(s.nextID)"
            s.nextID += 1
            s.silences!.append(UISilence(id: id, matchers: d.matchers, startsAt: d.startsAt, endsAt: d.endsAt,
                                         updatedAt: s.now, createdBy: d.createdBy, comment: d.comment, state: .active))
            return id
        }
    }

    func expireSilence(id: String) async throws(UIActionError) {
        try state.withLock { (s: inout State) throws(UIActionError) in
            guard let i = s.silences?.firstIndex(where: { $0.id == id }) else { throw UIActionError(.notFound, "silence not found") }
            s.silences![i].state = .expired
            s.silences![i].endsAt = s.now
        }
    }

    func query(_ expr: String, at time: Int64) async -> Result<UIQueryValue, UIQueryError> {
        if let e = Self.parseError(expr) { return .failure(e) }
        if let v = state.withLock({ $0.instant[expr] }) { return .success(v) }
        return .failure(UIQueryError(message: "no canned result for \(expr)"))
    }

    func queryRange(_ expr: String, start: Int64, end: Int64, step: Int64) async -> Result<[UISeries], UIQueryError> {
        if let e = Self.parseError(expr) { return .failure(e) }
        return state.withLock {
            $0.rangeCalls.append((start, end, step))
            if let v = $0.ranges[expr] { return .success(v) }
            return .failure(UIQueryError(message: "invalid expression type \"range vector\" for range query"))
        }
    }

    /// An unclosed `(` is reported at the end of the input, as Prometheus does.
    static func parseError(_ expr: String) -> UIQueryError? {
        let opens = expr.filter { $0 == "(" }.count, closes = expr.filter { $0 == ")" }.count
        guard opens > closes else { return nil }
        let n = expr.utf8.count
        return UIQueryError(message: "1:\(n + 1): parse error: unclosed left parenthesis", position: n..<n)
    }
}

extension FakeDataSource.State {
    /// A rule group with one alerting rule per name.
    mutating func addRules(_ names: [String], group: String = "example", file: String = "rules/example.yml") {
        groups.append(UIRuleGroup(name: group, file: file, interval: 15_000, lastEvaluation: now - 3000,
                                  evaluationSeconds: 0.0042, rules: names.map {
            UIRule(name: $0, kind: .alerting, query: "up == 0", health: .ok, lastEvaluation: now - 3000,
                   evaluationSeconds: 0.001, holdDuration: 60_000)
        }))
    }
}

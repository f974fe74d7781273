import DryRun
import Foundation
import Model

/// The terminal view of a demo run: phase changes, alert transitions (grouped per rule and
/// moment) and a status line every ten simulated minutes. Notifications are printed by the
/// console receiver itself as they arrive.
struct DemoProgress {
    let start: Int64
    let timeline: IncidentTimeline
    let print: @Sendable (String) -> Void
    let wallStart: Date
    var shownTransitions = 0
    var activePhases: [String] = []
    var lastStatus: Int64?
    /// Rules that have fired at least once, and those whose alerts all resolved since.
    var fired = Set<String>()

    init(start: Int64, timeline: IncidentTimeline, wallStart: Date, print: @escaping @Sendable (String) -> Void) {
        self.start = start
        self.timeline = timeline
        self.wallStart = wallStart
        self.print = print
    }

    /// `+MM:SS` of simulated time since the timeline's start.
    func stamp(_ t: Int64) -> String {
        let s = (t - start) / 1000
        let sign = s < 0 ? "-" : "+"
        return String(format: "%@%02d:%02d", sign, abs(s) / 60, abs(s) % 60)
    }

    var wall: String { String(format: "%5.1fs", Date().timeIntervalSince(wallStart)) }

    static func alertText(_ labels: Labels) -> String {
        let detail = ["provider", "model", "table", "endpoint", "cache_type", "limit_type", "tier"].compactMap { labels[$0] }
        return detail.isEmpty ? "" : detail.joined(separator: "/")
    }

    mutating func update(at t: Int64, transitions: [AlertTransition], active: [(rule: String, labels: Labels, firing: Bool)],
                         notifications: Int) {
        let phases = timeline.active(at: Double(t - start) / 60_000)
        for p in phases where !activePhases.contains(p.name) {
            print("[\(stamp(t)) \(wall)] ▶ \(p.name): \(p.title)")
        }
        for name in activePhases where !phases.contains(where: { $0.name == name }) {
            print("[\(stamp(t)) \(wall)] ■ \(name) over")
        }
        activePhases = phases.map(\.name)

        if transitions.count > shownTransitions {
            let new = transitions[shownTransitions...]
            shownTransitions = transitions.count
            // One line per (time, kind, rule).
            var groups: [(AlertTransition, [String])] = []
            for tr in new {
                if let i = groups.firstIndex(where: { $0.0.time == tr.time && $0.0.kind == tr.kind && $0.0.rule == tr.rule }) {
                    groups[i].1.append(Self.alertText(tr.labels))
                } else {
                    groups.append((tr, [Self.alertText(tr.labels)]))
                }
            }
            for (tr, items) in groups {
                let kind: String
                switch tr.kind {
                case .pending: kind = "PENDING "
                case .firing: kind = "FIRING  "; fired.insert(tr.rule)
                case .resolved: kind = "RESOLVED"
                case .inactive: kind = "CLEARED "
                }
                let what = items.filter { !$0.isEmpty }
                let shown = what.prefix(4).joined(separator: ", ") + (what.count > 4 ? ", +\(what.count - 4) more" : "")
                let severity = tr.labels["severity"].map { " [\($0)]" } ?? ""
                print("[\(stamp(tr.time)) \(wall)] \(kind) \(tr.rule)\(severity)\(shown.isEmpty ? "" : " \(shown)")")
            }
        }

        if lastStatus.map({ t - $0 >= 600_000 }) ?? true {
            lastStatus = t
            let firing = active.filter(\.firing), pending = active.filter { !$0.firing }
            var names: [String: Int] = [:]
            for a in firing { names[a.rule, default: 0] += 1 }
            let list = names.sorted { $0.key < $1.key }.map { $0.value > 1 ? "\($0.key)×\($0.value)" : $0.key }
            let phaseText = phases.isEmpty ? "after the script" : phases.map(\.name).joined(separator: ", ")
            print("[\(stamp(t)) \(wall)] ── phase: \(phaseText) │ firing \(firing.count)\(list.isEmpty ? "" : " (\(list.joined(separator: ", ")))") │ pending \(pending.count) │ notifications sent \(notifications)")
        }
    }
}

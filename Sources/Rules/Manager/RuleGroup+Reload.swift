import Model
import PromQL

extension Rule {
    /// The rule as its definition (Prometheus compares `Rule.String()`, the rule's YAML with the
    /// re-printed expression): kind, name, expr, durations, labels, annotations.
    var canonicalString: String {
        func pairs(_ d: [String: String]) -> String {
            d.keys.sorted { $0.utf8Precedes($1) }.map { "\(goQuote($0)):\(goQuote(d[$0]!))" }.joined(separator: ",")
        }
        switch self {
        case .recording(let r):
            return "record:\(goQuote(r.name))\nexpr:\(goQuote(r.expr.description))\nlabels:{\(pairs(r.labels))}"
        case .alerting(let a):
            return "alert:\(goQuote(a.name))\nexpr:\(goQuote(a.expr.description))\nfor:\(a.holdDuration)\n"
                + "keep_firing_for:\(a.keepFiringFor)\nlabels:{\(pairs(a.labels))}\nannotations:{\(pairs(a.annotations))}"
        }
    }

    /// `nameAndLabels`: how a reload matches old rules to new ones.
    var nameAndLabels: String {
        switch self {
        case .recording(let r): return r.name + Labels(r.labels).description
        case .alerting(let a): return a.name + Labels(a.labels).description
        }
    }
}

extension RuleGroup {
    public var key: GroupKey { GroupKey(file: file, name: name) }

    /// `Group.Equals`: same name, file, interval, limit and rule definitions.
    public func isEquivalent(to other: RuleGroup) -> Bool {
        name == other.name && file == other.file && interval == other.interval && limit == other.limit
            && rules.count == other.rules.count
            && zip(rules, other.rules).allSatisfy { $0.canonicalString == $1.canonicalString }
    }

    /// `Group.CopyState`: rules matched by name + labels (duplicates in order) take over the old
    /// rule's written series and, for alerting rules, its whole alert map. Series of old rules
    /// left unmatched are marked stale at this group's next evaluation.
    public mutating func copyState(from old: RuleGroup) {
        var byKey: [String: [Int]] = [:]
        for (i, r) in old.rules.enumerated() { byKey[r.nameAndLabels, default: []].append(i) }
        for i in rules.indices {
            let k = rules[i].nameAndLabels
            guard let fi = byKey[k]?.first else { continue }
            byKey[k]!.removeFirst()
            previousSeries[i] = old.previousSeries[fi]
            if case .alerting(var a) = rules[i], case .alerting(let from) = old.rules[fi] {
                for (l, alert) in from.active { a.active[l] = alert }
                rules[i] = .alerting(a)
            }
        }
        staleSeries = old.staleSeries
        for indexes in byKey.values {
            for fi in indexes.sorted() { staleSeries += old.previousSeries[fi].sorted() }
        }
    }

    /// Every series the group wrote last time, plus pending stale ones (for a removed group).
    var allWrittenSeries: [Labels] {
        staleSeries + previousSeries.flatMap { $0.sorted() }
    }
}

import Model

/// The settings a route hands to its aggregation groups (`dispatch.RouteOpts`), after inheritance.
public struct RouteOptions: Sendable, Equatable {
    public var receiver: String
    /// Label names to group by; ignored when `groupByAll`.
    public var groupBy: Set<String>
    /// `group_by: ['...']`: every label.
    public var groupByAll: Bool
    /// Milliseconds.
    public var groupWait: Int64
    public var groupInterval: Int64
    public var repeatInterval: Int64
    /// Not inherited: each route uses only its own lists.
    public var muteTimeIntervals: [String]
    public var activeTimeIntervals: [String]

    /// `DefaultRouteOpts`: 30s / 5m / 4h, no grouping labels.
    public static let defaults = RouteOptions(receiver: "", groupBy: [], groupByAll: false, groupWait: 30_000,
                                              groupInterval: 300_000, repeatInterval: 14_400_000,
                                              muteTimeIntervals: [], activeTimeIntervals: [])
}

/// A node of the routing tree (`dispatch.Route`): matchers, options inherited from the parent,
/// and children in configuration order. Immutable once built.
public final class Route: Sendable {
    public let options: RouteOptions
    /// Sorted (`labels.Matchers.Less`); `match_re` patterns appear anchored, as Alertmanager prints them.
    public let matchers: [Matcher]
    public let `continue`: Bool
    public let routes: [Route]
    /// Route key (`Route.Key`): the parent's key, `/`, this node's matchers; the root's key is `{}`.
    public let key: String
    /// `Route.ID`: the key plus the position among siblings (`{}/{team="a"}/0`); unique in a tree.
    public let id: String

    /// Builds the tree for a validated configuration's root route.
    public convenience init(root config: RouteConfig) {
        self.init(config, parent: nil, parentKey: nil, position: -1)
    }

    init(_ cr: RouteConfig, parent: RouteOptions?, parentKey: String?, position: Int) {
        var opts = parent ?? .defaults
        if !cr.receiver.isEmpty { opts.receiver = cr.receiver }
        if let g = cr.groupBy {
            opts.groupBy = Set(g)
            opts.groupByAll = false
        } else if cr.groupByAll {
            opts.groupByAll = true
        }
        if let v = cr.groupWait { opts.groupWait = v }
        if let v = cr.groupInterval { opts.groupInterval = v }
        if let v = cr.repeatInterval { opts.repeatInterval = v }
        opts.muteTimeIntervals = cr.muteTimeIntervals
        opts.activeTimeIntervals = cr.activeTimeIntervals

        // Legacy `match` / `match_re` first, then `matchers`; then sorted. `match_re` patterns are
        // stored anchored (Alertmanager's `config.Regexp.String()`), which the matcher anchors again.
        var ms: [Matcher] = []
        for (n, v) in cr.match { if let m = try? Matcher(.equal, n, v) { ms.append(m) } }
        for (n, p) in cr.matchRE { if let m = try? Matcher(.regexMatch, n, "^(?:" + p + ")$") { ms.append(m) } }
        ms += cr.matchers
        ms.sort()

        options = opts
        matchers = ms
        self.continue = cr.continue
        key = (parentKey.map { $0 + "/" } ?? "") + ms.listDescription
        id = position >= 0 ? key + "/\(position)" : key
        let myKey = key
        routes = cr.routes.enumerated().map { Route($1, parent: opts, parentKey: myKey, position: $0) }
    }

    /// The routes an alert with `labels` is sent to (`Route.Match`): depth-first; a matching child
    /// without `continue` stops the search among its siblings; a node none of whose children
    /// matched is itself the result. Nil when this node's matchers do not match.
    public func match(_ labels: [String: String]) -> [Route] {
        guard matchers.matches(labels) else { return [] }
        var all: [Route] = []
        for child in routes {
            let found = child.match(labels)
            all += found
            if !found.isEmpty && !child.continue { break }
        }
        return all.isEmpty ? [self] : all
    }

    /// The labels an alert is grouped by on this route (`getGroupLabels`).
    public func groupLabels(_ labels: [String: String]) -> [String: String] {
        if options.groupByAll { return labels }
        return labels.filter { options.groupBy.contains($0.key) }
    }

    /// The aggregation group key: `<route key>:{name="value", ...}` (sorted, Go-quoted values).
    public func groupKey(_ labels: [String: String]) -> String {
        key + ":" + Self.labelSetString(groupLabels(labels))
    }

    /// `model.LabelSet.String`: `{a="1", b="2"}`.
    public static func labelSetString(_ labels: [String: String]) -> String {
        let pairs = labels.sorted { $0.key.utf8Precedes($1.key) }.map { "\($0.key)=\(goQuoted($0.value))" }
        return "{" + pairs.joined(separator: ", ") + "}"
    }

    /// Every node, depth-first in configuration order (`Route.Walk`).
    public func walk(_ visit: (Route) -> Void) {
        visit(self)
        for r in routes { r.walk(visit) }
    }
}

import Model

/// One `relabel_configs` / `metric_relabel_configs` entry, with Prometheus 2.42's defaults.
public struct RelabelConfig: Sendable, Equatable {
    public enum Action: String, Sendable, CaseIterable {
        case replace, keep, drop, hashmod, labelmap, labeldrop, labelkeep, lowercase, uppercase, keepequal, dropequal
    }

    public var sourceLabels: [String] = []
    public var separator = ";"
    public var targetLabel = ""
    public var regex: AnchoredRegex
    public var modulus: UInt64 = 0
    public var replacement = "$1"
    public var action = Action.replace

    public init(sourceLabels: [String] = [], separator: String = ";", targetLabel: String = "",
                regex: String = "(.*)", modulus: UInt64 = 0, replacement: String = "$1", action: Action = .replace) throws {
        self.sourceLabels = sourceLabels
        self.separator = separator
        self.targetLabel = targetLabel
        self.regex = try AnchoredRegex(regex)
        self.modulus = modulus
        self.replacement = replacement
        self.action = action
        try validate()
    }

    /// The checks of Prometheus' `relabel.Config.UnmarshalYAML`, with its messages.
    public func validate() throws {
        let a = action.rawValue
        func fail(_ m: String) -> RelabelError { RelabelError(message: m) }
        if [.replace, .hashmod, .lowercase, .uppercase, .keepequal, .dropequal].contains(action) && targetLabel.isEmpty {
            throw fail("relabel configuration for \(a) action requires 'target_label' value")
        }
        if action == .replace && !targetLabel.contains("$") && !targetLabel.isValidLabelName {
            throw fail("\(goQuote(targetLabel)) is invalid 'target_label' for \(a) action")
        }
        if [.lowercase, .uppercase, .keepequal, .dropequal].contains(action) && !targetLabel.isValidLabelName {
            throw fail("\(goQuote(targetLabel)) is invalid 'target_label' for \(a) action")
        }
        if action == .labelmap && !replacement.contains("$") && !replacement.isValidLabelName {
            throw fail("\(goQuote(replacement)) is invalid 'replacement' for \(a) action")
        }
        if action == .hashmod && modulus == 0 {
            throw fail("relabel configuration for hashmod requires non-zero modulus")
        }
        if action == .labeldrop || action == .labelkeep {
            if !sourceLabels.isEmpty || targetLabel != "" || modulus != 0 || separator != ";" || replacement != "$1" {
                throw fail("\(a) action requires only 'regex', and no other fields")
            }
        }
        if action == .keepequal || action == .dropequal {
            if regex.pattern != "(.*)" || modulus != 0 || separator != ";" || replacement != "$1" {
                throw fail("\(a) action requires only 'source_labels' and `target_label`, and no other fields")
            }
        }
    }
}

public struct RelabelError: Error, Equatable, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}

/// Applies relabel steps in order, as Prometheus' `relabel.Process`.
public enum Relabeler {
    /// The new label set, or nil when a step drops the target or series.
    public static func process(_ labels: Labels, _ configs: [RelabelConfig]) -> Labels? {
        var current = labels
        for c in configs {
            guard let next = apply(current, c) else { return nil }
            current = next
        }
        return current
    }

    static func apply(_ l: Labels, _ c: RelabelConfig) -> Labels? {
        let val = c.sourceLabels.map { l.get($0) }.joined(separator: c.separator)
        var b = LabelsBuilder(l)
        switch c.action {
        case .drop: if c.regex.matches(val) { return nil }
        case .keep: if !c.regex.matches(val) { return nil }
        case .dropequal: if l.get(c.targetLabel) == val { return nil }
        case .keepequal: if l.get(c.targetLabel) != val { return nil }
        case .replace:
            guard let (groups, names) = c.regex.captures(val) else { break }
            let target = expand(c.targetLabel, groups, names)
            guard target.isValidLabelName else { break }
            let res = expand(c.replacement, groups, names)
            if res.isEmpty { b.delete(target) } else { b.set(target, res) }
        case .lowercase: b.set(c.targetLabel, val.lowercased())
        case .uppercase: b.set(c.targetLabel, val.uppercased())
        case .hashmod:
            let d = MD5.digest(Array(val.utf8))
            var s: UInt64 = 0
            for i in 8..<16 { s = (s << 8) | UInt64(d[i]) }
            b.set(c.targetLabel, String(s % c.modulus))
        case .labelmap:
            for p in l.pairs {
                if let (groups, names) = c.regex.captures(p.name) {
                    b.set(expand(c.replacement, groups, names), p.value)
                }
            }
        case .labeldrop:
            for p in l.pairs where c.regex.matches(p.name) { b.delete(p.name) }
        case .labelkeep:
            for p in l.pairs where !c.regex.matches(p.name) { b.delete(p.name) }
        }
        return b.labels
    }

    /// Go's `Regexp.Expand` (`$1`, `${1}`, `$name`, `$$`).
    static func expand(_ template: String, _ groups: [String?], _ names: [String: Int]) -> String {
        RegexTemplate.expand(template, groups: groups, names: names)
    }
}

import ConfigYAML
import Foundation
import Model
import PromQL
import Templates
import Yams

/// Decodes and validates rule files with `rulefmt` semantics (strict keys, every
/// semantic error collected).
public enum RuleFileLoader {
    /// Decodes `text`; YAML errors come back alone, else all validation errors.
    public static func parse(_ text: String) -> Result<RuleFile, RuleFileErrors> {
        var y = StrictYAML(typePrefix: "rulefmt")
        let file: RuleFile
        do {
            guard let root = try StrictYAML.compose(text) else { return .success(RuleFile(groups: [])) }
            file = try decode(root, &y)
            try y.finish()
        } catch {
            return .failure(RuleFileErrors([RuleFileError(file: "", message: "\(error)")]))
        }
        let errors = validate(file)
        return errors.isEmpty ? .success(file) : .failure(RuleFileErrors(errors.map { RuleFileError(file: "", message: $0) }))
    }

    /// Reads and parses a file; errors are prefixed with `path: `.
    public static func load(path: String) -> Result<RuleFile, RuleFileErrors> {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(RuleFileErrors([RuleFileError(file: "", message: "open \(path): no such file or directory")]))
        }
        switch parse(String(decoding: data, as: UTF8.self)) {
        case .success(let f): return .success(f)
        case .failure(let e): return .failure(RuleFileErrors(e.errors.map { RuleFileError(file: path, message: $0.message) }))
        }
    }

    static func position(_ n: Node?) -> SourcePosition {
        guard let m = n?.mark else { return .none }
        return SourcePosition(line: m.line, column: m.column)
    }

    static func decode(_ root: Node, _ y: inout StrictYAML) throws -> RuleFile {
        var groups: [RuleGroupDefinition] = []
        for (k, v) in y.fields(root, type: "RuleGroups", known: ["groups"]) ?? [] where k == "groups" {
            for g in y.sequence(v, of: "RuleGroup") {
                var group = RuleGroupDefinition(name: "", interval: nil, limit: 0, rules: [], position: position(g))
                for (gk, gv) in y.fields(g, type: "RuleGroup", known: ["name", "interval", "limit", "rules"]) ?? [] {
                    switch gk {
                    case "name": group.name = y.string(gv)
                    case "interval": group.interval = try y.duration(gv)
                    case "limit": group.limit = y.int(gv)
                    default:
                        for r in y.sequence(gv, of: "RuleNode") { group.rules.append(try decodeRule(r, &y)) }
                    }
                }
                groups.append(group)
            }
        }
        return RuleFile(groups: groups)
    }

    static func decodeRule(_ n: Node, _ y: inout StrictYAML) throws -> RuleDefinition {
        var r = RuleDefinition()
        let known: Set<String> = ["record", "alert", "expr", "for", "keep_firing_for", "labels", "annotations"]
        for (k, v) in y.fields(n, type: "RuleNode", known: known) ?? [] {
            switch k {
            case "record": r.record = y.string(v); r.recordPosition = position(v)
            case "alert": r.alert = y.string(v); r.alertPosition = position(v)
            case "expr": r.expr = y.string(v); r.exprPosition = position(v)
            case "for": r.holdDuration = try y.duration(v)
            case "keep_firing_for": r.keepFiringFor = try y.duration(v)
            case "labels": r.labels = y.stringMap(v) ?? [:]
            default: r.annotations = y.stringMap(v) ?? [:]
            }
        }
        return r
    }

    /// `rulefmt.RuleGroups.Validate`: group checks, then each rule's checks, in order.
    static func validate(_ file: RuleFile) -> [String] {
        var errs: [String] = []
        var seen: Set<String> = []
        for g in file.groups {
            if g.name.isEmpty { errs.append("\(g.position): Groupname must not be empty") }
            if seen.contains(g.name) { errs.append("\(g.position): groupname: \"\(g.name)\" is repeated in the same file") }
            seen.insert(g.name)
            for (i, r) in g.rules.enumerated() {
                for (positions, msg) in validate(r) {
                    errs.append(RuleFileError.rule(group: g.name, index: i + 1, name: r.name, positions: positions, msg))
                }
            }
        }
        return errs
    }

    /// `rulefmt.RuleNode.Validate`; each error with the positions it reports.
    static func validate(_ r: RuleDefinition) -> [([SourcePosition], String)] {
        var out: [([SourcePosition], String)] = []
        if !r.record.isEmpty && !r.alert.isEmpty {
            out.append(([r.recordPosition, r.alertPosition], "only one of 'record' and 'alert' must be set"))
        }
        if r.record.isEmpty && r.alert.isEmpty {
            out.append(([r.recordPosition], "one of 'record' or 'alert' must be set"))
        }
        if r.expr.isEmpty {
            out.append(([r.exprPosition], "field 'expr' must be set in rule"))
        } else {
            do { _ = try PromQLParser.parse(r.expr) } catch {
                out.append(([r.exprPosition], "could not parse expression: \(error)"))
            }
        }
        if !r.record.isEmpty {
            if !r.annotations.isEmpty { out.append(([r.recordPosition], "invalid field 'annotations' in recording rule")) }
            if r.holdDuration != 0 { out.append(([r.recordPosition], "invalid field 'for' in recording rule")) }
            if r.keepFiringFor != 0 { out.append(([r.recordPosition], "invalid field 'keep_firing_for' in recording rule")) }
            if !r.record.isValidMetricName { out.append(([r.recordPosition], "invalid recording rule name: \(r.record)")) }
        }
        // Go iterates maps in random order; we use name order so output is stable.
        for k in r.labels.keys.sorted() {
            if !k.isValidLabelName || k == Labels.metricName { out.append(([], "invalid label name: \(k)")) }
        }
        for k in r.annotations.keys.sorted() where !k.isValidLabelName {
            out.append(([], "invalid annotation name: \(k)"))
        }
        if !r.alert.isEmpty {
            for k in r.labels.keys.sorted() {
                do { try AlertTemplate.check(r.labels[k]!, alertName: r.alert) } catch { out.append(([], "label \(goQuote(k)): \(error)")) }
            }
            for k in r.annotations.keys.sorted() {
                do { try AlertTemplate.check(r.annotations[k]!, alertName: r.alert) } catch { out.append(([], "annotation \(goQuote(k)): \(error)")) }
            }
        }
        return out
    }
}

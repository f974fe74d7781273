import Model
import PromQL

/// A line/column in a YAML document; `0:0` stands for an absent node, as in Go.
public struct SourcePosition: Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public static let none = SourcePosition(line: 0, column: 0)
    public var description: String { "\(line):\(column)" }
}

/// A decoded rule file (`groups:`), before validation (`rulefmt.RuleGroups`).
public struct RuleFile: Sendable {
    public var groups: [RuleGroupDefinition]
}

/// One `groups:` entry.
public struct RuleGroupDefinition: Sendable {
    public var name: String
    /// Evaluation interval in ms; nil = the default the loader is given.
    public var interval: Int64?
    /// Max alerts / series per rule; 0 = unlimited.
    public var limit: Int
    public var rules: [RuleDefinition]
    /// Position of the group's mapping (used by group-level errors).
    public var position: SourcePosition
}

/// One rule as written; exactly one of `record`/`alert` must be set (checked by validation).
public struct RuleDefinition: Sendable {
    public var record: String = ""
    public var alert: String = ""
    public var expr: String = ""
    /// Milliseconds.
    public var holdDuration: Int64 = 0
    /// Milliseconds.
    public var keepFiringFor: Int64 = 0
    public var labels: [String: String] = [:]
    public var annotations: [String: String] = [:]
    public var recordPosition = SourcePosition.none
    public var alertPosition = SourcePosition.none
    public var exprPosition = SourcePosition.none

    /// `alert` if set, else `record` (how errors name a rule).
    public var name: String { alert.isEmpty ? record : alert }
}

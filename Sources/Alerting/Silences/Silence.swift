import Model

/// A silence (`silencepb.Silence`, spec §7). Times in milliseconds since the epoch.
public struct Silence: Sendable, Equatable {
    /// Empty for a silence to be created; a UUIDv4 string once stored.
    public var id: String
    /// All must match for the silence to mute an alert (missing label = empty string).
    public var matchers: [Matcher]
    public var startsAt: Int64
    public var endsAt: Int64
    /// Set by the store on every write.
    public var updatedAt: Int64
    public var createdBy: String
    public var comment: String

    public init(id: String = "", matchers: [Matcher], startsAt: Int64, endsAt: Int64, updatedAt: Int64 = 0,
                createdBy: String, comment: String) {
        self.id = id
        self.matchers = matchers
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.updatedAt = updatedAt
        self.createdBy = createdBy
        self.comment = comment
    }

    /// `silence.getState`: pending before `startsAt`, expired after `endsAt`; `t == endsAt` is still
    /// active (the API's displayed state uses `t < endsAt`; see `apiState(at:)`).
    public func state(at t: Int64) -> SilenceState {
        if t < startsAt { return .pending }
        if t > endsAt { return .expired }
        return .active
    }

    /// `types.CalcSilenceState`, as the API shows it: expired from `endsAt` on.
    public func apiState(at t: Int64) -> SilenceState {
        if t < startsAt { return .pending }
        if t < endsAt { return .active }
        return .expired
    }

    public func matches(_ labels: Labels) -> Bool { matchers.matches(labels.dictionary) }
}

public enum SilenceState: String, Sendable, Equatable, Codable {
    case pending, active, expired
}

/// Errors of `Silences`, worded as Alertmanager's API responses.
public enum SilenceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Update or expire of an unknown id: `silence not found` (404 on POST, 500 on DELETE).
    case notFound
    /// API-level check: `Failed to create silence: start time must be before end time`.
    case startNotBeforeEnd
    /// API-level check: `Failed to create silence: end time can't be in the past`.
    case endInPast
    /// `validateSilence`: the text after `silence invalid: `.
    case invalid(String)

    public var description: String {
        switch self {
        case .notFound: return "silence not found"
        case .startNotBeforeEnd: return "Failed to create silence: start time must be before end time"
        case .endInPast: return "Failed to create silence: end time can't be in the past"
        case .invalid(let m): return "silence invalid: \(m)"
        }
    }
}

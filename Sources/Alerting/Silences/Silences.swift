import Foundation
import Model

/// The silence store (`silence.Silences`, spec §7). A value type: every method takes `now`.
/// New ids come from `makeID` (UUIDv4 by default; tests inject a counter).
public struct Silences: Sendable {
    /// By id. Expired silences stay until `endsAt + retention` (`collectGarbage(now:)`).
    private(set) var silences: [String: Silence] = [:]
    /// `--data.retention`, ms (default 120h).
    public var retention: Int64
    private let makeID: @Sendable () -> String

    public static let defaultRetention: Int64 = 120 * 3_600_000

    public init(retention: Int64 = Silences.defaultRetention,
                makeID: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() }) {
        self.retention = retention
        self.makeID = makeID
    }

    public subscript(id: String) -> Silence? { silences[id] }
    public var count: Int { silences.count }

    /// Creates (empty `id`) or updates a silence, as `POST /api/v2/silences` does: API checks, then
    /// `Silences.Set`. Returns the id, which is new unless the update could be done in place
    /// (same matchers, and: active with the same start second and an end not in the past, or
    /// pending with a start not in the past). Otherwise the old silence is expired and a new one
    /// created. A start before `now` is clamped to `now` for new silences.
    public mutating func set(_ silence: Silence, now: Int64) throws(SilenceError) -> String {
        if !(silence.startsAt < silence.endsAt) { throw .startNotBeforeEnd }
        if silence.endsAt < now { throw .endInPast }
        var sil = silence
        var previous: Silence?
        if !sil.id.isEmpty {
            guard let prev = silences[sil.id] else { throw .notFound }
            previous = prev
            if Self.canUpdate(prev, sil, now: now) {
                sil.updatedAt = now
                try Self.validate(sil)
                silences[sil.id] = sil
                return sil.id
            }
        }
        sil.id = makeID()
        if sil.startsAt < now { sil.startsAt = now }
        sil.updatedAt = now
        // Validated before the previous one is expired, so a rejected update changes nothing.
        try Self.validate(sil)
        if let prev = previous, prev.state(at: now) != .expired { try expire(id: prev.id, now: now) }
        silences[sil.id] = sil
        return sil.id
    }

    /// `canUpdate`.
    static func canUpdate(_ a: Silence, _ b: Silence, now: Int64) -> Bool {
        guard a.matchers == b.matchers else { return false }
        switch a.state(at: now) {
        case .active:
            return floorDiv(a.startsAt, 1000) == floorDiv(b.startsAt, 1000) && b.endsAt >= now
        case .pending:
            return b.startsAt >= now
        case .expired:
            return false
        }
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }

    /// `validateSilence`.
    static func validate(_ s: Silence) throws(SilenceError) {
        if s.matchers.isEmpty { throw .invalid("at least one matcher required") }
        var allMatchEmpty = true
        for (i, m) in s.matchers.enumerated() {
            if !Alert.isValidLabelName(m.name) { throw .invalid("invalid label matcher \(i): invalid label name \(goQuote(m.name))") }
            allMatchEmpty = allMatchEmpty && m.matches("")
        }
        if allMatchEmpty { throw .invalid("at least one matcher must not match the empty string") }
        // Go's zero-time checks have no counterpart: times are plain milliseconds here, and the API
        // checks (start before end, end not in the past) plus the clamp of a past start cover them.
        if s.endsAt < s.startsAt { throw .invalid("end time must not be before start time") }
    }

    /// `DELETE /api/v2/silence/{id}`: an active silence ends now; a pending one starts and ends now;
    /// an expired one is left alone.
    public mutating func expire(id: String, now: Int64) throws(SilenceError) {
        guard var s = silences[id] else { throw .notFound }
        switch s.state(at: now) {
        case .expired: return
        case .active: s.endsAt = now
        case .pending: s.startsAt = now; s.endsAt = now
        }
        s.updatedAt = now
        silences[id] = s
    }

    /// Ids of the silences active at `now` that match `labels`, sorted (`Silencer.Mutes`).
    public func silencedBy(_ labels: Labels, now: Int64) -> [String] {
        let d = labels.dictionary
        return silences.values.filter { $0.state(at: now) == .active && $0.matchers.matches(d) }.map(\.id).sorted()
    }

    /// `GET /api/v2/silences`: silences having, for every filter matcher, a matcher with the same
    /// name, operator and value text; sorted active (by end), pending (by start), expired (by end
    /// descending), ties by id.
    public func query(filter: [Matcher] = [], now: Int64) -> [Silence] {
        let hits = silences.values.filter { s in filter.allSatisfy { f in s.matchers.contains(f) } }
        func rank(_ s: Silence) -> Int {
            switch s.apiState(at: now) { case .active: 0; case .pending: 1; case .expired: 2 }
        }
        return hits.sorted { a, b in
            let ra = rank(a), rb = rank(b)
            if ra != rb { return ra < rb }
            switch ra {
            case 0: if a.endsAt != b.endsAt { return a.endsAt < b.endsAt }
            case 1: if a.startsAt != b.startsAt { return a.startsAt < b.startsAt }
            default: if a.endsAt != b.endsAt { return a.endsAt > b.endsAt }
            }
            return a.id < b.id
        }
    }

    /// Drops silences whose `endsAt + retention` has passed; returns how many.
    @discardableResult
    public mutating func collectGarbage(now: Int64) -> Int {
        let before = silences.count
        silences = silences.filter { $0.value.endsAt + retention > now }
        return before - silences.count
    }

    /// Replaces the content with `list` (snapshot reload).
    mutating func load(_ list: [Silence]) {
        silences = Dictionary(list.map { ($0.id, $0) }, uniquingKeysWith: { _, b in b })
    }

    public var all: [Silence] { silences.values.sorted { $0.id < $1.id } }
}

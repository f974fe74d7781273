import Model

/// An alert's identity: FNV-1a 64 over its sorted labels (`model.LabelSet.Fingerprint`, spec §2.1).
public struct Fingerprint: Hashable, Sendable, Comparable, CustomStringConvertible, Codable {
    public let rawValue: UInt64
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public init(_ labels: Labels) { rawValue = labels.fingerprint }

    /// 16 lowercase hex digits (`%016x`).
    public var description: String {
        let s = String(rawValue, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }

    public static func < (a: Fingerprint, b: Fingerprint) -> Bool { a.rawValue < b.rawValue }
}

/// An alert as posted by Klaxon's rules or `POST /api/v2/alerts`, before defaults (spec §2).
/// Times are milliseconds since the Unix epoch; nil means Go's zero time (`0001-01-01T00:00:00Z`).
public struct PostableAlert: Sendable, Equatable {
    /// Empty values are dropped (§2 step 4) by `Labels` itself.
    public var labels: Labels
    public var annotations: [String: String]
    public var startsAt: Int64?
    public var endsAt: Int64?
    public var generatorURL: String

    public init(labels: Labels, annotations: [String: String] = [:], startsAt: Int64? = nil, endsAt: Int64? = nil,
                generatorURL: String = "") {
        self.labels = labels
        self.annotations = annotations
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.generatorURL = generatorURL
    }
}

/// A stored alert (`types.Alert`) after ingestion defaults. Times in milliseconds.
public struct Alert: Sendable, Equatable {
    public var labels: Labels
    public var annotations: [String: String]
    public var startsAt: Int64
    /// Always set after ingestion: either as posted or `received + resolve_timeout` (then `isTimeout`).
    public var endsAt: Int64
    public var generatorURL: String
    /// Receive time of the version held (`UpdatedAt`); the merge keeps the newer one.
    public var updatedAt: Int64
    /// `endsAt` was derived from `resolve_timeout` rather than posted (`Timeout`).
    public var isTimeout: Bool

    public init(labels: Labels, annotations: [String: String] = [:], startsAt: Int64, endsAt: Int64,
                generatorURL: String = "", updatedAt: Int64, isTimeout: Bool = false) {
        self.labels = labels
        self.annotations = annotations
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.generatorURL = generatorURL
        self.updatedAt = updatedAt
        self.isTimeout = isTimeout
    }

    public var fingerprint: Fingerprint { Fingerprint(labels) }

    /// `Resolved()`: `endsAt` is set and not after `now` (spec §2 "Resolution semantics").
    public func isResolved(at now: Int64) -> Bool { endsAt <= now }

    /// `types.Alert.Merge` (spec §2 step 7): the newer version wins, the earlier `startsAt` is kept,
    /// and an older explicit (non-timeout) or later resolved `endsAt` may survive.
    public func merged(with other: Alert, now: Int64) -> Alert {
        if other.updatedAt < updatedAt { return other.merged(with: self, now: now) }
        // `other` is the newer one.
        var res = other
        if startsAt < other.startsAt { res.startsAt = startsAt }
        if other.isResolved(at: now) {
            if isResolved(at: now) && endsAt > other.endsAt { res.endsAt = endsAt }
        } else if endsAt > other.endsAt && !isTimeout {
            res.endsAt = endsAt
        }
        return res
    }
}

/// A rejected posted alert (`model.Alert.Validate`, spec §2 step 5).
public struct AlertValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var alert: PostableAlert
    public var message: String
    public var description: String { message }
}

extension Alert {
    /// Applies the ingestion defaults of spec §2 (steps 1–5) to a posted alert received at `now`.
    public static func ingest(_ p: PostableAlert, now: Int64, resolveTimeout: Int64) throws(AlertValidationError) -> Alert {
        // nil is Go's zero time; every other value (including the epoch) is a real time.
        let startsAt = p.startsAt ?? p.endsAt ?? now
        var endsAt = now + resolveTimeout
        var timeout = true
        if let e = p.endsAt {
            endsAt = e
            timeout = false
        }
        func fail(_ m: String) -> AlertValidationError { AlertValidationError(alert: p, message: m) }
        if endsAt < startsAt { throw fail("start time must be before end time") }
        for l in p.labels.pairs where !isValidLabelName(l.name) {
            throw fail("invalid label set: invalid name \(goQuote(l.name))")
        }
        if p.labels.isEmpty { throw fail("at least one label pair required") }
        for name in p.annotations.keys.sorted() where !isValidLabelName(name) {
            throw fail("invalid annotations: invalid name \(goQuote(name))")
        }
        return Alert(labels: p.labels, annotations: p.annotations, startsAt: startsAt, endsAt: endsAt,
                     generatorURL: p.generatorURL, updatedAt: now, isTimeout: timeout)
    }

    /// `model.LabelName.IsValid`: `[a-zA-Z_][a-zA-Z0-9_]*`.
    static func isValidLabelName(_ s: String) -> Bool {
        guard !s.isEmpty else { return false }
        for (i, b) in s.utf8.enumerated() {
            let alpha = (b >= 0x61 && b <= 0x7a) || (b >= 0x41 && b <= 0x5a) || b == 0x5f
            let digit = b >= 0x30 && b <= 0x39
            if !(alpha || (i > 0 && digit)) { return false }
        }
        return true
    }
}

/// Alert order inside a notification (`types.AlertSlice.Less`, spec §4.4).
public enum AlertOrder {
    public static func precedes(_ a: Labels, _ b: Labels) -> Bool {
        for key in ["job", "instance"] {
            let x = a[key], y = b[key]
            if x == nil && y == nil { continue }
            guard let xv = x else { return false }
            guard let yv = y else { return true }
            if xv != yv { return xv.utf8Precedes(yv) }
        }
        return before(a, b)
    }

    /// `model.LabelSet.Before`: fewer labels first; then over the sorted union of names, a missing
    /// name sorts after, else the value decides.
    public static func before(_ a: Labels, _ b: Labels) -> Bool {
        if a.count != b.count { return a.count < b.count }
        let da = a.dictionary, db = b.dictionary
        let names = (Array(da.keys) + Array(db.keys)).sorted { $0.utf8Precedes($1) }
        for n in names {
            guard let x = da[n] else { return false }
            guard let y = db[n] else { return true }
            if x != y { return x.utf8Precedes(y) }
        }
        return false
    }

    /// Stable sort, starting from fingerprint order so the result does not depend on map order.
    public static func sorted(_ alerts: [Alert]) -> [Alert] {
        let start = alerts.sorted { $0.fingerprint < $1.fingerprint }
        // Insertion-stable merge sort via indices.
        let indexed = start.enumerated().map { ($0.offset, $0.element) }
        return indexed.sorted { l, r in
            if precedes(l.1.labels, r.1.labels) { return true }
            if precedes(r.1.labels, l.1.labels) { return false }
            return l.0 < r.0
        }.map(\.1)
    }
}

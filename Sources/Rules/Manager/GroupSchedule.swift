import Model

/// A group's identity: the rule file path (as resolved) and the group name (`rules.GroupKey`).
public struct GroupKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var file: String
    public var name: String

    public init(file: String, name: String) {
        self.file = file
        self.name = name
    }

    /// `file;name`, Prometheus' internal key.
    public var description: String { file + ";" + name }

    /// By file, then name (the order `/api/v1/rules` lists groups in).
    public static func < (a: GroupKey, b: GroupKey) -> Bool {
        a.file != b.file ? a.file.utf8Precedes(b.file) : a.name.utf8Precedes(b.name)
    }
}

/// Slot alignment of a group's evaluations (rules-spec §2.2; `Group.hash`, `Group.EvalTimestamp`).
///
/// The offset is computed in nanoseconds, as Prometheus does, and floored to milliseconds;
/// slot times are the millisecond timestamps `t` with `(t - offset) mod interval == 0`.
public struct GroupSchedule: Sendable, Equatable {
    /// Evaluation interval in ms; always > 0.
    public let interval: Int64
    /// xxHash64 of `file\xff<path>\xffname\xff<group>\xff`.
    public let hash: UInt64
    /// `hash mod interval_ns`.
    public let offsetNanoseconds: Int64
    /// `offsetNanoseconds` floored to ms.
    public var offset: Int64 { offsetNanoseconds / 1_000_000 }

    public init(file: String, name: String, interval: Int64) {
        precondition(interval > 0, "a group interval must be positive")
        self.interval = interval
        var bytes: [UInt8] = []
        for part in ["file", file, "name", name] {
            bytes += Array(part.utf8)
            bytes.append(0xFF)
        }
        hash = XXHash64.hash(bytes)
        offsetNanoseconds = Int64(hash % (UInt64(interval) * 1_000_000))
    }

    public init(key: GroupKey, interval: Int64) {
        self.init(file: key.file, name: key.name, interval: interval)
    }

    /// The latest slot ≤ `now` (ms).
    public func evalTimestamp(_ now: Int64) -> Int64 {
        let adj = now - offset
        var rem = adj % interval
        if rem < 0 { rem += interval }
        return adj - rem + offset
    }

    /// The first slot a group started at `now` evaluates at: the next slot after the latest one ≤ now.
    public func firstEvaluation(startingAt now: Int64) -> Int64 {
        evalTimestamp(now) + interval
    }
}

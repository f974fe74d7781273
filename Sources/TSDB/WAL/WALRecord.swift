import Model

/// One logical entry of the write-ahead log, as Prometheus' `tsdb/record` defines them.
///
/// A record is the unit of atomicity: after a crash it is either replayed whole or not at all.
/// Encoding is in `WALRecord+Encoding.swift`.
public enum WALRecord: Sendable {
    /// New series: the head's reference for each and its labels. Logged before any sample of the ref.
    case series([(ref: UInt64, labels: Labels)])
    /// Float samples. Values are stored as their raw 64-bit pattern, so the staleness marker
    /// (`StaleNaN.bits`) and every other NaN payload survive bit-exactly.
    case samples([(ref: UInt64, t: Int64, v: Double)])
    // Type byte 3 is reserved for tombstones (`WALRecordType.tombstones`).

    /// Number of series or samples the record carries.
    public var count: Int {
        switch self {
        case .series(let s): s.count
        case .samples(let s): s.count
        }
    }
}

/// The first payload byte of every record. Values follow Prometheus' `record.Type`.
enum WALRecordType: UInt8 {
    case series = 1
    case samples = 2
    /// Reserved; not written yet.
    case tombstones = 3
}

extension WALRecord: Equatable {
    /// Equal when they would encode to the same bytes: values compare by bit pattern,
    /// so `NaN == NaN` here and `0.0 != -0.0`. (Deliberately unlike IEEE `==`.)
    public static func == (a: WALRecord, b: WALRecord) -> Bool {
        switch (a, b) {
        case (.series(let x), .series(let y)):
            guard x.count == y.count else { return false }
            for i in x.indices where x[i].ref != y[i].ref || x[i].labels != y[i].labels { return false }
            return true
        case (.samples(let x), .samples(let y)):
            guard x.count == y.count else { return false }
            for i in x.indices where x[i].ref != y[i].ref || x[i].t != y[i].t
                || x[i].v.bitPattern != y[i].v.bitPattern { return false }
            return true
        default:
            return false
        }
    }
}

extension WALRecord: CustomStringConvertible {
    public var description: String {
        switch self {
        case .series(let s):
            "series(" + s.map { "\($0.ref) \($0.labels)" }.joined(separator: ", ") + ")"
        case .samples(let s):
            "samples(" + s.map { "\($0.ref)@\($0.t)=\($0.v)(0x\(String($0.v.bitPattern, radix: 16)))" }
                .joined(separator: ", ") + ")"
        }
    }
}

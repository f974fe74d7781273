/// One float sample: a millisecond timestamp and a value.
public struct Sample: Hashable, Sendable {
    public var t: Int64
    public var v: Double
    public init(t: Int64, v: Double) { self.t = t; self.v = v }
}

/// Prometheus' staleness marker and its bit-exact test.
public enum StaleNaN {
    public static let bits: UInt64 = 0x7ff0_0000_0000_0002
    /// The marker value. Never compute with it: arithmetic may quiet the NaN.
    public static var value: Double { Double(bitPattern: bits) }
    @inlinable public static func isStale(_ v: Double) -> Bool { v.bitPattern == 0x7ff0_0000_0000_0002 }
}

/// The ordinary NaN Prometheus writes for a `NaN` value.
public let normalNaN = Double(bitPattern: 0x7ff8_0000_0000_0001)

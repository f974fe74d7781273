/// A series' newest samples, oldest first, kept inline next to its storage: a read of the last
/// few seconds (what a rule group reads once `SelectorWindowMemo` kept the rest of its window)
/// then touches the series alone, not its sample arrays or chunks.
public struct RecentSamples: Sendable {
    public static let capacity = 4
    @usableFromInline var t: (Int64, Int64, Int64, Int64) = (0, 0, 0, 0)
    @usableFromInline var v: (Double, Double, Double, Double) = (0, 0, 0, 0)
    /// How many of the slots hold samples: the last `count` of the four.
    @usableFromInline internal(set) var _count = 0
    public var count: Int { _count }

    public init() {}

    /// The newest `capacity` of these samples (in time order).
    public init(last ts: some Collection<Int64>, _ vs: some Collection<Double>) {
        for (t, v) in zip(ts.suffix(Self.capacity), vs.suffix(Self.capacity)) { append(t, v) }
    }

    /// Adds a sample newer than all held.
    @inlinable public mutating func append(_ t: Int64, _ v: Double) {
        self.t = (self.t.1, self.t.2, self.t.3, t)
        self.v = (self.v.1, self.v.2, self.v.3, v)
        _count = Swift.min(_count + 1, Self.capacity)
    }

    /// Whether every sample at or after `mint` is here: the oldest held is older, or the
    /// series (`seriesCount` samples) has no others.
    /// `seriesCount` is asked last, and only for a series of at most `capacity` samples: it
    /// reads memory that the answer otherwise does not need.
    @inlinable public func holds(from mint: Int64, seriesCount: @autoclosure () -> Int) -> Bool {
        _count > 0 && (self[Self.capacity - _count].t < mint || (_count < Self.capacity && _count == seriesCount()))
    }

    @inlinable subscript(i: Int) -> (t: Int64, v: Double) {
        switch i {
        case 0: (t.0, v.0)
        case 1: (t.1, v.1)
        case 2: (t.2, v.2)
        default: (t.3, v.3)
        }
    }

    /// Appends the held samples in `mint...maxt` to the arrays.
    @inlinable public func append(from mint: Int64, to maxt: Int64, into ts: inout [Int64], _ vs: inout [Double]) {
        for i in (Self.capacity - count)..<Self.capacity {
            let s = self[i]
            if s.t >= mint && s.t <= maxt {
                ts.append(s.t)
                vs.append(s.v)
            }
        }
    }
}

/// One name/value pair of a series' identity.
public struct Label: Hashable, Sendable, Comparable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    public static func < (a: Label, b: Label) -> Bool {
        if a.name != b.name { return a.name.utf8Precedes(b.name) }
        return a.value.utf8Precedes(b.value)
    }
}

extension String {
    /// Byte-wise UTF-8 order, as Go compares strings (Swift's `<` normalises Unicode).
    @inlinable
    public func utf8Precedes(_ other: String) -> Bool {
        var a = self, b = other
        return a.withUTF8 { pa in
            b.withUTF8 { pb in
                let n = Swift.min(pa.count, pb.count)
                for i in 0..<n where pa[i] != pb[i] { return pa[i] < pb[i] }
                return pa.count < pb.count
            }
        }
    }

    /// True for names matching `[a-zA-Z_][a-zA-Z0-9_]*`.
    public var isValidLabelName: Bool {
        guard let f = utf8.first else { return false }
        func letter(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 }
        guard letter(f) else { return false }
        return utf8.allSatisfy { letter($0) || ($0 >= 48 && $0 <= 57) }
    }

    /// True for names matching `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    public var isValidMetricName: Bool {
        guard let f = utf8.first else { return false }
        func letter(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 || c == 58 }
        guard letter(f) else { return false }
        return utf8.allSatisfy { letter($0) || ($0 >= 48 && $0 <= 57) }
    }
}

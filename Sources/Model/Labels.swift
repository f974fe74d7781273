/// A series' identity: label pairs sorted by name, no empty values, no duplicate names.
///
/// Immutable in practice; build new sets with `LabelsBuilder`.
public struct Labels: Hashable, Sendable, Comparable, CustomStringConvertible {
    public static let metricName = "__name__"
    public static let empty = Labels(sorted: [])

    /// Sorted by name; invariant kept by every initialiser. A slice so that dropping the
    /// metric name (which sorts first in nearly every label set) needs no copy.
    public let pairs: ArraySlice<Label>

    /// Trusts the caller: `pairs` are sorted by name, unique and non-empty.
    public init(sorted pairs: [Label]) {
        self.pairs = pairs[...]
    }

    /// Trusts the caller, as `init(sorted:)`.
    public init(sortedSlice pairs: ArraySlice<Label>) {
        self.pairs = pairs
    }

    /// Sorts, drops empty values; a later duplicate name wins.
    public init(_ pairs: [Label]) {
        var dict: [String: String] = [:]
        for p in pairs { dict[p.name] = p.value }
        self.pairs = dict.filter { !$0.value.isEmpty }
            .map { Label(name: $0.key, value: $0.value) }
            .sorted { $0.name.utf8Precedes($1.name) }[...]
    }

    public init(_ dict: [String: String]) {
        self.init(dict.map { Label(name: $0.key, value: $0.value) })
    }

    /// Whether both use the same storage, so they are equal without comparing a string. A
    /// caller keeping a label set alive can use this to recognise it again.
    @inline(__always)
    public func isIdentical(to other: Labels) -> Bool {
        pairs.count == other.pairs.count
            && pairs.withUnsafeBufferPointer { a in other.pairs.withUnsafeBufferPointer { b in a.baseAddress == b.baseAddress } }
    }

    public var count: Int { pairs.count }
    public var isEmpty: Bool { pairs.isEmpty }

    public subscript(name: String) -> String? {
        for p in pairs where p.name == name { return p.value }
        return nil
    }

    /// The value of `name`, empty when absent (Prometheus' `Labels.Get`).
    public func get(_ name: String) -> String { self[name] ?? "" }

    public var metricName: String? { self[Labels.metricName] }

    public func withoutMetricName() -> Labels {
        if let f = pairs.first, f.name == Labels.metricName { return Labels(sortedSlice: pairs.dropFirst()) }
        guard let i = pairs.firstIndex(where: { $0.name == Labels.metricName }) else { return self }
        var p = Array(pairs)
        p.remove(at: i - pairs.startIndex)
        return Labels(sorted: p)
    }

    /// Keeps only the given names.
    public func keeping(_ names: Set<String>) -> Labels {
        Labels(sorted: pairs.filter { names.contains($0.name) })
    }

    /// Drops the given names.
    public func removing(_ names: Set<String>) -> Labels {
        Labels(sorted: pairs.filter { !names.contains($0.name) })
    }

    public func setting(_ name: String, _ value: String) -> Labels {
        var b = LabelsBuilder(self)
        b.set(name, value)
        return b.labels
    }

    public var dictionary: [String: String] {
        var d: [String: String] = [:]
        for p in pairs { d[p.name] = p.value }
        return d
    }

    /// A stable 64-bit fingerprint (FNV-1a over name, 0xff, value, 0xff ...).
    public var fingerprint: UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for p in pairs {
            for b in p.name.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
            h = (h ^ 0xff) &* 0x0000_0100_0000_01b3
            for b in p.value.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
            h = (h ^ 0xff) &* 0x0000_0100_0000_01b3
        }
        return h
    }

    /// Prometheus' `labels.Compare`: pairwise by name then value; a prefix sorts first.
    public static func < (a: Labels, b: Labels) -> Bool {
        let n = min(a.pairs.count, b.pairs.count)
        let sa = a.pairs.startIndex, sb = b.pairs.startIndex
        for i in 0..<n {
            let x = a.pairs[sa + i], y = b.pairs[sb + i]
            if x.name != y.name { return x.name.utf8Precedes(y.name) }
            if x.value != y.value { return x.value.utf8Precedes(y.value) }
        }
        return a.pairs.count < b.pairs.count
    }

    /// `{a="b", c="d"}` with Go-quoted values, as Prometheus prints label sets.
    public var description: String {
        "{" + pairs.map { "\($0.name)=\(goQuote($0.value))" }.joined(separator: ", ") + "}"
    }

    /// `name{a="b"}` when there is a name, else `{a="b"}` (the PromQL form).
    public var seriesString: String {
        let rest = pairs.filter { $0.name != Labels.metricName }
        let body = "{" + rest.map { "\($0.name)=\(goQuote($0.value))" }.joined(separator: ", ") + "}"
        if let n = metricName {
            return rest.isEmpty ? n : n + body
        }
        return body
    }
}

/// Mutable staging for a label set; empty values delete.
public struct LabelsBuilder {
    private var dict: [String: String]

    public init(_ base: Labels = .empty) {
        dict = base.dictionary
    }

    public mutating func set(_ name: String, _ value: String) {
        if value.isEmpty { dict[name] = nil } else { dict[name] = value }
    }

    public mutating func delete(_ name: String) { dict[name] = nil }

    public func get(_ name: String) -> String { dict[name] ?? "" }

    public var labels: Labels {
        Labels(sorted: dict.map { Label(name: $0.key, value: $0.value) }.sorted { $0.name.utf8Precedes($1.name) })
    }
}

/// Go's `strconv.Quote` for the characters label values carry.
public func goQuote(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        case "\u{07}": out += "\\a"
        case "\u{08}": out += "\\b"
        case "\u{0C}": out += "\\f"
        case "\u{0B}": out += "\\v"
        default:
            if u.value < 0x20 || u.value == 0x7f {
                out += "\\x" + String(format2hex: u.value)
            } else {
                out.unicodeScalars.append(u)
            }
        }
    }
    return out + "\""
}

extension String {
    init(format2hex v: UInt32) {
        let digits = Array("0123456789abcdef")
        self = String([digits[Int(v >> 4) & 0xf], digits[Int(v) & 0xf]])
    }
}

import Model

/// Text forms promtool's messages use.
enum GoText {
    /// Go's `time.Duration.String` for ms values (`0s`, `1m0s`, `1h0m0s`, `1.5s`).
    static func duration(_ ms: Int64) -> String {
        if ms == 0 { return "0s" }
        let neg = ms < 0
        var u = ms.magnitude
        let sign = neg ? "-" : ""
        if u < 1000 { return sign + "\(u)ms" }
        let frac = u % 1000
        u /= 1000
        let s = u % 60, m = (u / 60) % 60, h = u / 3600
        var secs = "\(s)"
        if frac != 0 {
            var f = String(frac)
            f = String(repeating: "0", count: 3 - f.count) + f
            while f.hasSuffix("0") { f.removeLast() }
            secs += "." + f
        }
        if h > 0 { return sign + "\(h)h\(m)m\(secs)s" }
        if m > 0 { return sign + "\(m)m\(secs)s" }
        return sign + secs + "s"
    }

    /// `{a="b", c="d"}` for a sorted pair list that may hold empty values (Go `labels.Labels`).
    static func labels(_ pairs: [Label]) -> String {
        "{" + pairs.map { "\($0.name)=\(goQuote($0.value))" }.joined(separator: ", ") + "}"
    }

    /// `labels.Compare` over pair lists.
    static func compare(_ a: [Label], _ b: [Label]) -> Int {
        for (x, y) in zip(a, b) {
            if x.name != y.name { return x.name.utf8Precedes(y.name) ? -1 : 1 }
            if x.value != y.value { return x.value.utf8Precedes(y.value) ? -1 : 1 }
        }
        return a.count - b.count
    }

    /// Go's `labels.FromMap`: sorted by name, empty values kept.
    static func pairs(_ m: [String: String]) -> [Label] {
        m.map { Label(name: $0.key, value: $0.value) }.sorted { $0.name.utf8Precedes($1.name) }
    }

    /// `filepath.Clean`.
    static func cleanPath(_ p: String) -> String {
        if p.isEmpty { return "." }
        let rooted = p.hasPrefix("/")
        var out: [Substring] = []
        for part in p.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = out.last, last != ".." { out.removeLast(); continue }
            if part == "..", rooted { continue }
            out.append(part)
        }
        let s = out.joined(separator: "/")
        if rooted { return "/" + s }
        return s.isEmpty ? "." : s
    }

    /// `filepath.Dir`.
    static func dir(_ p: String) -> String {
        guard let i = p.lastIndex(of: "/") else { return "." }
        return cleanPath(String(p[...i]))
    }
}

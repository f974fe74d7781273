/// Sorted lists of series refs and the set operations the index needs.
enum Postings {
    static func intersect(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        var out: [UInt64] = []
        out.reserveCapacity(min(a.count, b.count))
        var i = 0, j = 0
        while i < a.count && j < b.count {
            if a[i] == b[j] { out.append(a[i]); i += 1; j += 1 }
            else if a[i] < b[j] { i += 1 } else { j += 1 }
        }
        return out
    }

    static func merge(_ lists: [[UInt64]]) -> [UInt64] {
        if lists.isEmpty { return [] }
        if lists.count == 1 { return lists[0] }
        var all = lists.flatMap { $0 }
        all.sort()
        var out: [UInt64] = []
        out.reserveCapacity(all.count)
        for x in all where out.last != x { out.append(x) }
        return out
    }

    /// `a` without the elements of `b`.
    static func subtract(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        if b.isEmpty { return a }
        var out: [UInt64] = []
        out.reserveCapacity(a.count)
        var j = 0
        for x in a {
            while j < b.count && b[j] < x { j += 1 }
            if j < b.count && b[j] == x { continue }
            out.append(x)
        }
        return out
    }
}

/// Read access to an inverted index: label name → value → sorted series refs.
protocol PostingsIndex {
    var allPostings: [UInt64] { get }
    func values(of name: String) -> [String]
    func postings(_ name: String, _ value: String) -> [UInt64]
}

extension PostingsIndex {
    /// Prometheus' `PostingsForMatchers`: intersect what must match, subtract what must not,
    /// with matchers that accept the empty string selecting series lacking the label.
    func postings(for matchers: [LabelMatcher]) -> [UInt64] {
        var its: [[UInt64]] = []
        var notIts: [[UInt64]] = []
        var mustBeSet = Set<String>()
        for m in matchers where !m.matchesEmpty { mustBeSet.insert(m.name) }
        for m in matchers {
            if mustBeSet.contains(m.name) {
                let isNot = m.kind == .notEqual || m.kind == .regexNoMatch
                if isNot && m.matchesEmpty {
                    notIts.append(postings(matching: m.inverse))
                } else if isNot {
                    its.append(postings(notMatching: m.inverse))
                } else {
                    its.append(postings(matching: m))
                }
            } else {
                notIts.append(postings(notMatching: m))
            }
        }
        if its.isEmpty { its.append(allPostings) }
        var result = its.min(by: { $0.count < $1.count })!
        for it in its where result.count > 0 { result = Postings.intersect(result, it) }
        for n in notIts { result = Postings.subtract(result, n) }
        return result
    }

    /// Series whose value of `m.name` is non-empty and matches.
    func postings(matching m: LabelMatcher) -> [UInt64] {
        if m.kind == .equal { return postings(m.name, m.value) }
        if let lits = m.literalValues { return Postings.merge(lits.map { postings(m.name, $0) }) }
        return Postings.merge(values(of: m.name).filter { m.matches($0) }.map { postings(m.name, $0) })
    }

    /// Series having the label with a value that does not match.
    func postings(notMatching m: LabelMatcher) -> [UInt64] {
        Postings.merge(values(of: m.name).filter { !m.matches($0) }.map { postings(m.name, $0) })
    }
}

import Model

extension LabelMatcher {
    /// The matcher selecting exactly the values this one rejects.
    var inverse: LabelMatcher {
        let k: LabelMatcher.Kind
        switch kind {
        case .equal: k = .notEqual
        case .notEqual: k = .equal
        case .regexMatch: k = .regexNoMatch
        case .regexNoMatch: k = .regexMatch
        }
        return try! LabelMatcher(k, name, value)
    }
}

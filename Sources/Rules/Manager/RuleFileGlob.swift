#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `rule_files` entries are globs (`filepath.Glob`): each expands to its sorted matches, a
/// pattern matching nothing contributes nothing. Duplicates keep their first position.
enum RuleFileGlob {
    static func expand(_ patterns: [String]) -> [String] {
        var out: [String] = []
        var seen: Set<String> = []
        for p in patterns {
            for f in matches(p) where seen.insert(f).inserted { out.append(f) }
        }
        return out
    }

    static func matches(_ pattern: String) -> [String] {
        var g = glob_t()
        defer { globfree(&g) }
        guard glob(pattern, 0, nil, &g) == 0 else { return [] }
        var out: [String] = []
        for i in 0..<Int(g.gl_pathc) {
            if let p = g.gl_pathv[i] { out.append(String(cString: p)) }
        }
        return out.sorted()
    }
}

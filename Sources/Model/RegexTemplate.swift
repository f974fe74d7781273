/// Go's `Regexp.Expand` for `$1`, `${1}`, `$name`, `${name}`, `$$`.
public enum RegexTemplate {
    public static func expand(_ template: String, groups: [String?], names: [String: Int]) -> String {
        let c = Array(template.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        func isWord(_ u: Unicode.Scalar) -> Bool {
            (u >= "a" && u <= "z") || (u >= "A" && u <= "Z") || (u >= "0" && u <= "9") || u == "_"
        }
        func value(_ name: String) -> String {
            if let n = Int(name), name.allSatisfy({ $0.isASCII && $0.isNumber }) {
                return n < groups.count ? (groups[n] ?? "") : ""
            }
            if let idx = names[name], idx < groups.count { return groups[idx] ?? "" }
            return ""
        }
        while i < c.count {
            if c[i] != "$" { out.append(c[i]); i += 1; continue }
            i += 1
            if i < c.count, c[i] == "$" { out.append("$"); i += 1; continue }
            if i < c.count, c[i] == "{" {
                var j = i + 1, name = ""
                while j < c.count, isWord(c[j]) { name.unicodeScalars.append(c[j]); j += 1 }
                if j < c.count, c[j] == "}", !name.isEmpty {
                    out.append(contentsOf: value(name).unicodeScalars)
                    i = j + 1
                } else {
                    out.append("$")  // malformed: Go copies "$" and continues
                }
                continue
            }
            var name = ""
            while i < c.count, isWord(c[i]) { name.unicodeScalars.append(c[i]); i += 1 }
            if name.isEmpty { out.append("$"); continue }
            out.append(contentsOf: value(name).unicodeScalars)
        }
        return String(out)
    }
}

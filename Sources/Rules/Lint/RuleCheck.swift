import ConfigYAML
import Foundation
import Model
import Yams

/// `promtool check rules FILE...` (`cmd/promtool/main.go`: `CheckRules`, `checkRules`,
/// `checkDuplicates`), byte for byte, plus klaxon's optional rule lint (`RuleLint`).
///
/// Without `lint` the output and exit code are promtool 2.42's: per file `Checking <file>`,
/// `  SUCCESS: <n> rules found` or `  FAILED:` (stderr) and the errors, then an empty line;
/// exit 1 if any file has a real error, 3 if only lint errors and `lintFatal`, else 0.
public enum RuleCheck {
    public enum Stream: Sendable { case stdout, stderr }

    public struct Options: Sendable {
        /// promtool's default `--lint=duplicate-rules`.
        public var duplicateRules = true
        /// klaxon's rule lint (`--lint`).
        public var lint = false
        /// `--fixtures`: a promtool test file, an OpenMetrics / text recording, or a directory of them.
        public var fixtures: String?
        /// `--lint-fatal`: lint findings (duplicates, lint warnings) exit 3 when there is no real error.
        public var lintFatal = false
        /// Relative file and fixture paths are read from here (default: the working directory);
        /// messages show them as given.
        public var directory: String?
        public init(duplicateRules: Bool = true, lint: Bool = false, fixtures: String? = nil, lintFatal: Bool = false,
                    directory: String? = nil) {
            self.directory = directory
            self.duplicateRules = duplicateRules
            self.lint = lint
            self.fixtures = fixtures
            self.lintFatal = lintFatal
        }
    }

    public struct Output: Sendable {
        /// In the order they are written.
        public var lines: [(Stream, String)] = []
        public var exitCode: Int32 = 0
        public var stdout: String { lines.filter { $0.0 == .stdout }.map { $0.1 + "\n" }.joined() }
        public var stderr: String { lines.filter { $0.0 == .stderr }.map { $0.1 + "\n" }.joined() }
        /// The lint warnings alone.
        public var warnings: [LintWarning] = []
    }

    /// A decoded file, or its error messages (without the `file: ` prefix).
    public enum FileResult: Sendable {
        case success(RuleFile)
        case failure([String])
    }

    public static func run(files: [String], options: Options = Options()) -> Output {
        var out = Output()
        var fixtures: LintFixtures? = nil
        if options.lint, let path = options.fixtures {
            do { fixtures = try LintFixtures.load(path: resolve(path, options.directory)) } catch {
                out.lines.append((.stderr, "fixtures \(path): \(error)"))
                out.exitCode = 1
                return out
            }
        }
        var failed = false, hasErrors = false, warned = false
        // Parse everything first so selectors on metrics recorded in any checked file are known to the lint.
        var parsed: [(String, FileResult)] = []
        for f in files { parsed.append((f, check(file: resolve(f, options.directory), shownAs: f))) }
        let recorded = Set(parsed.flatMap { (_, r) -> [String] in
            guard case .success(let rf) = r else { return [] }
            return rf.groups.flatMap { $0.rules.map(\.record) }.filter { !$0.isEmpty }
        })
        for (f, result) in parsed {
            out.lines.append((.stdout, "Checking \(f)"))
            switch result {
            case .failure(let errs):
                out.lines.append((.stderr, "  FAILED:"))
                for e in errs { out.lines.append((.stderr, "\(f): \(e)")) }
                failed = true
                hasErrors = true
            case .success(let rf):
                let n = rf.groups.reduce(0) { $0 + $1.rules.count }
                if options.duplicateRules, let msg = duplicateMessage(rf) {
                    out.lines.append((.stderr, "  FAILED:"))
                    out.lines.append((.stderr, msg))
                    failed = true
                } else {
                    out.lines.append((.stdout, "  SUCCESS: \(n) rules found"))
                }
                if options.lint {
                    let ws = RuleLint.lint(file: f, rules: rf, fixtures: fixtures, recordedMetrics: recorded)
                    for w in ws { out.lines.append((.stdout, w.description)) }
                    out.warnings += ws
                    warned = warned || !ws.isEmpty
                }
            }
            out.lines.append((.stdout, ""))
        }
        if failed && hasErrors {
            out.exitCode = 1
        } else if (failed || warned) && options.lintFatal {
            out.exitCode = 3
        }
        return out
    }

    /// `rulefmt.ParseFile`: the errors (without the `file: ` prefix) or the decoded file.
    static func resolve(_ path: String, _ dir: String?) -> String {
        guard let dir, !path.hasPrefix("/") else { return path }
        return URL(fileURLWithPath: dir).appendingPathComponent(path).path
    }

    static func check(file: String, shownAs name: String) -> FileResult {
        guard let data = FileManager.default.contents(atPath: file) else {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: file, isDirectory: &isDir), isDir.boolValue {
                return .failure(["read \(name): is a directory"])
            }
            return .failure(["open \(name): no such file or directory"])
        }
        return check(text: String(decoding: data, as: UTF8.self))
    }

    /// `rulefmt.Parse`: a strict decode into `RuleGroups`, then a second, lenient decode into
    /// `ruleGroups` (groups as raw nodes) whose error is appended too, so a YAML syntax error is
    /// reported twice; only when both succeed does semantic validation run.
    public static func check(text: String) -> FileResult {
        let text = firstDocument(text)
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch let e as YamlError {
            return .failure(goYAMLErrors(e, text: text))
        } catch {
            return .failure(["yaml: \(error)", "yaml: \(error)"])
        }
        switch RuleFileLoader.parse(text) {
        case .success(let rf): return .success(rf)
        case .failure(let e):
            var errs = e.errors.map(\.message)
            if let root, let second = nodeDecodeErrors(root) { errs.append(second) }
            return .failure(errs)
        }
    }

    /// A YAML library error as `rulefmt.Parse` reports it. A syntax error comes from both
    /// decodes (so twice), formatted as go-yaml does: `yaml: line <n>: <problem>`, where the line
    /// is the 0-based line of the error's context (+1 for scanner errors), else of the problem.
    /// Duplicate keys are an unmarshal error of the strict decode (and of the lenient one too
    /// when they are top-level keys).
    static func goYAMLErrors(_ e: YamlError, text: String) -> [String] {
        switch e {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            var isScanner = false
            if case .scanner = e { isScanner = true }
            var line = 0
            if let c = context, c.mark.line - 1 != 0 { line = c.mark.line - 1 + (isScanner ? 1 : 0) }
            else if mark.line - 1 != 0 { line = mark.line - 1 + (isScanner ? 1 : 0) }
            let msg = "yaml: " + (line != 0 ? "line \(line): " : "") + problem
            return [msg, msg]
        case let .duplicatedKeysInMapping(duplicates, context):
            let dups = duplicateKeyLines(Set(duplicates), at: context.mark, in: text)
            guard !dups.isEmpty else { break }
            let msg = "yaml: unmarshal errors:\n" + dups.map { "  " + $0 }.joined(separator: "\n")
            // The lenient decode maps the top level only.
            let topLevel = context.mark.column == 1
            return topLevel ? [msg, msg] : [msg]
        default: break
        }
        return ["yaml: \(e)"]
    }

    /// `line <n>: mapping key "<k>" already defined at line <m>` for the block mapping whose
    /// keys start at `mark`'s column.
    static func duplicateKeyLines(_ keys: Set<String>, at mark: Mark, in text: String) -> [String] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.utf8) }
        let col = mark.column - 1
        func indent(_ l: [UInt8]) -> Int? {
            guard let i = l.firstIndex(where: { $0 != 32 && $0 != 45 }) else { return nil }  // blank or only "-"
            return l[i] == 35 ? nil : i
        }
        // A `- ` before the key column starts a sequence item: the mapping begins (and ends) there.
        func startsItem(_ l: [UInt8]) -> Bool { l.count > col && l[..<col].contains(45) }
        var start = mark.line - 1
        while start > 0, !startsItem(lines[start]), let i = indent(lines[start - 1]) ?? Optional(col), i >= col { start -= 1 }
        var occurrences: [(key: String, line: Int)] = []
        var n = start
        while n < lines.count {
            let l = lines[n]
            if let i = indent(l) {
                if i < col || (n > start && startsItem(l)) { break }
                if i == col, l[..<col].allSatisfy({ $0 == 32 || $0 == 45 }) {
                    var j = col
                    while j < l.count, l[j] != 58 { j += 1 }
                    let key = String(decoding: l[col..<j], as: UTF8.self).trimmingCharacters(in: .whitespaces)
                    if keys.contains(key) { occurrences.append((key, n + 1)) }
                }
            }
            n += 1
        }
        // go-yaml: for each key in order, every later key equal to it.
        var out: [String] = []
        for (i, a) in occurrences.enumerated() {
            for b in occurrences[(i + 1)...] where b.key == a.key {
                out.append("line \(b.line): mapping key \(goQuote(a.key)) already defined at line \(a.line)")
            }
        }
        return out
    }

    /// Go's decoders read the first YAML document only; Yams insists on a single one.
    static func firstDocument(_ text: String) -> String {
        guard text.contains("---") || text.contains("...") else { return text }
        guard let docs = try? Yams.compose_all(yaml: text) else { return text }
        var marks: [Int] = []
        for d in docs {
            marks.append(d.mark?.line ?? 0)
            if marks.count == 2 { break }
        }
        guard marks.count == 2 else { return text }
        // Cut at the last `---` / `...` marker line before the second document's content.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var cut: Int? = nil
        for i in max(0, marks[0])..<min(max(0, marks[1] - 1), lines.count) {
            let l = lines[i]  // line i + 1
            if l == "---" || l.hasPrefix("--- ") || l == "..." || l.hasPrefix("... ") { cut = i; break }
        }
        guard let cut else { return text }
        return lines[..<cut].joined(separator: "\n") + "\n"
    }

    /// The error of the lenient second decode (`yaml.Unmarshal(content, &ruleGroups{})`), if any.
    static func nodeDecodeErrors(_ root: Node) -> String? {
        var lines: [String] = []
        func typeError(_ n: Node, _ goType: String) {
            var value = ""
            if case .scalar(let s) = n {
                let v = s.string
                value = v.count > 10 ? " `" + v.prefix(7) + "...`" : " `" + v + "`"
            }
            lines.append("line \(StrictYAML.line(n)): cannot unmarshal \(StrictYAML.shortTag(n))\(value) into \(goType)")
        }
        switch root {
        case .mapping(let m):
            var seen: [String: Int] = [:]
            for (k, v) in m {
                let key = k.string ?? ""
                if let first = seen[key] {
                    lines.append("line \(StrictYAML.line(k)): mapping key \(goQuote(key)) already defined at line \(first)")
                    continue
                }
                seen[key] = StrictYAML.line(k)
                if key == "groups", !StrictYAML.isNull(v) {
                    if case .sequence = v {} else { typeError(v, "[]yaml.Node") }
                }
            }
        default:
            if StrictYAML.isNull(root) { return nil }
            typeError(root, "rulefmt.ruleGroups")
        }
        return lines.isEmpty ? nil : "yaml: unmarshal errors:\n" + lines.map { "  " + $0 }.joined(separator: "\n")
    }

    /// `checkDuplicates`: rules compared on (name, labels), expr ignored; nil when there are none.
    static func duplicateMessage(_ rf: RuleFile) -> String? {
        struct Key { var metric: [UInt8]; var name: String; var labels: [(String, String)] }
        func cmp(_ a: Key, _ b: Key) -> Int {
            if a.metric != b.metric { return a.metric.lexicographicallyPrecedes(b.metric) ? -1 : 1 }
            for i in 0..<min(a.labels.count, b.labels.count) {
                let (an, av) = a.labels[i], (bn, bv) = b.labels[i]
                if an != bn { return Array(an.utf8).lexicographicallyPrecedes(Array(bn.utf8)) ? -1 : 1 }
                if av != bv { return Array(av.utf8).lexicographicallyPrecedes(Array(bv.utf8)) ? -1 : 1 }
            }
            return a.labels.count - b.labels.count
        }
        var rules: [Key] = []
        for g in rf.groups {
            for r in g.rules {
                let labels = r.labels.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }.map { ($0.key, $0.value) }
                rules.append(Key(metric: Array(r.name.utf8), name: r.name, labels: labels))
            }
        }
        guard rules.count >= 2 else { return nil }
        rules.sort { cmp($0, $1) < 0 }
        var dups: [Key] = []
        var last = rules[0]
        for r in rules.dropFirst() {
            if cmp(last, r) == 0, dups.isEmpty || cmp(last, dups[dups.count - 1]) != 0 { dups.append(r) }
            last = r
        }
        guard !dups.isEmpty else { return nil }
        var msg = "lint error \(dups.count) duplicate rule(s) found.\n"
        for d in dups {
            msg += "Metric: \(d.name)\nLabel(s):\n"
            for (k, v) in d.labels { msg += "\t\(k): \(v)\n" }
        }
        return msg + "Might cause inconsistency while recording expressions"
    }
}

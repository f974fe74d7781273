import Foundation
import Model

/// `promtool test rules`: runs unit-test files and reports like promtool 2.42.
public enum RulesUnitTest {
    public enum Stream: Sendable { case stdout, stderr }

    /// Runs `files` in order, writing each line (without its newline) to `write`;
    /// returns the exit code: 0 if every file passed, 1 otherwise.
    public static func run(files: [String], write: (Stream, String) -> Void) -> Int32 {
        var failed = false
        for f in files {
            write(.stdout, "Unit Testing:  \(f)")
            let errors = runFile(f, warn: { write(.stderr, $0) })
            if errors.isEmpty {
                write(.stdout, "  SUCCESS")
            } else {
                write(.stderr, "  FAILED:")
                for e in errors {
                    write(.stderr, e)
                    write(.stdout, "")
                }
                failed = true
            }
            write(.stdout, "")
        }
        return failed ? 1 : 0
    }

    /// All error messages of one file; empty = success.
    public static func runFile(_ path: String, warn: (String) -> Void) -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            return ["open \(path): no such file or directory"]
        }
        let file: UnitTestFile
        do { file = try UnitTestFile.decode(String(decoding: data, as: UTF8.self)) } catch {
            return ["\(error)"]
        }
        let ruleFiles = resolveRuleFiles(file.ruleFiles, baseDir: GoText.dir(path), warn: warn)
        let interval = file.evaluationInterval == 0 ? 60_000 : file.evaluationInterval
        var order: [String: Int] = [:]
        for (i, name) in file.groupEvalOrder.enumerated() {
            if order[name] != nil { return ["group name repeated in evaluation order: \(name)"] }
            order[name] = i
        }
        var errors: [String] = []
        for g in file.tests {
            errors += TestGroupRunner(group: g, evaluationInterval: interval, groupOrder: order, ruleFiles: ruleFiles).run()
        }
        return errors
    }

    /// Joins relative patterns to the test file's directory and globs them (Go `filepath.Glob`, sorted).
    static func resolveRuleFiles(_ patterns: [String], baseDir: String, warn: (String) -> Void) -> [String] {
        var out: [String] = []
        for p in patterns {
            let full = (p.isEmpty || p.hasPrefix("/")) ? p : GoText.cleanPath(baseDir + "/" + p)
            let matches = glob(full)
            if matches.isEmpty { warn("  WARNING: no file match pattern \(full)") }
            out += matches
        }
        return out
    }

    static func glob(_ pattern: String) -> [String] {
        var g = glob_t()
        defer { globfree(&g) }
        guard Glibc.glob(pattern, 0, nil, &g) == 0 else { return [] }
        return (0..<Int(g.gl_pathc)).compactMap { g.gl_pathv[$0].map { String(cString: $0) } }
    }
}

import Engine
import Foundation
import Glibc

/// `--compare-rules`: replays one recording with the current and with older rule files.
///
/// A group's evaluation slots are offset by a hash of its file path (as in Prometheus), so
/// the same rules loaded from two directories would evaluate at different times and every
/// alert would differ by seconds. Both rule sets are therefore copied, by file name, into one
/// staging directory in turn: groups that did not change keep identical slots, and the diff
/// shows only what the rule change does.
public enum RuleComparison {
    public struct Outcome: Sendable {
        public var old: DryRunResult
        public var new: DryRunResult
    }

    /// `oldRules` is a directory (its `*.yml`/`*.yaml`) or a glob.
    public static func run(_ recording: Recording, options: DryRunOptions, oldRules: String) async throws -> Outcome {
        let configured = try options.ruleFiles ?? PrometheusConfig.load(path: options.prometheusConfig).ruleFiles
        let current = expand(configured)
        var isDir: ObjCBool = false
        let oldPatterns = FileManager.default.fileExists(atPath: oldRules, isDirectory: &isDir) && isDir.boolValue
            ? [oldRules + "/*.yml", oldRules + "/*.yaml"] : [oldRules]
        let old = expand(oldPatterns)
        guard !old.isEmpty else { throw Recording.LoadError(description: "--compare-rules \(oldRules): no rule files") }
        let staging = NSTemporaryDirectory() + "klaxon-compare-rules-\(getpid())-\(UInt32.random(in: 0...UInt32.max))/rules"
        defer { try? FileManager.default.removeItem(atPath: (staging as NSString).deletingLastPathComponent) }
        func stage(_ files: [String]) throws {
            try? FileManager.default.removeItem(atPath: staging)
            try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
            var used: Set<String> = []
            for f in files {
                var name = (f as NSString).lastPathComponent
                var n = 2
                while used.contains(name) { name = "\(n)-" + (f as NSString).lastPathComponent; n += 1 }
                used.insert(name)
                try FileManager.default.copyItem(atPath: f, toPath: staging + "/" + name)
            }
        }
        var o = options
        o.ruleFiles = [staging + "/*"]
        try stage(current)
        let newResult = try await DryRunner.run(recording, options: o)
        try stage(old)
        let oldResult = try await DryRunner.run(recording, options: o)
        return Outcome(old: oldResult, new: newResult)
    }

    static func expand(_ patterns: [String]) -> [String] {
        var out: [String] = []
        var seen: Set<String> = []
        for p in patterns {
            var g = glob_t()
            defer { globfree(&g) }
            guard glob(p, 0, nil, &g) == 0 else { continue }
            var matches: [String] = []
            for i in 0..<Int(g.gl_pathc) { if let s = g.gl_pathv[i] { matches.append(String(cString: s)) } }
            for m in matches.sorted() where seen.insert(m).inserted { out.append(m) }
        }
        return out
    }
}

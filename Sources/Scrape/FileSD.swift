import ConfigYAML
import Foundation

/// file_sd files: a JSON or YAML list of `{targets: [...], labels: {...}}`.
public enum FileSD {
    public static func read(_ path: String) throws -> [TargetGroup] {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file or directory"
            throw ScrapeConfigError("open \(path): \(reason)")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw ScrapeConfigError("\(path): not valid UTF-8") }
        guard let root = try StrictYAML.compose(text) else { return [] }
        var y = StrictYAML(typePrefix: "targetgroup")
        var out: [TargetGroup] = []
        for (i, n) in y.sequence(root, of: "Group").enumerated() {
            out.append(try ScrapeConfig.targetGroup(n, source: "\(path):\(i)", &y))
        }
        try y.finish()
        return out.map { g in var g = g; g.source = path; return g }
    }

    /// The files a pattern names now. A plain path that does not exist names nothing, as
    /// Go's `filepath.Glob`: a deleted file's targets go away without an error.
    static func files(_ pattern: String) -> [String] {
        guard pattern.contains("*") || pattern.contains("?") || pattern.contains("[") else {
            return FileManager.default.fileExists(atPath: pattern) ? [pattern] : []
        }
        return expandGlob(pattern)
    }

    static func modified(_ path: String) -> Date? {
        try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
    }
}

/// What file discovery remembers between reads: the last good groups of each file, and when
/// each file_sd config was last re-read in full (its `refresh_interval`).
struct FileSDState {
    struct Entry {
        /// The modification time when last read (successfully or not).
        var modified: Date?
        var groups: [TargetGroup]
    }

    var files: [String: Entry] = [:]
    /// ms of the last full re-read, by `key(job:index:)`.
    var refreshedAt: [String: Int64] = [:]

    static func key(job: String, index: Int) -> String { "\(job)/\(index)" }

    /// The keys of the file_sd configs whose `refresh_interval` has passed (or that were never read).
    func due(_ configs: [ScrapeConfig], now: Int64) -> Set<String> {
        var out = Set<String>()
        for c in configs {
            for (i, sd) in c.fileSDConfigs.enumerated() {
                let k = Self.key(job: c.jobName, index: i)
                if let t = refreshedAt[k], now - t < sd.refreshInterval { continue }
                out.insert(k)
            }
        }
        return out
    }

    /// The groups of one file_sd config. A file is read when it is new, its mtime changed, or
    /// `force` (a full refresh). A file that cannot be read or parsed keeps its last good groups,
    /// as in Prometheus, and the error is reported with the file name.
    mutating func groups(_ sd: FileSDConfig, force: Bool, report: (String) -> Void) -> [TargetGroup] {
        var out: [TargetGroup] = []
        for pattern in sd.files {
            for f in FileSD.files(pattern) {
                let m = FileSD.modified(f)
                if !force, let e = files[f], e.modified == m {
                    out += e.groups
                    continue
                }
                var entry = files[f] ?? Entry(modified: m, groups: [])
                entry.modified = m
                do {
                    entry.groups = try FileSD.read(f)
                } catch {
                    let kept = entry.groups.reduce(0) { $0 + $1.targets.count }
                    report("Error reading file_sd file \"\(f)\" (keeping its last \(kept) targets): \(error)")
                }
                files[f] = entry
                out += entry.groups
            }
        }
        return out
    }

    /// Forgets files no pattern of `configs` names any more.
    mutating func keepOnly(_ configs: [ScrapeConfig]) {
        let named = Set(configs.flatMap { $0.fileSDConfigs.flatMap { $0.files.flatMap(FileSD.files) } })
        files = files.filter { named.contains($0.key) }
    }
}

func expandGlob(_ pattern: String) -> [String] {
    guard pattern.contains("*") || pattern.contains("?") || pattern.contains("[") else { return [pattern] }
    var g = glob_t()
    defer { globfree(&g) }
    guard glob(pattern, 0, nil, &g) == 0 else { return [] }
    return (0..<Int(g.gl_pathc)).compactMap { g.gl_pathv[$0].map { String(cString: $0) } }
}

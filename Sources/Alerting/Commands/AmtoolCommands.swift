import Foundation

/// What a command prints and its exit status; the CLI writes it out unchanged.
public struct CommandOutput: Sendable, Equatable, CustomStringConvertible {
    public var stdout = ""
    public var stderr = ""
    public var exitCode: Int32 = 0
    public init(stdout: String = "", stderr: String = "", exitCode: Int32 = 0) {
        self.stdout = stdout
        self.stderr = stderr
        self.exitCode = exitCode
    }
    public var description: String { "exit \(exitCode)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
}

/// `klaxon check config FILE...`: the output of `amtool check-config` (Alertmanager 0.25 `cli/check_config.go`).
///
/// Deliberate difference: a failure names the position, `FAILED: f.yml:12:9: undefined receiver "x" used in route`
/// where amtool prints only the message, and every problem in the file is listed, not only the first.
public enum ConfigCheck {
    public static func run(files: [String]) -> CommandOutput {
        var out = CommandOutput()
        var failed = 0
        for file in files {
            out.stdout += "Checking '\(file)'"
            do {
                let cfg = try AlertmanagerConfig.load(file: file)
                out.stdout += "  SUCCESS\n"
                out.stdout += "Found:\n - global config\n - route\n"
                out.stdout += " - \(cfg.inhibitRules.count) inhibit rules\n"
                out.stdout += " - \(cfg.receivers.count) receivers\n"
                out.stdout += " - \(cfg.templates.count) templates\n"
                if !cfg.templates.isEmpty {
                    if let problem = checkTemplates(cfg.templates) {
                        out.stdout += "  FAILED: \(problem)\n"
                        failed += 1
                    } else {
                        out.stdout += "  SUCCESS\n"
                    }
                }
            } catch {
                out.stdout += "  FAILED: \(error)\n"
                failed += 1
            }
            out.stdout += "\n"
        }
        if failed > 0 {
            out.stderr = "klaxon: error: failed to validate \(failed) file(s)\n\n"
            out.exitCode = 1
        }
        return out
    }

    /// Every file a template glob matches must be readable. (Parsing them waits for the Templates target.)
    static func checkTemplates(_ globs: [String]) -> String? {
        for pattern in globs {
            for path in expand(pattern) where FileManager.default.contents(atPath: path) == nil {
                return "open \(path): permission denied"
            }
        }
        return nil
    }

    static func expand(_ pattern: String) -> [String] {
        var g = glob_t()
        defer { globfree(&g) }
        guard glob(pattern, 0, nil, &g) == 0 else { return [] }
        return (0..<Int(g.gl_pathc)).compactMap { g.gl_pathv[$0].map { String(cString: $0) } }
    }
}

/// `klaxon routes test` / `klaxon routes show`: `amtool config routes test|show --config.file`
/// (Alertmanager 0.25 `cli/test_routing.go`, `cli/routing.go`), byte for byte on stdout.
public enum RoutesCommand {
    /// The tree as `amtool config routes show` prints it.
    public static func show(configFile: String) -> CommandOutput {
        do {
            let cfg = try AlertmanagerConfig.load(file: configFile)
            return CommandOutput(stdout: RouteTreePrinter.routingTree(Route(root: cfg.route)))
        } catch {
            return CommandOutput(stderr: "klaxon: error: \(error)\n", exitCode: 1)
        }
    }

    /// Routes `labels` (`name=value` arguments; a later name wins) and prints the receivers comma-joined
    /// in match order, duplicates kept. With `verifyReceivers`, a different list prints a warning and exits 1.
    public static func test(configFile: String, labels args: [String], tree: Bool, verifyReceivers: String?) -> CommandOutput {
        let cfg: AlertmanagerConfig
        do {
            cfg = try AlertmanagerConfig.load(file: configFile)
        } catch {
            return CommandOutput(stderr: "klaxon: error: \(error)\n\n", exitCode: 1)
        }
        let labels: [String: String]
        switch parseLabels(args) {
        case .success(let l): labels = l
        case .failure(let e): return CommandOutput(stderr: "klaxon: error: Failed to parse labels: \(e.message)\n\n", exitCode: 1)
        }
        let root = Route(root: cfg.route)
        var out = CommandOutput()
        if tree { out.stdout += RouteTreePrinter.matchingTree(root, labels: labels) }
        let slug = receivers(root, labels).joined(separator: ",")
        out.stdout += slug + "\n"
        if let want = verifyReceivers, !want.isEmpty, want != slug {
            out.stdout += "WARNING: Expected receivers did not match resolved receivers.\n"
            out.exitCode = 1
        }
        return out
    }

    /// Receiver names of the matching routes, in order (`resolveAlertReceivers`).
    public static func receivers(_ root: Route, _ labels: [String: String]) -> [String] {
        root.match(labels).map(\.options.receiver)
    }

    public struct LabelError: Error { public var message: String }

    /// Each argument is one matcher (`ParseMatcher`, so `a=b,c=d` is `a` = `b,c=d`); only `=` is allowed.
    public static func parseLabels(_ args: [String]) -> Result<[String: String], LabelError> {
        var labels: [String: String] = [:]
        for a in args {
            do {
                let m = try MatcherParser.parseMatcher(a)
                guard m.kind == .equal else { return .failure(LabelError(message: "labels must be specified as key=value pairs")) }
                labels[m.name] = m.value
            } catch {
                return .failure(LabelError(message: error.description))
            }
        }
        return .success(labels)
    }
}

import Foundation
import Model
import Logging
import Synchronization

/// Formats key=value pairs as logfmt, quoting values that need it.
public enum Logfmt {
    public static func format(_ fields: [(String, String)]) -> String {
        fields.map { "\($0.0)=\(value($0.1))" }.joined(separator: " ")
    }

    static func value(_ v: String) -> String {
        let needsQuotes = v.isEmpty || v.contains { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "\\" || $0.asciiValue.map { $0 < 0x20 } ?? false }
        guard needsQuotes else { return v }
        var out = "\""
        for c in v.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }
}

/// Serialises whole lines to standard error.
public enum LogOutput {
    static let lock = Mutex(())
    public static func writeLine(_ s: String) {
        lock.withLock { _ in FileHandle.standardError.write(Data((s + "\n").utf8)) }
    }
}

/// A swift-log handler writing `--log.format` logfmt or JSON lines to standard error, as
/// Prometheus' go-kit logger does: `ts=… caller=… level=info component=… msg="…" key=value`.
public struct KlaxonLogHandler: LogHandler {
    public enum Format: String, Sendable { case logfmt, json }

    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String
    let format: Format

    public init(label: String, format: Format, level: Logger.Level = .info) {
        self.label = label
        self.format = format
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let level = event.level, message = event.message, extra = event.metadata
        let ts = APIFormat.rfc3339(Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
        let lvl: String
        switch level {
        case .trace, .debug: lvl = "debug"
        case .info, .notice: lvl = "info"
        case .warning: lvl = "warn"
        case .error, .critical: lvl = "error"
        }
        var fields: [(String, String)] = [("ts", ts), ("level", lvl), ("component", label), ("msg", message.description)]
        let all = metadata.merging(extra ?? [:]) { $1 }
        for k in all.keys.sorted() { fields.append((k, "\(all[k]!)")) }
        LogOutput.writeLine(format.line(fields))
    }
}

extension KlaxonLogHandler.Format {
    /// One log line of `fields`, in order: logfmt pairs or a flat JSON object of strings.
    public func line(_ fields: [(String, String)]) -> String {
        switch self {
        case .logfmt: Logfmt.format(fields)
        case .json: "{" + fields.map { JSONWriter.quote($0.0) + ":" + JSONWriter.quote($0.1) }.joined(separator: ",") + "}"
        }
    }
}

/// The wall clock, in ms since the epoch.
public struct WallClock: Model.Clock {
    public init() {}
    public func now() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }
}

/// The text formats a `/metrics` page or a recording can be in.
public enum ExpositionFormat: Sendable {
    /// Prometheus text format 0.0.4: timestamps in integer ms, no `# EOF`.
    case prometheusText
    /// OpenMetrics 1.0 text: timestamps in float seconds, must end with `# EOF`.
    case openMetrics

    /// Picks the parser from a response's Content-Type, as Prometheus does.
    public init(contentType: String?) {
        if let c = contentType?.lowercased(), c.hasPrefix("application/openmetrics-text") {
            self = .openMetrics
        } else {
            self = .prometheusText
        }
    }
}

/// A metric family's metadata from `# TYPE`, `# HELP` and `# UNIT`.
public struct MetricMetadata: Sendable, Equatable {
    public var type: String = "unknown"
    public var help: String = ""
    public var unit: String = ""
    public init() {}
}

/// One sample line.
public struct ParsedSample: Sendable, Equatable {
    public var labels: [Label]
    public var value: Double
    /// Milliseconds, when the line carried a timestamp.
    public var timestamp: Int64?
    /// The line it came from (1-based; 0 when built in code). Not part of equality.
    public var line = 0

    public init(labels: [Label], value: Double, timestamp: Int64?, line: Int = 0) {
        self.labels = labels
        self.value = value
        self.timestamp = timestamp
        self.line = line
    }

    public static func == (a: ParsedSample, b: ParsedSample) -> Bool {
        a.labels == b.labels && a.value.bitPattern == b.value.bitPattern && a.timestamp == b.timestamp
    }
}

/// What a page held.
public struct ParsedPage: Sendable, Equatable {
    public var samples: [ParsedSample] = []
    /// Keyed by family name.
    public var metadata: [String: MetricMetadata] = [:]
    public init() {}
}

/// A malformed page: where, and what was expected.
public struct ExpositionError: Error, Equatable, CustomStringConvertible, Sendable {
    public var line: Int
    public var column: Int
    public var message: String
    public var description: String { "line \(line), column \(column): \(message)" }
}

import Model

/// A configuration value that must never be printed: it describes itself as `<secret>`,
/// as Alertmanager's `config.Secret` marshals.
public struct Secret: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The real value, for the code that sends it.
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "<secret>" }
    public var debugDescription: String { "<secret>" }
    public var isEmpty: Bool { value.isEmpty }
}

/// A URL that must never be printed (Slack webhook URLs carry their token).
/// The placeholder `<secret>` is accepted when decoding, as Alertmanager does.
public struct SecretURL: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "<secret>" }
    public var debugDescription: String { "<secret>" }
}

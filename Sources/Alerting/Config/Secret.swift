import Model

/// A URL that must never be printed (Slack webhook URLs carry their token).
/// The placeholder `<secret>` is accepted when decoding, as Alertmanager does.
public struct SecretURL: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "<secret>" }
    public var debugDescription: String { "<secret>" }
}

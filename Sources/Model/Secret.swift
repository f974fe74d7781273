/// A string that must never reach logs, errors or printed configuration: a password, a
/// bearer token, an API key. It prints as `<secret>` (as Prometheus' `config.Secret` does)
/// from `description`, `debugDescription`, `dump` and string interpolation; only `revealed`
/// gives the value, and only the code that sends it should read that.
///
/// Encoding writes `<secret>`, as Prometheus marshals a loaded config; decoding reads the
/// real value.
public struct Secret: Sendable, Hashable, Codable, ExpressibleByStringLiteral,
    CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable
{
    /// The secret value itself. Read it only where it is sent.
    public let revealed: String

    public init(_ value: String) { self.revealed = value }
    public init(stringLiteral value: String) { self.revealed = value }

    /// `true` when the secret holds no characters (an unset password).
    public var isEmpty: Bool { revealed.isEmpty }

    public var description: String { "<secret>" }
    public var debugDescription: String { "<secret>" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }

    public init(from decoder: any Decoder) throws {
        self.revealed = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode("<secret>")
    }
}

/// `url` with the password of its user information replaced by `xxxxx`, as Go's
/// `url.URL.Redacted` prints it and so as Prometheus names targets in errors:
/// `https://user:secret@host/x` → `https://user:xxxxx@host/x`. A URL without a password is
/// returned unchanged; so is text that is not a URL with an authority (`scheme://`).
public func redactedURL(_ url: String) -> String {
    guard let schemeEnd = url.range(of: "://") else { return url }
    let authorityStart = schemeEnd.upperBound
    let rest = url[authorityStart...]
    let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? url.endIndex
    let authority = url[authorityStart..<authorityEnd]
    guard let at = authority.lastIndex(of: "@") else { return url }
    let userInfo = authority[..<at]
    guard let colon = userInfo.firstIndex(of: ":") else { return url }
    return String(url[..<url.index(after: colon)]) + "xxxxx" + String(url[at...])
}

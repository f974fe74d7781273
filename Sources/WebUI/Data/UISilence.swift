import Model

/// A silence matcher: `name op "value"` with Alertmanager's four operators.
public struct UIMatcher: Sendable, Equatable {
    public typealias Kind = LabelMatcher.Kind
    public var name: String
    public var kind: Kind
    public var value: String

    public init(name: String, kind: Kind, value: String) {
        self.name = name
        self.kind = kind
        self.value = value
    }

    /// `name="value"` (the value quoted as Go does).
    public var text: String { name + kind.rawValue + goQuote(value) }
}

/// A stored silence, for the Silences page.
public struct UISilence: Sendable, Equatable {
    public enum State: String, Sendable { case active, pending, expired }

    public var id: String
    public var matchers: [UIMatcher]
    /// ms since the epoch.
    public var startsAt: Int64
    public var endsAt: Int64
    public var updatedAt: Int64
    public var createdBy: String
    public var comment: String
    public var state: State

    public init(id: String, matchers: [UIMatcher], startsAt: Int64, endsAt: Int64, updatedAt: Int64,
                createdBy: String, comment: String, state: State) {
        self.id = id
        self.matchers = matchers
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.updatedAt = updatedAt
        self.createdBy = createdBy
        self.comment = comment
        self.state = state
    }
}

/// A silence to create, from the form.
public struct UISilenceDraft: Sendable, Equatable {
    public var matchers: [UIMatcher]
    /// ms since the epoch.
    public var startsAt: Int64
    public var endsAt: Int64
    public var createdBy: String
    public var comment: String

    public init(matchers: [UIMatcher], startsAt: Int64, endsAt: Int64, createdBy: String, comment: String) {
        self.matchers = matchers
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.createdBy = createdBy
        self.comment = comment
    }
}

/// Why a silence action failed, in words for the page (`silence not found`, a bad regex).
public struct UIActionError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable { case invalid, notFound, unavailable }
    public var kind: Kind
    public var message: String
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
    public var description: String { message }
}

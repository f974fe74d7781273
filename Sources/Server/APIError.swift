/// An API error with Prometheus' `errorType` and HTTP status (`web/api/v1/api.go`: `returnAPIError`).
public struct APIError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case badData = "bad_data"
        case execution
        case timeout
        case canceled
        case `internal`
        case unavailable
        case notFound = "not_found"

        /// The status Prometheus answers with.
        public var httpStatus: Int {
            switch self {
            case .badData: return 400
            case .execution: return 422
            case .canceled: return 499
            case .timeout, .unavailable: return 503
            case .internal: return 500
            case .notFound: return 404
            }
        }
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// `invalid parameter "name": <message>`, as Prometheus wraps bad parameters.
    public static func invalidParameter(_ name: String, _ message: String) -> APIError {
        APIError(.badData, "invalid parameter \"\(name)\": \(message)")
    }

    public var description: String { "\(kind.rawValue): \(message)" }
}

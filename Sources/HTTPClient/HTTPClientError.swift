/// Why a transfer failed. Every case names the URL, always with its password redacted
/// (`https://user:xxxxx@host/`), so an error can be logged or shown as it is.
public enum HTTPClientError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Nothing accepted the TCP connection (refused, or the host was unreachable).
    case connectionRefused(url: String, detail: String)
    /// The host name (or the proxy's) did not resolve.
    case dns(url: String, detail: String)
    /// The TLS handshake or the certificate check failed, or the server would not start TLS
    /// when it was required.
    case tls(url: String, detail: String)
    /// The transfer did not finish within the request's timeout.
    case timeout(url: String, after: Duration)
    /// A non-2xx status, from `HTTPResponse.requireSuccess(url:)`; `execute` never throws it.
    case httpStatus(url: String, status: Int, bodyPrefix: String)
    /// The response body grew past the request's `maxResponseBytes`; the transfer was cut.
    case bodyTooLarge(url: String, limit: Int)
    /// The request could not be made as configured: a secret file could not be read, the
    /// URL is malformed, a protocol is not allowed.
    case invalidRequest(url: String, reason: String)
    /// The client was shut down before the transfer finished.
    case shutdown(url: String)
    /// Any other curl failure, with curl's code (`CURLcode`) and message.
    case other(url: String, code: Int, message: String)

    /// The redacted URL the error is about.
    public var url: String {
        switch self {
        case .connectionRefused(let url, _), .dns(let url, _), .tls(let url, _),
             .timeout(let url, _), .httpStatus(let url, _, _), .bodyTooLarge(let url, _),
             .invalidRequest(let url, _), .shutdown(let url), .other(let url, _, _):
            return url
        }
    }

    public var description: String {
        switch self {
        case .connectionRefused(let url, let detail):
            return "\(quoted(url)): connection refused\(suffix(detail))"
        case .dns(let url, let detail):
            return "\(quoted(url)): could not resolve host\(suffix(detail))"
        case .tls(let url, let detail):
            return "\(quoted(url)): TLS error\(suffix(detail))"
        case .timeout(let url, let after):
            return "\(quoted(url)): timed out after \(formatDuration(after))"
        case .httpStatus(let url, let status, let bodyPrefix):
            let body = bodyPrefix.isEmpty ? "" : ": \(bodyPrefix)"
            return "\(quoted(url)): server returned HTTP status \(status)\(body)"
        case .bodyTooLarge(let url, let limit):
            return "\(quoted(url)): response body exceeded the limit of \(limit) bytes"
        case .invalidRequest(let url, let reason):
            return "\(quoted(url)): \(reason)"
        case .shutdown(let url):
            return "\(quoted(url)): HTTP client shut down"
        case .other(let url, let code, let message):
            return "\(quoted(url)): curl error \(code): \(message)"
        }
    }
}

private func quoted(_ url: String) -> String { "\"\(url)\"" }

private func suffix(_ detail: String) -> String { detail.isEmpty ? "" : " (\(detail))" }

/// `300ms`, `1500ms`, `10s`: whole seconds as seconds, anything else in milliseconds.
func formatDuration(_ d: Duration) -> String {
    let ms = d.milliseconds
    return ms != 0 && ms % 1000 == 0 ? "\(ms / 1000)s" : "\(ms)ms"
}

extension Duration {
    /// The duration in whole milliseconds, rounded down.
    var milliseconds: Int64 {
        let (s, atto) = components
        return s * 1000 + atto / 1_000_000_000_000_000
    }
}

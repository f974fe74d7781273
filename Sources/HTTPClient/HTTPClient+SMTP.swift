import Model

/// An email message as it goes over SMTP: header fields, a blank line, the body.
public struct SMTPMessage: Sendable {
    /// The message bytes, lines ending in CRLF. curl escapes lines that start with a dot.
    public var data: [UInt8]

    /// A message already in RFC 5322 form (a MIME message built elsewhere, for instance).
    public init(raw: [UInt8]) { self.data = raw }

    /// A message of `headers` (`Subject`, `From`, `To`, `Content-Type`, in this order) and a
    /// text `body`; bare `\n` line ends become CRLF.
    public init(headers: [(String, String)], body: String) {
        var text = ""
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        text += "\r\n"
        text += body.replacingCRLF()
        if !text.hasSuffix("\r\n") { text += "\r\n" }
        self.data = Array(text.utf8)
    }
}

/// SMTP authentication (Alertmanager's `auth_username`/`auth_password`). curl picks the
/// mechanism from those the server offers (PLAIN, LOGIN, CRAM-MD5, …).
public struct SMTPAuth: Sendable, Hashable {
    public var username: String
    public var password: Secret

    public init(username: String, password: Secret) {
        self.username = username
        self.password = password
    }
}

/// One mail transfer, as the driver thread needs it.
struct MailJob: Sendable {
    var url: String
    var from: String
    var to: [String]
    var message: [UInt8]
    var auth: SMTPAuth?
    var requireTLS: Bool
    var tls: TLSConfig
    var timeout: Duration
}

extension HTTPClient {
    /// Sends `mail` through `smarthost` (`host:port`, as Alertmanager's `smarthost`) on this
    /// client's driver thread. Port 465 speaks TLS from the start (SMTPS); other ports use
    /// STARTTLS when the server offers it, and fail with `.tls` when `requireTLS` is set and
    /// it does not. `helo` is the name given in EHLO. Errors name `smtp://host:port/helo`.
    public func sendMail(
        _ mail: SMTPMessage,
        smarthost: String,
        from: String,
        to: [String],
        auth: SMTPAuth? = nil,
        requireTLS: Bool = true,
        helo: String = "localhost",
        tls: TLSConfig = TLSConfig(),
        timeout: Duration = .seconds(30)
    ) async throws {
        let scheme = smarthost.hasSuffix(":465") ? "smtps" : "smtp"
        let url = "\(scheme)://\(smarthost)/\(helo)"
        guard !to.isEmpty else {
            throw HTTPClientError.invalidRequest(url: "\(scheme)://\(smarthost)", reason: "no recipients")
        }
        let job = MailJob(
            url: url, from: from, to: to, message: mail.data, auth: auth,
            requireTLS: requireTLS, tls: tls, timeout: timeout)
        _ = try await run(Transfer(job: .mail(job)))
    }
}

extension String {
    /// `\n` and `\r\n` line ends as `\r\n`.
    fileprivate func replacingCRLF() -> String {
        var out = ""
        out.reserveCapacity(utf8.count)
        var previous: Character = " "
        for c in self {
            if c == "\n" && previous != "\r" { out += "\r\n" } else { out.append(c) }
            previous = c
        }
        return out
    }
}

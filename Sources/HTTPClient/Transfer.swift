import CCurl
import Foundation
import Model
import Synchronization

/// What a finished transfer hands back: the last response's status (an SMTP reply code for
/// mail), headers and body.
struct TransferResult: Sendable {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]
}

/// One transfer from submission to completion.
///
/// Threading: the submitting task sets `continuation` before handing the transfer to the
/// driver (the driver's lock orders the two). From then on every other mutable field is
/// touched only by the driver thread, inside curl's callbacks or the driver loop; only
/// `isCancelled` is shared, and it is atomic. The driver resumes `continuation` exactly once.
final class Transfer: @unchecked Sendable {
    enum Job: Sendable {
        case http(HTTPRequest, HTTPClientConfig)
        case mail(MailJob)
    }

    let job: Job
    /// The URL as errors print it, password redacted.
    let redacted: String
    /// Set by the submitter before `CurlDriver.submit`; resumed once by the driver thread.
    var continuation: CheckedContinuation<TransferResult, any Error>?
    /// Set by the task's cancellation handler, from any thread.
    let isCancelled = Atomic<Bool>(false)

    // Driver thread only, from `start` to `cleanUp`.
    /// The easy handle; `nil` before `start` and after `cleanUp`.
    private(set) var easy: UnsafeMutableRawPointer?
    private var lists: [UnsafeMutablePointer<curl_slist>] = []
    private var errorBuffer: UnsafeMutablePointer<CChar>?
    /// The response body so far (decoded).
    var body: [UInt8] = []
    /// The current response's headers, names lower-cased; reset at each status line.
    var headers: [(String, String)] = []
    /// The body limit in bytes; `nil` means none.
    var limit: Int?
    /// Set by the write callback when `limit` was exceeded and it refused the data.
    var exceededLimit = false
    /// What the read callback uploads (the mail message), and how much it has sent.
    var upload: [UInt8] = []
    var uploadOffset = 0

    init(job: Job) {
        self.job = job
        switch job {
        case .http(let request, _): redacted = redactedURL(request.url)
        case .mail(let mail): redacted = redactedURL(mail.url)
        }
    }

    deinit { cleanUp() }

    // MARK: - Setting up (driver thread)

    /// Creates and configures the easy handle. Throws `HTTPClientError` for a request that
    /// cannot be made (an unreadable secret file, a rejected option).
    func start() throws(HTTPClientError) {
        guard let h = curl_easy_init() else {
            throw .other(url: redacted, code: -1, message: "curl_easy_init failed")
        }
        easy = h
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(KLX_CURL_ERROR_SIZE))
        buffer[0] = 0
        errorBuffer = buffer
        try set(CURLOPT_ERRORBUFFER, pointer: buffer)
        try set(CURLOPT_NOSIGNAL, 1)
        let me = Unmanaged.passUnretained(self).toOpaque()
        try set(CURLOPT_WRITEDATA, pointer: me)
        try setFunction(CURLOPT_WRITEFUNCTION) { data, size, count, user in
            let t = Unmanaged<Transfer>.fromOpaque(user!).takeUnretainedValue()
            return t.received(UnsafeRawBufferPointer(start: data, count: size * count))
        }
        switch job {
        case .http(let request, let config): try configureHTTP(request, config)
        case .mail(let mail): try configureMail(mail)
        }
    }

    private func configureHTTP(_ request: HTTPRequest, _ config: HTTPClientConfig) throws(HTTPClientError) {
        limit = request.maxResponseBytes
        var url = request.url
        var headerLines: [String] = []
        try set(CURLOPT_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        if let serverName = config.tls.serverName, !serverName.isEmpty {
            let rewrite = try redirect(url: url, toServerName: serverName)
            url = rewrite.url
            if let connectTo = rewrite.connectTo { try appendList(CURLOPT_CONNECT_TO, [connectTo]) }
            if let host = rewrite.hostHeader { headerLines.append("Host: \(host)") }
        }
        try set(CURLOPT_URL, url)
        try configureTLS(config.tls)
        try set(CURLOPT_PROXY, config.proxyURL ?? "")
        try set(CURLOPT_FOLLOWLOCATION, config.followRedirects ? 1 : 0)
        try set(CURLOPT_MAXREDIRS, 10)
        if request.timeout > .zero {
            try set(CURLOPT_TIMEOUT_MS, Int(max(1, request.timeout.milliseconds)))
        }
        if request.acceptGzip { try set(CURLOPT_ACCEPT_ENCODING, "gzip") }

        switch request.method {
        case .get where request.body == nil: try set(CURLOPT_HTTPGET, 1)
        case .head: try set(CURLOPT_NOBODY, 1)
        case .post: try set(CURLOPT_POST, 1)
        default: try set(CURLOPT_CUSTOMREQUEST, request.method.rawValue)
        }
        if let body = request.body {
            // Size first: COPYPOSTFIELDS copies that many bytes, so the body may hold NULs.
            try set(CURLOPT_POSTFIELDSIZE_LARGE, offset: curl_off_t(body.count))
            if body.isEmpty {
                try set(CURLOPT_COPYPOSTFIELDS, "")  // a non-NULL pointer, zero bytes copied
            } else {
                try check(body.withUnsafeBytes { buf in
                    klx_easy_setopt_ptr(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: buf.baseAddress))
                })
            }
            if request.method == .get { try set(CURLOPT_CUSTOMREQUEST, "GET") }
            headerLines.append("Expect:")  // no 100-continue round trip
        }

        let names = Set(request.headers.map { $0.0.lowercased() })
        if !names.contains("user-agent") { headerLines.append("User-Agent: \(config.userAgent)") }
        if let basic = config.basicAuth {
            var password = basic.password.revealed
            if let file = basic.passwordFile { password = try readSecretFile(file, what: "basic_auth password_file") }
            try set(CURLOPT_HTTPAUTH, KLX_CURLAUTH_BASIC)
            try set(CURLOPT_USERNAME, basic.username)
            try set(CURLOPT_PASSWORD, password)
        } else if let token = config.bearerToken {
            headerLines.append("Authorization: \(config.authorizationType) \(token.revealed)")
        } else if let file = config.bearerTokenFile {
            let token = try readSecretFile(file, what: "bearer_token_file")
            headerLines.append("Authorization: \(config.authorizationType) \(token)")
        }
        for (name, value) in request.headers {
            // curl removes a header given as "Name:" and sends an empty one as "Name;".
            headerLines.append(value.isEmpty ? "\(name):" : "\(name): \(value)")
        }
        try appendList(CURLOPT_HTTPHEADER, headerLines)

        try set(CURLOPT_HEADERDATA, pointer: Unmanaged.passUnretained(self).toOpaque())
        try setFunction(CURLOPT_HEADERFUNCTION) { data, size, count, user in
            let t = Unmanaged<Transfer>.fromOpaque(user!).takeUnretainedValue()
            let n = size * count
            t.receivedHeader(UnsafeRawBufferPointer(start: data, count: n))
            return n
        }
    }

    private func configureMail(_ mail: MailJob) throws(HTTPClientError) {
        try set(CURLOPT_PROTOCOLS_STR, "smtp,smtps")
        var url = mail.url
        if let serverName = mail.tls.serverName, !serverName.isEmpty {
            let rewrite = try redirect(url: url, toServerName: serverName)
            url = rewrite.url
            if let connectTo = rewrite.connectTo { try appendList(CURLOPT_CONNECT_TO, [connectTo]) }
        }
        try set(CURLOPT_URL, url)
        try set(CURLOPT_PROXY, "")
        try configureTLS(mail.tls)
        try set(CURLOPT_USE_SSL, Int(mail.requireTLS ? CURLUSESSL_ALL.rawValue : CURLUSESSL_TRY.rawValue))
        if mail.timeout > .zero {
            try set(CURLOPT_TIMEOUT_MS, Int(max(1, mail.timeout.milliseconds)))
        }
        if let auth = mail.auth {
            try set(CURLOPT_USERNAME, auth.username)
            try set(CURLOPT_PASSWORD, auth.password.revealed)
        }
        try set(CURLOPT_MAIL_FROM, "<\(mail.from)>")
        try appendList(CURLOPT_MAIL_RCPT, mail.to.map { "<\($0)>" })
        upload = mail.message
        try set(CURLOPT_UPLOAD, 1)
        try set(CURLOPT_INFILESIZE_LARGE, offset: curl_off_t(upload.count))
        try set(CURLOPT_READDATA, pointer: Unmanaged.passUnretained(self).toOpaque())
        try setFunction(CURLOPT_READFUNCTION) { data, size, count, user in
            let t = Unmanaged<Transfer>.fromOpaque(user!).takeUnretainedValue()
            return t.read(into: UnsafeMutableRawBufferPointer(start: data, count: size * count))
        }
    }

    private func configureTLS(_ tls: TLSConfig) throws(HTTPClientError) {
        if let ca = tls.caFile { try set(CURLOPT_CAINFO, ca) }
        if let cert = tls.certFile { try set(CURLOPT_SSLCERT, cert) }
        if let key = tls.keyFile { try set(CURLOPT_SSLKEY, key) }
        if let v = tls.minVersion {
            let version: Int
            switch v {
            case "TLS10": version = Int(CURL_SSLVERSION_TLSv1_0)
            case "TLS11": version = Int(CURL_SSLVERSION_TLSv1_1)
            case "TLS12": version = Int(CURL_SSLVERSION_TLSv1_2)
            case "TLS13": version = Int(CURL_SSLVERSION_TLSv1_3)
            default: throw .invalidRequest(url: redacted, reason: "unknown TLS version: \(v)")
            }
            try set(CURLOPT_SSLVERSION, version)
        }
        if tls.insecureSkipVerify {
            try set(CURLOPT_SSL_VERIFYPEER, 0)
            try set(CURLOPT_SSL_VERIFYHOST, 0)
        }
    }

    /// curl has no option for the TLS name, so for `server_name` the URL's host becomes that
    /// name (curl then sends it in SNI and checks the certificate against it), `CONNECT_TO`
    /// sends the connection to the original host and port, and the `Host` header keeps
    /// naming the original host.
    private func redirect(url: String, toServerName serverName: String) throws(HTTPClientError)
        -> (url: String, connectTo: String?, hostHeader: String?)
    {
        guard let u = curl_url() else { throw .other(url: redacted, code: -1, message: "curl_url failed") }
        defer { curl_url_cleanup(u) }
        guard curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK else {
            throw .invalidRequest(url: redacted, reason: "malformed URL")
        }
        func get(_ part: CURLUPart, _ flags: Int32 = 0) -> String? {
            var out: UnsafeMutablePointer<CChar>?
            guard curl_url_get(u, part, &out, UInt32(flags)) == CURLUE_OK, let out else { return nil }
            defer { curl_free(out) }
            return String(cString: out)
        }
        guard let host = get(CURLUPART_HOST), let port = get(CURLUPART_PORT, CURLU_DEFAULT_PORT) else {
            throw .invalidRequest(url: redacted, reason: "URL has no host")
        }
        if host.lowercased() == serverName.lowercased() { return (url, nil, nil) }
        let explicitPort = get(CURLUPART_PORT)
        guard curl_url_set(u, CURLUPART_HOST, serverName, 0) == CURLUE_OK, let rewritten = get(CURLUPART_URL) else {
            throw .invalidRequest(url: redacted, reason: "invalid server_name \"\(serverName)\"")
        }
        let hostHeader = explicitPort.map { "\(host):\($0)" } ?? host
        return (rewritten, "\(serverName):\(port):\(host):\(port)", hostHeader)
    }

    private func readSecretFile(_ path: String, what: String) throws(HTTPClientError) -> String {
        do {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            throw .invalidRequest(url: redacted, reason: "unable to read \(what) \(path)")
        }
    }

    // MARK: - Callbacks (driver thread, inside curl_multi_perform)

    private func received(_ data: UnsafeRawBufferPointer) -> Int {
        if let limit, body.count + data.count > limit {
            exceededLimit = true
            return 0  // curl aborts with CURLE_WRITE_ERROR
        }
        body.append(contentsOf: data)
        return data.count
    }

    private func receivedHeader(_ data: UnsafeRawBufferPointer) {
        var end = data.count  // drop the CRLF (a Swift Character, so trim bytes)
        while end > 0, data[end - 1] == UInt8(ascii: "\n") || data[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        let line = String(decoding: data[..<end], as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            headers.removeAll()  // a new response: a redirect's target, or after 100 Continue
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        headers.append((name, value))
    }

    private func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let n = min(buffer.count, upload.count - uploadOffset)
        guard n > 0 else { return 0 }
        upload.withUnsafeBytes { src in
            buffer.baseAddress!.copyMemory(from: src.baseAddress! + uploadOffset, byteCount: n)
        }
        uploadOffset += n
        return n
    }

    // MARK: - Finishing (driver thread)

    /// The outcome of a transfer that curl finished with `code`.
    func outcome(_ code: CURLcode) -> Result<TransferResult, HTTPClientError> {
        if code == CURLE_OK {
            var status = 0
            klx_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
            return .success(TransferResult(status: status, headers: headers, body: body))
        }
        if code == CURLE_WRITE_ERROR && exceededLimit {
            return .failure(.bodyTooLarge(url: redacted, limit: limit ?? 0))
        }
        return .failure(HTTPClientError(code: code, url: redacted, detail: errorDetail(code), timeout: timeout))
    }

    /// The request's timeout, for `.timeout` errors.
    private var timeout: Duration {
        switch job {
        case .http(let request, _): request.timeout
        case .mail(let mail): mail.timeout
        }
    }

    /// curl's own message for this transfer (the error buffer), or its generic one.
    private func errorDetail(_ code: CURLcode) -> String {
        if let errorBuffer, errorBuffer[0] != 0 { return String(cString: errorBuffer) }
        return String(cString: curl_easy_strerror(code))
    }

    /// Frees the easy handle and everything the options point at. Idempotent.
    func cleanUp() {
        if let easy { curl_easy_cleanup(easy) }
        easy = nil
        for list in lists { curl_slist_free_all(list) }
        lists.removeAll()
        errorBuffer?.deallocate()
        errorBuffer = nil
    }

    // MARK: - Option helpers

    private func check(_ code: CURLcode) throws(HTTPClientError) {
        guard code == CURLE_OK else {
            throw .other(url: redacted, code: Int(code.rawValue), message: String(cString: curl_easy_strerror(code)))
        }
    }

    private func set(_ option: CURLoption, _ value: Int) throws(HTTPClientError) {
        try check(klx_easy_setopt_long(easy, option, value))
    }

    private func set(_ option: CURLoption, _ value: String) throws(HTTPClientError) {
        try check(klx_easy_setopt_str(easy, option, value))  // curl copies strings
    }

    private func set(_ option: CURLoption, offset value: curl_off_t) throws(HTTPClientError) {
        try check(klx_easy_setopt_off_t(easy, option, value))
    }

    private func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) throws(HTTPClientError) {
        try check(klx_easy_setopt_ptr(easy, option, pointer))
    }

    private func set(_ option: CURLoption, pointer: UnsafeMutablePointer<CChar>) throws(HTTPClientError) {
        try check(klx_easy_setopt_ptr(easy, option, UnsafeMutableRawPointer(pointer)))
    }

    private func setFunction(
        _ option: CURLoption,
        _ f: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int
    ) throws(HTTPClientError) {
        try check(klx_easy_setopt_func(easy, option, f))
    }

    /// Builds a curl_slist of `items`, kept until `cleanUp`, and sets it as `option`.
    private func appendList(_ option: CURLoption, _ items: [String]) throws(HTTPClientError) {
        guard !items.isEmpty else { return }
        var list: UnsafeMutablePointer<curl_slist>?
        for item in items {
            guard let next = curl_slist_append(list, item) else {
                if let list { curl_slist_free_all(list) }
                throw .other(url: redacted, code: -1, message: "out of memory")
            }
            list = next
        }
        lists.append(list!)
        try check(klx_easy_setopt_slist(easy, option, list))
    }
}

extension HTTPClientError {
    /// Classifies a failed transfer's curl code.
    init(code: CURLcode, url: String, detail: String, timeout: Duration) {
        switch code {
        case CURLE_COULDNT_CONNECT:
            self = .connectionRefused(url: url, detail: detail)
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            self = .dns(url: url, detail: detail)
        case CURLE_OPERATION_TIMEDOUT:
            self = .timeout(url: url, after: timeout)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
             CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR,
             CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_CRL_BADFILE, CURLE_USE_SSL_FAILED,
             CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED,
             CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT:
            self = .tls(url: url, detail: detail)
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            self = .invalidRequest(url: url, reason: detail)
        default:
            self = .other(url: url, code: Int(code.rawValue), message: detail)
        }
    }
}

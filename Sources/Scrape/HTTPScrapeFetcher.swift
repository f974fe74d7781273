import HTTPClient
import Model
import Synchronization

/// Fetches pages over libcurl: one client (one driver thread running many transfers) per
/// distinct auth/TLS/proxy setting. Clients sharing one driver (`sharingDriver`) stalled
/// scrapes in the end-to-end test, so each setting has its own for now.
public final class HTTPScrapeFetcher: ScrapeFetcher {
    private let clients = Mutex<[HTTPSettings: HTTPClient]>([:])
    private let root: HTTPClient
    let userAgent: String

    public init(userAgent: String = "Klaxon/0.1") throws {
        self.userAgent = userAgent
        root = try HTTPClient(config: HTTPClientConfig(userAgent: userAgent))
    }

    func client(for s: HTTPSettings) throws -> HTTPClient {
        if let c = clients.withLock({ $0[s] }) { return c }
        var cfg = HTTPClientConfig(userAgent: userAgent)
        if !s.basicAuthUsername.isEmpty || !s.basicAuthPasswordFile.isEmpty {
            cfg.basicAuth = .init(username: s.basicAuthUsername, password: s.basicAuthPassword,
                                  passwordFile: s.basicAuthPasswordFile.isEmpty ? nil : s.basicAuthPasswordFile)
        }
        if !s.bearerToken.isEmpty { cfg.bearerToken = s.bearerToken }
        if !s.bearerTokenFile.isEmpty { cfg.bearerTokenFile = s.bearerTokenFile }
        if !s.proxyURL.isEmpty { cfg.proxyURL = s.proxyURL }
        cfg.followRedirects = s.followRedirects
        cfg.tls = TLSConfig(caFile: s.caFile.isEmpty ? nil : s.caFile, certFile: s.certFile.isEmpty ? nil : s.certFile,
                            keyFile: s.keyFile.isEmpty ? nil : s.keyFile, serverName: s.serverName.isEmpty ? nil : s.serverName,
                            insecureSkipVerify: s.insecureSkipVerify)
        let c = try HTTPClient(config: cfg)
        return clients.withLock { all in
            if let existing = all[s] { return existing }
            all[s] = c
            return c
        }
    }

    public func fetch(_ url: String, settings: HTTPSettings, timeout: Int64, bodyLimit: Int) async throws -> FetchedPage {
        let c: HTTPClient
        do { c = try client(for: settings) } catch { throw ScrapeFailure("\(error)") }
        let req = HTTPRequest(method: .get, url: url,
                              headers: [("Accept", scrapeAcceptHeader),
                                        ("X-Prometheus-Scrape-Timeout-Seconds", String(Double(timeout) / 1000))],
                              timeout: .milliseconds(timeout), maxResponseBytes: bodyLimit > 0 ? bodyLimit : nil,
                              acceptGzip: true)
        do {
            let r = try await c.execute(req)
            return FetchedPage(status: r.status, contentType: r.contentType, body: r.body)
        } catch {
            throw ScrapeFailure("\(error)")
        }
    }

    public func shutdown() {
        for c in clients.withLock({ Array($0.values) }) { c.shutdown() }
        root.shutdown()
    }
}

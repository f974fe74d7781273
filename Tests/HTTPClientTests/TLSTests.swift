import Foundation
import Testing
@testable import HTTPClient

/// TLS against a Python server with certificates made by `openssl` for this run. Without
/// the `openssl` command these tests pass after printing why they checked nothing.
@Suite("TLS")
struct TLSTests {
    /// The certificates and an HTTPS server using them; `nil` (with a printed reason) when
    /// `openssl` could not make certificates. A server that fails to start is an error.
    static let fixture: Result<(Certificates, TestServer)?, any Error> = Result {
        guard let certs = Certificates.shared else {
            print("TLSTests: skipped: the openssl command is missing or failed, so no test certificate could be made")
            return nil
        }
        return (certs, try TestServer(["http", "--cert", certs.serverCert, "--key", certs.serverKey]))
    }

    /// Like `fixture`, with a server that requires a client certificate.
    static let mutualFixture: Result<(Certificates, TestServer)?, any Error> = Result {
        guard let certs = Certificates.shared else { return nil }
        return (certs, try TestServer(["http", "--cert", certs.serverCert, "--key", certs.serverKey,
                                       "--client-ca", certs.clientCert]))
    }

    @Test func insecureSkipVerifyAcceptsASelfSignedCertificate() async throws {
        guard let (_, server) = try Self.fixture.get() else { return }
        let client = try HTTPClient(config: HTTPClientConfig(tls: TLSConfig(insecureSkipVerify: true)))
        let response = try await client.execute(HTTPRequest(url: "https://127.0.0.1:\(server.port)/page"))
        #expect(response.status == 200)
        #expect(response.text == page)
    }

    @Test func verificationRejectsASelfSignedCertificate() async throws {
        guard let (_, server) = try Self.fixture.get() else { return }
        let url = "https://127.0.0.1:\(server.port)/page"
        let error = await #expect(throws: HTTPClientError.self) {
            try await HTTPClient().execute(HTTPRequest(url: url))
        }
        guard case .tls(let named, let detail) = error else {
            Issue.record("expected tls, got \(String(describing: error))")
            return
        }
        #expect(named == url)
        #expect(!detail.isEmpty)
    }

    @Test func caFileVerifiesTheServer() async throws {
        guard let (certs, server) = try Self.fixture.get() else { return }
        let client = try HTTPClient(config: HTTPClientConfig(tls: TLSConfig(caFile: certs.serverCert)))
        let response = try await client.execute(HTTPRequest(url: "https://127.0.0.1:\(server.port)/page"))
        #expect(response.status == 200)
    }

    @Test func serverNameIsVerifiedAndHostHeaderKept() async throws {
        guard let (certs, server) = try Self.fixture.get() else { return }
        // The connection goes to the URL's host; TLS checks the certificate against
        // server_name, and the Host header still names the URL's host.
        let client = try HTTPClient(config: HTTPClientConfig(
            tls: TLSConfig(caFile: certs.serverCert, serverName: "localhost")))
        let response = try await client.execute(HTTPRequest(url: "https://127.0.0.1:\(server.port)/echo"))
        #expect(response.status == 200)
        #expect(try echo(response).headers["host"] == "127.0.0.1:\(server.port)")

        let wrong = try HTTPClient(config: HTTPClientConfig(
            tls: TLSConfig(caFile: certs.serverCert, serverName: "wrong.example")))
        let url = "https://127.0.0.1:\(server.port)/echo"
        let error = await #expect(throws: HTTPClientError.self) { try await wrong.execute(HTTPRequest(url: url)) }
        guard case .tls(let named, _) = error else {
            Issue.record("expected tls, got \(String(describing: error))")
            return
        }
        #expect(named == url)
    }

    @Test func clientCertificate() async throws {
        guard let (certs, server) = try Self.mutualFixture.get() else { return }
        let url = "https://127.0.0.1:\(server.port)/page"
        let withCert = try HTTPClient(config: HTTPClientConfig(tls: TLSConfig(
            caFile: certs.serverCert, certFile: certs.clientCert, keyFile: certs.clientKey)))
        #expect(try await withCert.execute(HTTPRequest(url: url)).status == 200)

        let without = try HTTPClient(config: HTTPClientConfig(tls: TLSConfig(caFile: certs.serverCert)))
        await #expect(throws: HTTPClientError.self) { try await without.execute(HTTPRequest(url: url)) }
    }
}

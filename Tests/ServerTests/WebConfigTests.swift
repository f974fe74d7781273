import Foundation
import TestSupport
import Testing
@testable import Server

@Suite struct WebConfigTests {
    // Made by Python's bcrypt (the C implementation), so the check is not Klaxon agreeing with itself.
    static let hunter2 = "$2b$06$M3FaxuH4A3FGFbmal6AJDeEngEFaQSbJk1KWEQqL8dAt2yx1BOukO"
    static let horse = "$2a$06$sBYH5FKSfXTRd3PU8iArHuXBcNurDWPmJhcHba9wShjxUxY5uRlBG"

    func basic(_ user: String, _ password: String) -> String {
        "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }

    @Test func parsesExporterToolkitFormat() throws {
        let c = try WebConfig.parse("""
            tls_server_config:
              cert_file: server.crt
              key_file: server.key
              min_version: TLS13
            http_server_config:
              headers:
                X-Frame-Options: deny
            basic_auth_users:
              alice: \(Self.hunter2)
            """)
        #expect(c.tls == WebConfig.TLS(certFile: "server.crt", keyFile: "server.key", minVersion: "TLS13"))
        #expect(c.headers == ["X-Frame-Options": "deny"])
        #expect(c.basicAuthUsers == ["alice": Self.hunter2])
    }

    @Test func rejectsWhatKlaxonDoesNotImplementWithTheLine() {
        #expect(throws: WebConfigError.self) { try WebConfig.parse("tls_server_config:\n  cert_file: a\n  key_file: b\n  cipher_suites: [x]\n") }
        do {
            _ = try WebConfig.parse("tls_server_config:\n  cert_file: a\n  key_file: b\n  cipher_suites: [x]\n")
        } catch {
            #expect("\(error)" == "line 4: tls_server_config: cipher_suites is not supported by Klaxon")
        }
        #expect(throws: (any Error).self) { try WebConfig.parse("basic_auth_user:\n  a: b\n") }
        #expect(throws: WebConfigError.self) { try WebConfig.parse("basic_auth_users:\n  alice: plaintext\n") }
        #expect(throws: WebConfigError.self) { try WebConfig.parse("tls_server_config:\n  cert_file: a\n") }
    }

    static let badTLS: [(String, String)] = [
        ("basic_auth_users: {}\ntls_server_config:\n  key_file: b\n", "line 2: missing cert_file"),
        ("tls_server_config:\n  cert_file: a\n", "line 1: missing key_file"),
        ("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: RequireAndVerifyClientCert\n",
         "line 4: client_ca_file is required for client_auth_type RequireAndVerifyClientCert"),
        ("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_ca_file: ca.pem\n",
         "line 4: client_ca_file is set but client_auth_type is NoClientCert; set client_auth_type: RequireAndVerifyClientCert"),
        ("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: NoClientCert\n  client_ca_file: ca.pem\n",
         "line 5: client_ca_file is set but client_auth_type is NoClientCert; set client_auth_type: RequireAndVerifyClientCert"),
        ("tls_server_config:\n  cert_file: a\n  key_file: b\n  min_version: TLS10\n",
         "line 4: min_version TLS10 is not supported by Klaxon (TLS12 or TLS13)"),
        ("tls_server_config:\n  cert_file: a\n  key_file: b\n  min_version: TLS11\n",
         "line 4: min_version TLS11 is not supported by Klaxon (TLS12 or TLS13)"),
        ("tls_server_config:\n  cert_file: a\n  key_file: b\n  min_version: SSL3\n", "line 4: unknown TLS version: SSL3"),
    ]

    @Test(arguments: badTLS)
    func tlsErrorsNameTheLine(_ text: String, _ message: String) {
        do {
            _ = try WebConfig.parse(text)
            Issue.record("expected an error for \(text)")
        } catch {
            #expect("\(error)" == message)
        }
    }

    @Test func clientCAWithVerificationIsAccepted() throws {
        let c = try WebConfig.parse("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.pem\n")
        #expect(c.tls?.clientCAFile == "ca.pem")
        #expect(c.tls?.clientAuthType == "RequireAndVerifyClientCert")
    }

    @Test func basicAuthAcceptsOnlyTheRightPassword() {
        let auth = BasicAuthenticator(users: ["alice": Self.hunter2, "bob": Self.horse])
        #expect(auth.allows(authorization: basic("alice", "hunter2")))
        #expect(auth.allows(authorization: basic("alice", "hunter2")))  // cached
        #expect(auth.allows(authorization: basic("bob", "correct horse")))
        #expect(!auth.allows(authorization: basic("alice", "hunter3")))
        #expect(!auth.allows(authorization: basic("carol", "hunter2")))
        #expect(!auth.allows(authorization: nil))
        #expect(!auth.allows(authorization: "Bearer abc"))
        #expect(!auth.allows(authorization: "Basic !!!"))
        #expect(BasicAuthenticator(users: [:]).allows(authorization: nil))
    }
}

@Suite struct SecretRedactionTests {
    @Test func secretsAreHiddenAndTheRestKept() throws {
        let yaml = """
            global:
              scrape_interval: 15s
            scrape_configs:
              - job_name: a
                basic_auth: {username: alice, password: hunter2}
                authorization:
                  credentials: tok3n
              - job_name: b
                bearer_token: s3cret
                static_configs: [{targets: ['x:1']}]
            """
        let out = SecretRedaction.redact(yaml)
        for secret in ["hunter2", "tok3n", "s3cret"] { #expect(!out.contains(secret)) }
        #expect(out.contains("username: alice"))
        #expect(out.contains("scrape_interval: 15s"))
        #expect(out.components(separatedBy: "<secret>").count == 4)
        #expect(SecretRedaction.redact("a: [unclosed") == "")
    }
}

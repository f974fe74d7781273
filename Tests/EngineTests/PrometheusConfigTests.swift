import Foundation
import Engine
import Model
import Scrape
import Testing

@Suite struct PrometheusConfigTests {
    @Test func decodesAnExistingPrometheusYML() throws {
        let c = try PrometheusConfig.parse("""
        global:
          scrape_interval: 15s
          evaluation_interval: 30s
          external_labels:
            cluster: eu1
        rule_files:
          - rules/*.yml
        alerting:
          alertmanagers:
            - static_configs:
                - targets: ['127.0.0.1:9093']
        scrape_configs:
          - job_name: gatewayz
            metrics_path: /metrics
            static_configs:
              - targets: ['127.0.0.1:8000', '127.0.0.1:8001']
                labels: {env: prod}
            relabel_configs:
              - source_labels: [__address__]
                regex: '([^:]+):.*'
                target_label: host
            metric_relabel_configs:
              - source_labels: [__name__]
                regex: 'go_.*'
                action: drop
          - job_name: self
            scrape_interval: 5s
            static_configs: [{targets: ['localhost:9096']}]
        """)
        #expect(c.scrapeInterval == 15_000 && c.evaluationInterval == 30_000)
        #expect(c.externalLabels == Labels(["cluster": "eu1"]))
        #expect(c.ruleFiles == ["rules/*.yml"])
        #expect(c.alertmanagerURLs == ["http://127.0.0.1:9093"])
        #expect(c.scrapeConfigs.map(\.jobName) == ["gatewayz", "self"])
        #expect(c.scrapeConfigs[0].interval == 15_000 && c.scrapeConfigs[1].interval == 5_000)
        #expect(c.scrapeConfigs[1].timeout == 5_000, "the default timeout shrinks to the interval")
        #expect(c.scrapeConfigs[0].staticConfigs[0].targets.count == 2)
        #expect(c.scrapeConfigs[0].metricRelabelConfigs[0].action == .drop)
    }

    @Test func unsetGlobalTimeoutShrinksToTheInterval() throws {
        let c = try PrometheusConfig.parse("global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: a\n")
        #expect(c.scrapeTimeout == 1000)
        #expect(c.scrapeConfigs[0].timeout == 1000)
    }

    static let bad: [(String, String)] = [
        ("global:\n  scrape_interval: 1s\n  scrape_timeout: 2s\n", "line 3: global scrape timeout greater than scrape interval"),
        ("global:\n  scrape_timeout: 2s\n  scrape_interval: 1s\n", "line 2: global scrape timeout greater than scrape interval"),
        ("scrape_configs:\n  - job_name: a\n    bogus: 1\n", "yaml: unmarshal errors:\n  line 3: field bogus not found in type config.ScrapeConfig"),
        ("remote_write:\n  - url: http://x\n", "line 1: remote_write is not supported by Klaxon yet; remove the section to run this config"),
        ("scrape_configs:\n  - job_name: a\n    kubernetes_sd_configs: []\n", "line 3: kubernetes_sd_configs in scrape_configs is not supported by Klaxon (supported: static_configs, file_sd_configs, basic_auth, bearer_token, tls_config, proxy_url)"),
        ("scrape_configs:\n  - job_name: a\n  - job_name: a\n", "line 3: found multiple scrape configs with job name \"a\""),
        ("scrape_configs:\n  - job_name: a\n    scrape_interval: 5s\n    scrape_timeout: 10s\n", "line 2: scrape timeout greater than scrape interval for scrape config with job name \"a\""),
        ("global:\n  scrape_interval: 1s\nstorage:\n\n  tsdb: {}\n", "line 3: storage is not supported by Klaxon yet; remove the section to run this config"),
        ("global:\n  scrape_interval: 5x\n", "line 2: not a valid duration string: \"5x\""),
        ("global:\n  evaluation_interval: 1m\n  scrape_timeout: 1y2\n", "line 3: not a valid duration string: \"1y2\""),
        ("scrape_configs:\n  - job_name: a\n    scrape_interval: 5s\n    scrape_timeout: soon\n", "line 4: not a valid duration string: \"soon\""),
        ("scrape_configs:\n  - job_name: a\n    file_sd_configs:\n      - files: [x.json]\n        refresh_interval: 1q\n", "line 5: not a valid duration string: \"1q\""),
        ("scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - action: hashmod\n        target_label: x\n", "line 4: relabel configuration for hashmod requires non-zero modulus"),
    ]

    @Test(arguments: bad)
    func badConfigsNameTheLine(_ text: String, _ message: String) {
        do {
            _ = try PrometheusConfig.parse(text)
            Issue.record("expected an error")
        } catch {
            #expect("\(error)" == message)
        }
    }

    @Test func filesAreRelativeToTheConfigFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("klaxon-cfg-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
        rule_files: [rules/*.yml, /abs/r.yml]
        scrape_configs:
          - job_name: a
            file_sd_configs: [{files: [targets/*.json]}]
            basic_auth: {username: u, password_file: secrets/pw}
            tls_config: {ca_file: /etc/ca.pem, cert_file: c.pem, key_file: k.pem}
          - job_name: b
            bearer_token_file: tok
        """.write(toFile: dir + "/prometheus.yml", atomically: true, encoding: .utf8)
        let c = try PrometheusConfig.load(path: dir + "/prometheus.yml")
        #expect(c.ruleFiles == [dir + "/rules/*.yml", "/abs/r.yml"])
        #expect(c.scrapeConfigs[0].fileSDConfigs[0].files == [dir + "/targets/*.json"])
        #expect(c.scrapeConfigs[0].http.basicAuthPasswordFile == dir + "/secrets/pw")
        #expect(c.scrapeConfigs[0].http.caFile == "/etc/ca.pem")
        #expect(c.scrapeConfigs[0].http.certFile == dir + "/c.pem")
        #expect(c.scrapeConfigs[0].http.keyFile == dir + "/k.pem")
        #expect(c.scrapeConfigs[1].http.bearerTokenFile == dir + "/tok")
        #expect(c.scrapeConfigs[1].http.caFile == "")
    }
}

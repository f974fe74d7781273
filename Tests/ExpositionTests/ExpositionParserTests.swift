import Exposition
import Model
import Testing

@Suite struct ExpositionParserTests {
    let text = ExpositionParser(format: .prometheusText)
    let om = ExpositionParser(format: .openMetrics)

    @Test func prometheusTextPage() throws {
        let page = try text.parse("""
        # HELP http_requests_total The total.\\nSecond line.
        # TYPE http_requests_total counter
        http_requests_total{method="post",code="200"} 1027 1395066363000
        http_requests_total{method="post",code="400"}    3 1395066363000
        msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9
        metric_without_timestamp_and_labels 12.47
        something_weird{problem="division by zero"} +Inf -3982045
        nan_metric NaN

        """)
        #expect(page.samples.count == 6)
        #expect(page.metadata["http_requests_total"]?.type == "counter")
        #expect(page.metadata["http_requests_total"]?.help == "The total.\nSecond line.")
        #expect(page.samples[0].timestamp == 1_395_066_363_000)
        #expect(page.samples[2].labels.first { $0.name == "path" }?.value == "C:\\DIR\\FILE.TXT")
        #expect(page.samples[2].labels.first { $0.name == "error" }?.value == "Cannot find file:\n\"FILE.TXT\"")
        #expect(page.samples[4].value == .infinity && page.samples[4].timestamp == -3_982_045)
        #expect(page.samples[5].value.isNaN)
    }

    @Test func openMetricsPage() throws {
        let page = try om.parse("""
        # TYPE acme_http_router_request_seconds summary
        # UNIT acme_http_router_request_seconds seconds
        # HELP acme_http_router_request_seconds Latency though all of ACME's HTTP request router.
        acme_http_router_request_seconds_sum{path="/api/v1",method="GET"} 9036.32 1520879607.789
        acme_http_router_request_seconds_count{path="/api/v1",method="GET"} 807283.0 1520879607.789
        foo_bucket{le="0.1"} 8 # {id="abc"} 0.05 1520879607.7
        # EOF

        """)
        #expect(page.samples.count == 3)
        #expect(page.samples[0].timestamp == 1_520_879_607_789)
        #expect(page.metadata["acme_http_router_request_seconds"]?.unit == "seconds")
    }

    static let malformed: [(ExpositionFormat, String, String)] = [
        (.prometheusText, "up{job=\"a\" 1\n", "line 1, column 12: expected \",\" or \"}\" after a label value, got \"1\""),
        (.prometheusText, "up 1\nup{job=\"a} 1\n", "line 2, column 13: unterminated label value: expected a closing \"\\\"\""),
        (.prometheusText, "up abc\n", "line 1, column 7: invalid value \"abc\", expected a number"),
        (.prometheusText, "up 1 1.5\n", "line 1, column 9: invalid timestamp \"1.5\", expected integer milliseconds"),
        (.prometheusText, "# TYPE up gauges\n", "line 1, column 11: invalid metric type \"gauges\""),
        (.prometheusText, "{job=\"a\"} 1\n", "line 1, column 1: expected a metric name, got \"{\""),
        (.openMetrics, "up 1\n", "line 1, column 1: expected \"# EOF\" at the end of the page"),
        (.openMetrics, "up 1\n# EOF\nup 2\n", "line 3, column 1: unexpected data after # EOF"),
        (.openMetrics, "up  1\n# EOF\n", "line 1, column 4: invalid value \"\", expected a number"),
    ]

    /// Every malformed page names the line, the column and what was expected.
    @Test(arguments: malformed)
    func malformedPages(_ format: ExpositionFormat, _ input: String, _ message: String) {
        do {
            _ = try ExpositionParser(format: format).parse(input)
            Issue.record("expected an error for \(input)")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func randomBytesNeverCrash() {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("a_{}=\",# \n\\01.eE+-InfNa:".utf8)
        for _ in 0..<5000 {
            let n = Int.random(in: 0..<60, using: &rng)
            let bytes = (0..<n).map { _ in alphabet.randomElement(using: &rng)! }
            for f in [ExpositionFormat.prometheusText, .openMetrics] {
                _ = try? ExpositionParser(format: f).parse(String(decoding: bytes, as: UTF8.self))
            }
        }
    }
}

/// parse(write(x)) == x over random pages, in both formats.
@Suite struct ExpositionRoundTripTests {
    @Test(arguments: [ExpositionFormat.prometheusText, .openMetrics])
    func roundTrip(_ format: ExpositionFormat) throws {
        var rng = SystemRandomNumberGenerator()
        let values: [Double] = [0, 1, -1.5, 1e-9, 3e21, .infinity, -.infinity, normalNaN, 12345.678]
        let labelValues = ["", "a", "with space", "quote\"d", "back\\slash", "new\nline", "ünï"]
        for _ in 0..<300 {
            var page = ParsedPage()
            for i in 0..<Int.random(in: 1...8, using: &rng) {
                var labels = [Label(name: "__name__", value: "m\(i % 3)_total")]
                for n in ["a", "b_c"] where Bool.random(using: &rng) {
                    let v = labelValues.randomElement(using: &rng)!
                    if !v.isEmpty { labels.append(Label(name: n, value: v)) }
                }
                let ts: Int64? = Bool.random(using: &rng) ? Int64.random(in: -10_000_000...10_000_000_000, using: &rng) : nil
                page.samples.append(ParsedSample(labels: labels.sorted(), value: values.randomElement(using: &rng)!, timestamp: ts))
            }
            page.metadata["m0"] = { var m = MetricMetadata(); m.type = "counter"; m.help = "help \\ with\nnewline"; return m }()
            let text = ExpositionWriter(format: format).write(page)
            let back = try ExpositionParser(format: format).parse(text)
            #expect(back.samples == page.samples, "\(text)")
            #expect(back.metadata["m0"]?.help == page.metadata["m0"]?.help)
        }
    }
}

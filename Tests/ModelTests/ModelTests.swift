import Model
import Testing

@Suite struct GoFloatTests {
    /// Go's strconv output for the same values (the formats Prometheus prints).
    static let eFormat: [(Double, String)] = [
        (1, "1E+00"), (0, "0E+00"), (-7, "-7E+00"), (120, "1.2E+02"), (180, "1.8E+02"),
        (1234567.5, "1.2345675E+06"), (1e21, "1E+21"), (0.30000000000000004, "3.0000000000000004E-01"),
        (.nan, "NaN"), (.infinity, "+Inf"), (-.infinity, "-Inf"), (1e-7, "1E-07"), (5e-324, "5E-324"),
    ]

    @Test(arguments: eFormat)
    func formatsLikeGoE(_ v: Double, _ s: String) {
        #expect(GoFloat.formatE(v, upper: true) == s)
    }

    static let jsonFormat: [(Double, String)] = [
        (0.000001, "0.000001"), (1e-7, "1e-07"), (1e20, "100000000000000000000"), (1e21, "1e+21"),
        (0.30000000000000004, "0.30000000000000004"), (123456789.12345679, "123456789.12345679"),
        (-0.0, "-0"), (2, "2"), (1.5e300, "1.5e+300"),
    ]

    @Test(arguments: jsonFormat)
    func formatsLikePrometheusJSON(_ v: Double, _ s: String) {
        #expect(GoFloat.formatJSON(v) == s)
    }

    static let fFormat: [(Double, String)] = [
        (1e-7, "0.0000001"), (1e21, "1000000000000000000000"), (1.5, "1.5"), (-2, "-2"), (100, "100"),
    ]

    @Test(arguments: fFormat)
    func formatsLikeGoF(_ v: Double, _ s: String) {
        #expect(GoFloat.formatF(v) == s)
    }

    @Test func formatsLikeGoSprint() {
        #expect(GoFloat.formatG(100000) == "100000")
        #expect(GoFloat.formatG(1234567) == "1.234567e+06")
        #expect(GoFloat.formatG(0.0001) == "0.0001")
        #expect(GoFloat.formatG(0.00001) == "1e-05")
    }
}

@Suite struct DurationTests {
    static let valid: [(String, Int64, String)] = [
        ("0", 0, "0s"), ("1ms", 1, "1ms"), ("90s", 90_000, "1m30s"), ("1h30m", 5_400_000, "1h30m"),
        ("1y2w3d4h5m6s7ms", 31_536_000_000 + 1_209_600_000 + 259_200_000 + 14_400_000 + 300_000 + 6000 + 7, "1y17d4h5m6s7ms"),
        ("14d", 1_209_600_000, "2w"), ("8d", 691_200_000, "8d"),
    ]

    @Test(arguments: valid)
    func parsesAndPrints(_ text: String, _ ms: Int64, _ canonical: String) throws {
        #expect(try PromDuration.parse(text) == ms)
        #expect(PromDuration.format(ms) == canonical)
    }

    @Test(arguments: ["", "1", "5m1h", "1.5h", "-5m", "1x", "5 m", "m"])
    func rejects(_ text: String) {
        #expect(throws: DurationError.self) { try PromDuration.parse(text) }
    }
}

@Suite struct LabelsTests {
    @Test func sortedAndEmptyValuesDropped() {
        let l = Labels(["b": "2", "a": "1", "c": ""])
        #expect(l.pairs.map(\.name) == ["a", "b"])
        #expect(l.description == "{a=\"1\", b=\"2\"}")
    }

    @Test func compareIsPrometheusOrder() {
        let a = Labels(["a": "1"]), ab = Labels(["a": "1", "b": "1"]), b = Labels(["b": "0"])
        #expect(a < ab)
        #expect(ab < b)
        #expect(!(b < a))
    }

    @Test func fingerprintIsStableAndDistinguishesSplits() {
        #expect(Labels(["a": "bc"]).fingerprint == Labels(["a": "bc"]).fingerprint)
        #expect(Labels(["a": "bc"]).fingerprint != Labels(["ab": "c"]).fingerprint)
    }

    @Test func quotesLikeGo() {
        #expect(goQuote("a\"b\\c\nd") == "\"a\\\"b\\\\c\\nd\"")
        #expect(goQuote("\u{01}") == "\"\\x01\"")
    }
}

@Suite struct MatcherTests {
    static let cases: [(LabelMatcher.Kind, String, String, Bool)] = [
        (.equal, "x", "x", true), (.equal, "x", "", false), (.notEqual, "x", "", true),
        (.regexMatch, "a|b", "a", true), (.regexMatch, "a|b", "ab", false), (.regexMatch, "a.*", "abc", true),
        (.regexMatch, "b.*", "abc", false), (.regexMatch, ".*", "", true), (.regexMatch, ".+", "", false),
        (.regexMatch, "(?i)FOO", "foo", true), (.regexMatch, "fo+", "xfoo", false), (.regexNoMatch, "a|b", "c", true),
        (.regexMatch, "[0-9]+", "123", true), (.regexMatch, "[0-9]+", "12a", false),
        (.regexMatch, "ab?c", "abc\n", false), (.regexMatch, "(?P<n>a)b", "ab", true), (.regexMatch, "a.c", "a\nc", false),
    ]

    /// Regexes are fully anchored, as Prometheus anchors them.
    @Test(arguments: cases)
    func matches(_ kind: LabelMatcher.Kind, _ pattern: String, _ value: String, _ expected: Bool) throws {
        #expect(try LabelMatcher(kind, "l", pattern).matches(value) == expected)
    }

    @Test func invalidRegexIsAnError() {
        #expect(throws: RegexError.self) { try LabelMatcher(.regexMatch, "l", "(") }
    }
}

@Suite struct StoreTests {
    @Test func staleMarkerSurvivesBitExactly() throws {
        let s = MemoryStore()
        let l = Labels(["__name__": "x"])
        s.add(l, 0, StaleNaN.value)
        let got = try s.querier(mint: 0, maxt: 0).select([try LabelMatcher(.equal, "__name__", "x")], mint: 0, maxt: 0)
        #expect(got.count == 1)
        #expect(got[0].values.first!.bitPattern == StaleNaN.bits)
    }

    @Test func appenderIsInvisibleUntilCommit() throws {
        let s = MemoryStore()
        let a = s.makeAppender()
        try a.append(Labels(["__name__": "x"]), 10, 1)
        let m = [try LabelMatcher(.equal, "__name__", "x")]
        #expect(try s.querier(mint: 0, maxt: 100).select(m, mint: 0, maxt: 100).isEmpty)
        try a.commit()
        #expect(try s.querier(mint: 0, maxt: 100).select(m, mint: 0, maxt: 100).count == 1)
    }

    @Test func selectReturnsSeriesSortedByLabels() throws {
        let s = MemoryStore()
        for job in ["c", "a", "b"] { s.add(Labels(["__name__": "x", "job": job]), 0, 1) }
        let got = try s.querier(mint: 0, maxt: 0).select([try LabelMatcher(.equal, "__name__", "x")], mint: 0, maxt: 0)
        #expect(got.map { $0.labels.get("job") } == ["a", "b", "c"])
    }
}

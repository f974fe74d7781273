import Foundation
import Testing
import PromQL
@testable import Rules

/// The rule lint (`klaxon check rules --lint`): each check has a fixture in
/// fixtures/checkrules/lint/ that triggers it (`<check>.warn.yml`) and one that does not
/// (`<check>.ok.yml`), checked against the series in fixtures/checkrules/lint/fixtures/.
@Suite struct LintTests {
    static let root = CheckRulesTests.root
    static let lintDir = "fixtures/checkrules/lint"

    static func lint(_ files: [String], fixtures: String?, fatal: Bool = false) -> RuleCheck.Output {
        RuleCheck.run(files: files, options: .init(lint: true, fixtures: fixtures, lintFatal: fatal, directory: root.path))
    }

    static let cases: [(String, LintWarning.Kind, Int)] = [
        ("histogram_ceiling", .histogramCeiling, 3),
        ("raw_counter", .rawCounter, 3),
        ("lost_label", .lostLabel, 4),
        ("unknown_series", .unknownSeries, 3),
        ("pii_label", .piiLabel, 4),
        ("critical", .criticalWithoutFor, 2),
        ("critical", .criticalWithoutRunbook, 2),
        ("baseline", .unguardedBaseline, 2),
    ]

    @Test(arguments: cases)
    func triggers(_ name: String, _ kind: LintWarning.Kind, _ count: Int) {
        let out = Self.lint(["\(Self.lintDir)/\(name).warn.yml"], fixtures: "\(Self.lintDir)/fixtures")
        #expect(out.exitCode == 0, "warnings alone exit 0")
        #expect(out.warnings.filter { $0.kind == kind }.count == count, "\(out.stdout)")
        // Every warning is a stdout line naming file, group and rule.
        for w in out.warnings {
            #expect(out.stdout.contains("\n\(w.description)\n"))
            #expect(w.description.hasPrefix("\(Self.lintDir)/\(name).warn.yml: group \""))
        }
    }

    @Test(arguments: Set(cases.map(\.0)).sorted())
    func doesNotTrigger(_ name: String) {
        let out = Self.lint(["\(Self.lintDir)/\(name).ok.yml"], fixtures: "\(Self.lintDir)/fixtures")
        #expect(out.exitCode == 0)
        #expect(out.warnings.isEmpty, "\(out.stdout)")
    }

    @Test func histogramCeilingMessages() {
        let out = Self.lint(["\(Self.lintDir)/histogram_ceiling.warn.yml"], fixtures: "\(Self.lintDir)/fixtures")
        #expect(out.warnings.map(\.description) == [
            "fixtures/checkrules/lint/histogram_ceiling.warn.yml: group \"latency\", rule \"LatencyAboveTopBucket\": histogram_quantile(...) > 10 can never fire: the highest finite bucket of latency_seconds_bucket in the fixtures is 5",
            "fixtures/checkrules/lint/histogram_ceiling.warn.yml: group \"latency\", rule \"LatencyAtTopBucket\": histogram_quantile(...) > 5 can never fire: the highest finite bucket of latency_seconds_bucket in the fixtures is 5",
            "fixtures/checkrules/lint/histogram_ceiling.warn.yml: group \"latency\", rule \"DBQuerySlow\": 3 < histogram_quantile(...) can never fire: the highest finite bucket of db_query_seconds_bucket in the fixtures is 2.5",
        ])
    }

    /// The shipped rules against their own fixtures: no warnings.
    @Test func shippedRulesAreClean() {
        let rules = ((try? FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("rules").path)) ?? [])
            .filter { $0.hasSuffix(".yml") }.sorted().map { "rules/" + $0 }
        #expect(rules.count == 11)
        let out = Self.lint(rules, fixtures: "fixtures/rules")
        #expect(out.exitCode == 0)
        #expect(out.warnings.isEmpty, "\(out.stdout)")
        #expect(out.stderr.isEmpty)
    }

    /// The bucket case on a shipped rule: with a histogram whose highest finite bucket is 30 s,
    /// the P95 > 60 s (and > 30 s) alerts of rules/model_inference.yml can never fire.
    @Test func lowBucketsMakeShippedLatencyRulesWarn() {
        let out = Self.lint(["rules/model_inference.yml"], fixtures: "\(Self.lintDir)/low_buckets")
        #expect(out.warnings.filter { $0.kind == .histogramCeiling }.map(\.description) == [
            "rules/model_inference.yml: group \"model_inference\", rule \"ModelLatencyHigh\": histogram_quantile(...) > 30 can never fire: the highest finite bucket of model_inference_duration_seconds_bucket in the fixtures is 30",
            "rules/model_inference.yml: group \"model_inference\", rule \"ModelLatencyCritical\": histogram_quantile(...) > 60 can never fire: the highest finite bucket of model_inference_duration_seconds_bucket in the fixtures is 30",
        ])
        // With the shipped fixtures (buckets up to 120 s) neither warns.
        #expect(Self.lint(["rules/model_inference.yml"], fixtures: "fixtures/rules").warnings.isEmpty)
    }

    @Test func exitCodes() {
        let warn = "\(Self.lintDir)/critical.warn.yml"
        #expect(Self.lint([warn], fixtures: nil).exitCode == 0)
        #expect(Self.lint([warn], fixtures: nil, fatal: true).exitCode == 3)
        #expect(Self.lint([warn, "fixtures/checkrules/expr_parse.bad.yml"], fixtures: nil, fatal: true).exitCode == 1)
        #expect(Self.lint(["\(Self.lintDir)/critical.ok.yml"], fixtures: nil, fatal: true).exitCode == 0)
        let missing = Self.lint([warn], fixtures: "\(Self.lintDir)/nonexistent")
        #expect(missing.exitCode == 1 && missing.stderr.hasPrefix("fixtures \(Self.lintDir)/nonexistent: "))
    }

    /// Without fixtures the suffix decides; the shipped fixtures show active_subscriptions_total
    /// going down to non-zero values, i.e. a gauge, which silences the raw-counter check.
    @Test func counterRecognition() throws {
        let fx = try LintFixtures.load(path: Self.root.appendingPathComponent("fixtures/rules").path)
        #expect(RuleLint.counterReason("active_subscriptions_total", nil) != nil)
        #expect(RuleLint.counterReason("active_subscriptions_total", fx) == nil)
        #expect(RuleLint.counterReason("http_requests_total", fx) != nil)
        let om = try LintFixtures.load(path: Self.root.appendingPathComponent("\(Self.lintDir)/fixtures/recording.om").path)
        #expect(RuleLint.counterReason("inventory_total", om) == nil)
        #expect(RuleLint.counterReason("jobs_processed_total", om) == "# TYPE counter in the fixtures")
        #expect(RuleLint.counterReason("db_query_seconds_count", om) == "# TYPE counter in the fixtures")
        #expect(om.highestFiniteBucket(try PromQLParser.parseSelector("db_query_seconds_bucket"))?.text == "2.5")
    }

    @Test func labelReferences() {
        #expect(RuleLint.labelReferences("{{ $labels.a }} {{.Labels.b}} {{ index $labels \"c\" }} {{ $labels.a }}") == ["a", "b", "c"])
        #expect(RuleLint.labelReferences("{{ $value }} {{ $externalLabels.x }}") == [])
    }

    @Test(arguments: [
        ("sum by (a) (x)", "a", true), ("sum by (a) (x)", "b", false),
        ("sum without (a) (x)", "a", false), ("sum without (a) (x)", "b", true),
        ("x / on (a) y", "b", false), ("x / ignoring (b) y", "b", false), ("x / ignoring (b) y", "c", true),
        ("sum by (a) (x) * on (a) group_left (c) y", "c", true),
        ("label_replace(sum(x), \"d\", \"$1\", \"a\", \"(.*)\")", "d", true),
        ("histogram_quantile(0.9, sum by (le, a) (rate(x_bucket[5m])))", "le", false),
        ("sum by (a) (x) > 1 and on (a) y", "a", true),
        ("sum by (a) (x) or sum by (b) (y)", "b", true),
        ("absent(x{job=\"j\"})", "job", true), ("absent(x{job=\"j\"})", "instance", false),
    ])
    func labelFlow(_ q: String, _ label: String, _ survives: Bool) throws {
        let e = try PromQLParser.parse(q)
        #expect(LabelFlow.of(e, fixtures: nil).canCarry(label) == survives)
    }
}

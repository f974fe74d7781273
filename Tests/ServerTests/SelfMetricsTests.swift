import TestSupport
import Model
@testable import Rules
import Scrape
import Synchronization
import Testing
@testable import TSDB
@testable import Server

@Suite struct SelfMetricsTests {
    final class Source: Sendable {
        let appended = Mutex(0)
        let groups = Mutex<[RuleGroupHealth]>([])
    }

    func group(_ name: String, iterations: Int) -> RuleGroupHealth {
        RuleGroupHealth(key: GroupKey(file: "rules/a.yml", name: name), interval: 15_000, limit: 0, lastEvaluation: 30_000,
                        evaluationDuration: .milliseconds(250), iterations: iterations, iterationsMissed: 0,
                        nextEvaluation: 45_000, rules: [])
    }

    func metrics(_ src: Source) -> SelfMetrics {
        var stats = DBStats()
        stats.headSeries = 42
        let fixed = stats
        return SelfMetrics(startTime: 1_000_000, version: "9.9.9", db: { fixed }, samplesAppended: { src.appended.withLock { $0 } },
                           targets: { [] }, ruleGroups: { src.groups.withLock { $0 } }, reload: { (true, 5_000) })
    }

    /// The value of the sample line `series` (name plus labels exactly as printed).
    func value(_ page: String, _ series: String) -> Double? {
        for line in page.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    @Test func snapshotValuesUsePrometheusNamesAndTypes() {
        let src = Source()
        src.appended.withLock { $0 = 10 }
        src.groups.withLock { $0 = [group("g1", iterations: 3)] }
        let page = metrics(src).render()
        #expect(value(page, "prometheus_tsdb_head_series") == 42)
        #expect(value(page, "prometheus_tsdb_head_samples_appended_total") == 10)
        #expect(page.contains("# TYPE prometheus_tsdb_head_samples_appended_total counter"))
        #expect(page.contains("# TYPE prometheus_tsdb_head_series gauge"))
        #expect(value(page, "prometheus_build_info{version=\"9.9.9\"}") == 1)
        #expect(value(page, "process_start_time_seconds") == 1000)
        #expect(value(page, "prometheus_rule_group_last_duration_seconds{rule_group=\"rules/a.yml:g1\"}") == 0.25)
        #expect(value(page, "prometheus_rule_group_iterations_total{rule_group=\"rules/a.yml:g1\"}") == 3)
        #expect(value(page, "prometheus_config_last_reload_success_timestamp_seconds") == 5)
    }

    @Test func countersFollowTheSnapshotAndNeverGoBack() {
        let src = Source()
        let m = metrics(src)
        src.appended.withLock { $0 = 100 }
        #expect(value(m.render(), "prometheus_tsdb_head_samples_appended_total") == 100)
        src.appended.withLock { $0 = 250 }
        #expect(value(m.render(), "prometheus_tsdb_head_samples_appended_total") == 250)
        src.appended.withLock { $0 = 0 }
        #expect(value(m.render(), "prometheus_tsdb_head_samples_appended_total") == 250)
    }

    @Test func removedRuleGroupsDisappear() {
        let src = Source()
        let m = metrics(src)
        src.groups.withLock { $0 = [group("g1", iterations: 1), group("g2", iterations: 1)] }
        #expect(m.render().contains("rule_group=\"rules/a.yml:g2\""))
        src.groups.withLock { $0 = [group("g1", iterations: 2)] }
        let page = m.render()
        #expect(!page.contains("prometheus_rule_group_rules{rule_group=\"rules/a.yml:g2\"}"))
        #expect(page.contains("prometheus_rule_group_rules{rule_group=\"rules/a.yml:g1\"}"))
    }
}

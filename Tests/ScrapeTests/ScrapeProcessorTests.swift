import Exposition
import Model
import Testing
@testable import Scrape

@Suite struct ScrapeProcessorTests {
    let target = ScrapeTarget(labels: Labels(["instance": "a:1", "job": "app"]), url: "http://a:1/metrics", interval: 15_000, timeout: 10_000)

    func page(_ text: String) -> Result<ParsedPage, ScrapeFailure> {
        .success(try! ExpositionParser(format: .prometheusText).parse(text))
    }

    func values(_ r: ScrapeReport, _ name: String) -> [Double] {
        r.samples.filter { $0.0.get("__name__") == name }.map(\.2)
    }

    @Test func samplesGetTargetLabelsAndSyntheticSeries() {
        let r = ScrapeProcessor.process(page: page("x{a=\"1\"} 5\ny 2 123\n"), target: target, options: ScrapeOptions(),
                                        previous: [], seenBefore: { _ in false }, time: 1000, duration: 0.25)
        #expect(r.error == nil)
        let x = r.samples.first { $0.0.get("__name__") == "x" }!
        #expect(x.0 == Labels(["__name__": "x", "a": "1", "instance": "a:1", "job": "app"]))
        #expect(r.samples.first { $0.0.get("__name__") == "y" }!.1 == 123, "honor_timestamps keeps the exposed time")
        #expect(values(r, "up") == [1])
        #expect(values(r, "scrape_samples_scraped") == [2])
        #expect(values(r, "scrape_samples_post_metric_relabeling") == [2])
        #expect(values(r, "scrape_series_added") == [2])
        #expect(values(r, "scrape_duration_seconds") == [0.25])
    }

    @Test func vanishedSeriesGetStaleMarkers() {
        let first = ScrapeProcessor.process(page: page("x{a=\"1\"} 1\nx{a=\"2\"} 1\n"), target: target, options: ScrapeOptions(),
                                            previous: [], seenBefore: { _ in false }, time: 0, duration: 0)
        let second = ScrapeProcessor.process(page: page("x{a=\"1\"} 2\n"), target: target, options: ScrapeOptions(),
                                             previous: first.series, seenBefore: { _ in true }, time: 15_000, duration: 0)
        let stale = second.samples.filter { StaleNaN.isStale($0.2) }
        #expect(stale.count == 1)
        #expect(stale[0].0.get("a") == "2")
        #expect(stale[0].1 == 15_000)
        #expect(values(second, "scrape_series_added") == [0])
    }

    @Test func failedScrapeMarksEverythingStaleAndUpIsZero() {
        let first = ScrapeProcessor.process(page: page("x 1\n"), target: target, options: ScrapeOptions(),
                                            previous: [], seenBefore: { _ in false }, time: 0, duration: 0)
        let failed = ScrapeProcessor.process(page: .failure(ScrapeFailure("server returned HTTP status 500 Internal Server Error")),
                                             target: target, options: ScrapeOptions(), previous: first.series,
                                             seenBefore: { _ in true }, time: 15_000, duration: 0.01)
        #expect(failed.error == "server returned HTTP status 500 Internal Server Error")
        #expect(values(failed, "up") == [0])
        #expect(failed.samples.filter { StaleNaN.isStale($0.2) }.count == 1)
        #expect(failed.series.isEmpty)
    }

    @Test func conflictingLabelsAreExportedUnlessHonored() {
        let p = page("x{job=\"other\"} 1\n")
        let r = ScrapeProcessor.process(page: p, target: target, options: ScrapeOptions(), previous: [], seenBefore: { _ in false }, time: 0, duration: 0)
        let x = r.samples.first { $0.0.get("__name__") == "x" }!.0
        #expect(x.get("job") == "app" && x.get("exported_job") == "other")
        var honor = ScrapeOptions()
        honor.honorLabels = true
        let h = ScrapeProcessor.process(page: p, target: target, options: honor, previous: [], seenBefore: { _ in false }, time: 0, duration: 0)
        #expect(h.samples.first { $0.0.get("__name__") == "x" }!.0.get("job") == "other")
    }

    @Test func limitsFailTheWholeScrape() throws {
        var o = ScrapeOptions()
        o.sampleLimit = 1
        let r = ScrapeProcessor.process(page: page("a 1\nb 2\n"), target: target, options: o, previous: [], seenBefore: { _ in false }, time: 0, duration: 0)
        #expect(r.error == "sample limit exceeded")
        #expect(values(r, "up") == [0])
        #expect(values(r, "a").isEmpty)
        var l = ScrapeOptions()
        l.labelLimit = 3
        let r2 = ScrapeProcessor.process(page: page("a{b=\"1\",c=\"2\"} 1\n"), target: target, options: l, previous: [], seenBefore: { _ in false }, time: 0, duration: 0)
        #expect(r2.error?.hasPrefix("label_limit exceeded") == true)
    }

    @Test func metricRelabelingDrops() throws {
        var o = ScrapeOptions()
        o.metricRelabel = [try RelabelConfig(sourceLabels: ["__name__"], regex: "go_.*", action: .drop)]
        let r = ScrapeProcessor.process(page: page("go_x 1\nkeep 2\n"), target: target, options: o, previous: [], seenBefore: { _ in false }, time: 0, duration: 0)
        #expect(values(r, "go_x").isEmpty)
        #expect(values(r, "scrape_samples_scraped") == [2])
        #expect(values(r, "scrape_samples_post_metric_relabeling") == [1])
    }

    @Test func targetsArePopulatedAsPrometheusDoes() throws {
        let t = try ScrapeTarget.populate(Labels(["__address__": "10.0.0.1:9100", "dc": "x"]), job: "node", scheme: "http",
                                          metricsPath: "/metrics", params: ["module": ["a b"]], interval: 15_000, timeout: 10_000,
                                          relabel: [])!
        #expect(t.labels == Labels(["dc": "x", "instance": "10.0.0.1:9100", "job": "node"]))
        #expect(t.url == "http://10.0.0.1:9100/metrics?module=a%20b")
        let o = t.offset(now: 1_000_000)
        #expect(o >= 0 && o <= t.interval)
        #expect(t.offset(now: 1_000_000) == o, "the offset is stable for a target")
    }
}

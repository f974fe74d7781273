import Exposition
import Model
import Testing
@testable import Scrape

/// The scrape loop's cached path (`ScrapeCache`) against the plain one (`ExpositionParser.parse`
/// + `ScrapeProcessor.process` with `previous`/`everSeen` sets, as the loop used to run): over
/// random histories of pages, the reports must be the same sample for sample.
@Suite struct ScrapeCacheTests {
    let target = ScrapeTarget(labels: Labels(["instance": "a:1", "job": "app"]), url: "http://a:1/metrics", interval: 15_000, timeout: 10_000)

    /// The old loop's state: the plain processor plus the two sets.
    struct Reference {
        var previous = Set<Labels>()
        var everSeen = Set<Labels>()
    }

    enum Step {
        case page(String)
        case fetchFailure(String)
    }

    static let values = ["1", "0", "2.5", "-3", "1e3", "NaN", "+Inf", "-Inf", "12345.678", "0.1", "7", "123456789012345678", ".5", "5."]
    static let labelValues = ["", "1", "2", "x y", "q\\\"", "b\\\\s", "n\\nl", "ünï", "job"]

    /// One sample line; the same series can come out in several spellings.
    func line(_ rng: inout some RandomNumberGenerator, om: Bool) -> String {
        let name = ["m0", "m1_total", "m2", "go_drop", "m:3"].randomElement(using: &rng)!
        var pairs: [String] = []
        for n in ["a", "b", "job", "instance", "exported_job"].shuffled(using: &rng) where Int.random(in: 0..<3, using: &rng) == 0 {
            pairs.append("\(n)=\"\(Self.labelValues.randomElement(using: &rng)!)\"")
        }
        var s = name
        if !pairs.isEmpty || Bool.random(using: &rng) {
            let sep = !om && Int.random(in: 0..<4, using: &rng) == 0 ? " , " : ","
            s += "{" + pairs.joined(separator: sep) + (Int.random(in: 0..<5, using: &rng) == 0 && !pairs.isEmpty ? "," : "") + "}"
        }
        s += " " + Self.values.randomElement(using: &rng)!
        if Int.random(in: 0..<6, using: &rng) == 0 {
            s += om ? " \(Int.random(in: 1000...2000, using: &rng)).5" : " \(Int.random(in: 1_000_000...2_000_000, using: &rng))"
        }
        return s
    }

    /// Lines that break a page somewhere: in the series, the value, the timestamp or after.
    static let garbage = ["m0{a=\"1\"} abc", "m0{a=\"1\" 1", "m0{a=\"1\"}1", "m0{a=\"1\"} 1 1.5x", "m0{a=\"1\",a=\"2\"} 1",
                          "m0{a=\"1\"} 1 2 3", "0m 1", "m0{a=1} 2", "m0{a=\"1\"} 1e", "m0{a=\"1\"}  ", "m0{a=\"1\"} - ", "m2 +"]

    func page(_ rng: inout some RandomNumberGenerator, om: Bool, broken: Bool) -> String {
        var lines: [String] = []
        if Bool.random(using: &rng) { lines.append("# TYPE m0 gauge") }
        for _ in 0..<Int.random(in: 0...14, using: &rng) { lines.append(line(&rng, om: om)) }
        if broken {
            lines.insert(Self.garbage.randomElement(using: &rng)!, at: Int.random(in: 0...lines.count, using: &rng))
        }
        if om { lines.append("# EOF") }
        return lines.joined(separator: "\n") + "\n"
    }

    func options(_ k: Int) throws -> ScrapeOptions {
        var o = ScrapeOptions()
        switch k {
        case 1: o.honorLabels = true
        case 2: o.metricRelabel = [try RelabelConfig(sourceLabels: ["__name__"], regex: "go_.*", action: .drop),
                                   try RelabelConfig(regex: "b", action: .labeldrop)]
        case 3: o.labelLimit = 4
        case 4: o.sampleLimit = 6
        case 5: o.honorTimestamps = false
        default: break
        }
        return o
    }

    func same(_ a: ScrapeReport, _ b: ScrapeReport, _ context: String) {
        #expect(a.error == b.error, "\(context)")
        #expect(a.scraped == b.scraped && a.postRelabeling == b.postRelabeling && a.added == b.added, "\(context)")
        let ea = a.samples.map { "\($0.0) \($0.1) \($0.2.bitPattern)" }, eb = b.samples.map { "\($0.0) \($0.1) \($0.2.bitPattern)" }
        #expect(ea == eb, "\(context)")
    }

    @Test(arguments: [ExpositionFormat.prometheusText, .openMetrics], 0..<6)
    func cachedPathMatchesPlainPath(_ format: ExpositionFormat, _ optionSet: Int) throws {
        var rng = SystemRandomNumberGenerator()
        let o = try options(optionSet)
        let om = format == .openMetrics
        for _ in 0..<40 {
            let cache = ScrapeCache(target: target, options: o)
            var ref = Reference()
            // A few fixed pages repeat, so that series texts are seen again.
            let pool = (0..<3).map { _ in page(&rng, om: om, broken: false) }
            for step in 0..<12 {
                let time = Int64(step) * 15_000
                let s: Step
                switch Int.random(in: 0..<10, using: &rng) {
                case 0: s = .fetchFailure("server returned HTTP status 500 Internal Server Error")
                case 1: s = .page(page(&rng, om: om, broken: true))
                case 2, 3: s = .page(page(&rng, om: om, broken: false))
                default: s = .page(pool.randomElement(using: &rng)!)
                }
                var got: ScrapeReport
                let plainPage: Result<ParsedPage, ScrapeFailure>
                switch s {
                case .fetchFailure(let m):
                    got = cache.fail(m, time: time)
                    plainPage = .failure(ScrapeFailure(m))
                case .page(let text):
                    got = cache.process(body: Array(text.utf8), format: format, time: time)
                    do { plainPage = .success(try ExpositionParser(format: format).parse(text)) } catch {
                        plainPage = .failure(ScrapeFailure("\(error)"))
                    }
                }
                cache.finish(&got, time: time, duration: 0.5)
                let seen = ref.everSeen
                let want = ScrapeProcessor.process(page: plainPage, target: target, options: o, previous: ref.previous,
                                                   seenBefore: { seen.contains($0) }, time: time, duration: 0.5)
                same(got, want, "step \(step), options \(optionSet), \(s)")
                // Now and then the append "fails": neither side moves on.
                if Int.random(in: 0..<8, using: &rng) != 0 {
                    cache.commit()
                    ref.previous = want.series
                    ref.everSeen.formUnion(want.newSeries)
                }
                #expect(Set(cache.previousSeries) == ref.previous)
            }
        }
    }

    @Test func repeatedPageReusesLabelsAndCountsNothingAdded() throws {
        let cache = ScrapeCache(target: target, options: ScrapeOptions())
        let text = Array("a{x=\"1\"} 1\na{x=\"2\"} 2\nb 3\n".utf8)
        var first = cache.process(body: text, format: .prometheusText, time: 0)
        cache.finish(&first, time: 0, duration: 0)
        cache.commit()
        var second = cache.process(body: text, format: .prometheusText, time: 15_000)
        cache.finish(&second, time: 15_000, duration: 0)
        cache.commit()
        #expect(first.added == 3 && second.added == 0)
        #expect(second.samples.filter { StaleNaN.isStale($0.2) }.isEmpty)
        for i in 0..<3 {
            // The very same stored label set, so the store's lookup can match it by identity.
            let a = first.samples[i].0.pairs.withUnsafeBufferPointer { $0.baseAddress }
            let b = second.samples[i].0.pairs.withUnsafeBufferPointer { $0.baseAddress }
            #expect(a == b)
        }
    }

    @Test func parseErrorsNameTheSameLineOnAKnownSeries() {
        let cache = ScrapeCache(target: target, options: ScrapeOptions())
        _ = cache.process(body: Array("a{x=\"1\"} 1\n".utf8), format: .prometheusText, time: 0)
        cache.commit()
        let r = cache.process(body: Array("a{x=\"1\"} 1\na{x=\"1\"} zz\n".utf8), format: .prometheusText, time: 15_000)
        #expect(r.error == "line 2, column 12: invalid value \"zz\", expected a number")
        #expect(r.samples.count == 1 && StaleNaN.isStale(r.samples[0].2), "the failed scrape ends the previous series")
    }
}

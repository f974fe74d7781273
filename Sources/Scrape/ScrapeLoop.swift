import Exposition
import Foundation
import Model

/// Scrapes one target every interval, starting at its hash offset, and commits each scrape's
/// samples in one append. Stopping writes staleness markers for everything it exposed.
final class ScrapeLoop: @unchecked Sendable {
    let target: ScrapeTarget
    let config: ScrapeConfig
    let discovered: Labels
    let fetcher: any ScrapeFetcher
    let storage: any Appendable
    let clock: any Model.Clock
    let status: StatusBoard
    /// Only touched by the loop's own task (and by `stop` after the task ended).
    private var previous: Set<Labels> = []
    private var everSeen: Set<Labels> = []

    init(target: ScrapeTarget, config: ScrapeConfig, discovered: Labels, fetcher: any ScrapeFetcher,
         storage: any Appendable, clock: any Model.Clock, status: StatusBoard) {
        self.target = target
        self.config = config
        self.discovered = discovered
        self.fetcher = fetcher
        self.storage = storage
        self.clock = clock
        self.status = status
    }

    var key: String { target.url + target.labels.description }

    func run() async {
        let offset = target.offset(now: clock.now())
        do {
            try await Task.sleep(for: .milliseconds(offset))
            while !Task.isCancelled {
                let started = ContinuousClock.now
                await scrapeOnce()
                let spent = ContinuousClock.now - started
                let wait = Duration.milliseconds(target.interval) - spent
                try await Task.sleep(for: wait > .zero ? wait : .zero)
            }
        } catch {}
        endSeries()
    }

    func scrapeOnce() async {
        let t = clock.now()
        let started = ContinuousClock.now
        let page: Result<ParsedPage, ScrapeFailure>
        do {
            let fetched = try await fetcher.fetch(target.url, settings: config.http, timeout: target.timeout,
                                                  bodyLimit: config.bodySizeLimit)
            if fetched.status / 100 != 2 {
                page = .failure(ScrapeFailure("server returned HTTP status \(fetched.status) \(httpReason(fetched.status))"))
            } else {
                let format = ExpositionFormat(contentType: fetched.contentType)
                do {
                    page = .success(try ExpositionParser(format: format).parse(String(decoding: fetched.body, as: UTF8.self)))
                } catch {
                    page = .failure(ScrapeFailure("\(error)"))
                }
            }
        } catch let f as ScrapeFailure {
            page = .failure(f)
        } catch {
            page = .failure(ScrapeFailure("\(error)"))
        }
        let d = ContinuousClock.now - started
        let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        let seen = everSeen
        var report = ScrapeProcessor.process(page: page, target: target, options: config.options, previous: previous,
                                             seenBefore: { seen.contains($0) }, time: t, duration: seconds)
        var appendError: String?
        do {
            let app = storage.makeAppender()
            for (l, ts, v) in report.samples {
                do { try app.append(l, ts, v) } catch let e as AppendError {
                    // Out-of-order or duplicate samples are dropped one by one, as Prometheus drops them.
                    switch e {
                    case .outOfOrder, .outOfBounds, .duplicateSampleForTimestamp: continue
                    default: throw e
                    }
                }
            }
            try app.commit()
        } catch {
            appendError = "append: \(error)"
            report.error = report.error ?? appendError
        }
        if appendError == nil {
            previous = report.series
            everSeen.formUnion(report.newSeries)
        }
        let err = report.error
        status.update(key) { s in
            s.health = err == nil ? .up : .down
            s.lastError = err ?? ""
            s.lastScrape = t
            s.lastDuration = seconds
        }
    }

    /// Staleness markers for every series of the last scrape (target gone or shut down).
    func endSeries() {
        guard !previous.isEmpty else { return }
        let t = clock.now()
        let app = storage.makeAppender()
        for l in previous { try? app.append(l, t, StaleNaN.value) }
        for name in ["up", "scrape_duration_seconds", "scrape_samples_scraped", "scrape_samples_post_metric_relabeling", "scrape_series_added"] {
            try? app.append(target.labels.setting(Labels.metricName, name), t, StaleNaN.value)
        }
        try? app.commit()
        previous = []
    }
}

func httpReason(_ code: Int) -> String {
    switch code {
    case 400: return "Bad Request"
    case 401: return "Unauthorized"
    case 403: return "Forbidden"
    case 404: return "Not Found"
    case 429: return "Too Many Requests"
    case 500: return "Internal Server Error"
    case 502: return "Bad Gateway"
    case 503: return "Service Unavailable"
    case 504: return "Gateway Timeout"
    default: return ""
    }
}

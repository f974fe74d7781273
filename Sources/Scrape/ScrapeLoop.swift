import Exposition
import Foundation
import Model
import Synchronization

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
    /// Series texts, previous scrape and series ever written. Held from processing through
    /// commit, so that a `scrapeAllOnce` next to the loop's own scrape cannot interleave.
    private let cache: Mutex<ScrapeCache>

    init(target: ScrapeTarget, config: ScrapeConfig, discovered: Labels, fetcher: any ScrapeFetcher,
         storage: any Appendable, clock: any Model.Clock, status: StatusBoard) {
        self.target = target
        self.config = config
        self.discovered = discovered
        self.fetcher = fetcher
        self.storage = storage
        self.clock = clock
        self.status = status
        self.cache = Mutex(ScrapeCache(target: target, options: config.options))
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
        let fetched: Result<FetchedPage, ScrapeFailure>
        do {
            let f = try await fetcher.fetch(target.url, settings: config.http, timeout: target.timeout,
                                            bodyLimit: config.bodySizeLimit)
            if f.status / 100 != 2 {
                fetched = .failure(ScrapeFailure("server returned HTTP status \(f.status) \(httpReason(f.status))"))
            } else {
                fetched = .success(f)
            }
        } catch let f as ScrapeFailure {
            fetched = .failure(f)
        } catch {
            fetched = .failure(ScrapeFailure("\(error)"))
        }
        let storage = self.storage
        let (err, seconds) = cache.withLock { cache -> (String?, Double) in
            var report: ScrapeReport
            switch fetched {
            case .success(let f): report = cache.process(body: f.body, format: ExpositionFormat(contentType: f.contentType), time: t)
            case .failure(let f): report = cache.fail(f.message, time: t)
            }
            // Fetch, parse and processing: everything before the append.
            let d = ContinuousClock.now - started
            let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
            cache.finish(&report, time: t, duration: seconds)
            do {
                let app = storage.makeAppender()
                // Out-of-order or duplicate samples are dropped one by one, as Prometheus drops them.
                try cache.append(report, to: app)
                try app.commit()
                cache.commit()
            } catch {
                report.error = report.error ?? "append: \(error)"
            }
            return (report.error, seconds)
        }
        status.update(key) { s in
            s.health = err == nil ? .up : .down
            s.lastError = err ?? ""
            s.lastScrape = t
            s.lastDuration = seconds
        }
    }

    /// Staleness markers for every series of the last scrape (target gone or shut down).
    func endSeries() {
        let previous = cache.withLock { c -> [Labels] in
            let p = c.previousSeries
            c.forgetPrevious()
            return p
        }
        guard !previous.isEmpty else { return }
        let t = clock.now()
        let app = storage.makeAppender()
        for l in previous { try? app.append(l, t, StaleNaN.value) }
        for name in ScrapeProcessor.syntheticNames {
            try? app.append(target.labels.setting(Labels.metricName, name), t, StaleNaN.value)
        }
        try? app.commit()
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

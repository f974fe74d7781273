import Exposition
import Model

/// What a scrape loop remembers of its target between scrapes, as Prometheus' `scrapeCache`:
/// each raw series text of the page (`name{labels}`) maps to the series it became after label
/// merging and metric relabeling (or to "dropped"). A line whose series text was seen before
/// costs one hash of its bytes and the parse of its value: no label `String`s, no relabeling, no
/// `Labels` hashing, and the same `Labels` value goes to the store every time.
///
/// The series table also replaces the loop's old `previous` and `everSeen` sets: each series
/// carries the last scrape that wrote it (staleness) and whether any scrape wrote it
/// (`scrape_series_added`). `process` and `fail` give the same `ScrapeReport` samples, errors
/// and counts as `ScrapeProcessor.process` does for the same history (its `series` and
/// `newSeries` are left empty); the history only moves on `commit()`, after the append succeeded.
public final class ScrapeCache {
    let target: ScrapeTarget
    let options: ScrapeOptions

    struct Series {
        let labels: Labels
        /// The store's handle for the series (`Appender.append(_:_:_:labels:)`), as Prometheus'
        /// cache keeps the series ref: appends skip the store's lookup of `labels`.
        var handle: AnyObject?
        /// Where `labels`' pairs are stored, and how many: a report sample with the same is this
        /// series (both keep their storage alive, so equal addresses mean the same storage).
        let address: UInt
        let count: Int
        /// The last `process` call that had it (duplicates within a page are dropped).
        var seenIter = -1
        /// The last committed scrape that wrote it.
        var committedIter = -1
        /// Whether any committed scrape wrote it.
        var ever = false
    }

    private var texts = SeriesTextTable()
    private var textFormat: ExpositionFormat?
    private var series: [Series] = []
    private var seriesIndex: [Labels: Int32] = [:]
    private var iter = 0
    /// The committed scrape whose series are "the previous scrape's" (-2: none, after a failure).
    private var previousIter = -2
    private var previousCount = 0
    /// Series written by the scrape being processed, applied by `commit()`.
    private var pendingSeen: [Int32] = []
    private var pendingFailed = false
    /// Series of the scrape being processed that the previous scrape had.
    private var stillThere = 0

    public init(target: ScrapeTarget, options: ScrapeOptions) {
        self.target = target
        self.options = options
    }

    /// The series of the last committed scrape.
    public var previousSeries: [Labels] {
        series.filter { $0.committedIter == previousIter }.map(\.labels)
    }

    /// A page fetched with status 2xx: parse, merge labels, relabel, limits, staleness. The
    /// synthetic series come from `finish`.
    public func process(body: [UInt8], format: ExpositionFormat, time: Int64) -> ScrapeReport {
        iter += 1
        pendingSeen.removeAll(keepingCapacity: true)
        pendingFailed = false
        if textFormat != format {
            // The same bytes can parse differently in the other format.
            texts.removeAll()
            textFormat = format
        }
        var r = ScrapeReport()
        let outcome = ExpositionScanner.withPageBytes(body) { buf in scan(buf, format: format, time: time, into: &r) }
        switch outcome {
        case .failure(let e):
            return failed("\(e)", time: time)
        case .success(let limitFailure?):
            var f = failed(limitFailure, time: time)
            f.scraped = r.scraped
            return f
        case .success(nil):
            if options.sampleLimit > 0 && r.postRelabeling > options.sampleLimit {
                var f = failed("sample limit exceeded", time: time)
                f.scraped = r.scraped
                return f
            }
        }
        // Only when something vanished is the walk over all series worth doing.
        if stillThere < previousCount {
            var stale: [Labels] = []
            for s in series where s.committedIter == previousIter && s.seenIter != iter { stale.append(s.labels) }
            for l in stale.sorted(by: <) { r.samples.append((l, time, StaleNaN.value)) }
        }
        return r
    }

    /// The page loop. Returns a label_limit failure (found while the rest of the page is still
    /// checked for syntax, since a parse error wins as in `ScrapeProcessor.process`), or the
    /// parse error.
    private func scan(_ buf: UnsafeBufferPointer<UInt8>, format: ExpositionFormat, time: Int64,
                      into r: inout ScrapeReport) -> Result<String?, ExpositionError> {
        // Worked on as locals: no exclusivity checks or copies per sample.
        var texts = self.texts
        var series = self.series
        var seen = self.pendingSeen
        self.texts = SeriesTextTable()
        self.series = []
        defer {
            self.texts = texts
            self.series = series
            self.pendingSeen = seen
        }
        r.samples.reserveCapacity(previousCount + 8)
        seen.reserveCapacity(previousCount)
        let iter = self.iter, previousIter = self.previousIter
        let honorTimestamps = options.honorTimestamps, labelLimit = options.labelLimit
        var scanner = ExpositionScanner(format: format, buffer: buf)
        var limitFailure: String?
        var scraped = 0, post = 0, still = 0, added = 0
        var value = 0.0, ts: Int64? = nil
        // Pages repeat their order, so the entry after the last match is tried first: a byte
        // comparison of the line with it, no scan for the series end and no hash.
        var predicted = 0
        do {
            while try scanner.nextLine() {
                scraped += 1
                var idx: Int32
                var hit = false
                if predicted < texts.count && texts.withKey(predicted, { scanner.seriesText(is: $0) }) {
                    idx = texts.value(predicted)
                    predicted += 1
                    hit = true
                } else {
                    let text = scanner.seriesText()
                    let hash = XXHash64.hash(text)
                    if let (entry, v) = texts.find(text, hash: hash) {
                        idx = v
                        predicted = entry + 1
                        hit = true
                    } else {
                        let p = try scanner.parseSample()
                        if limitFailure != nil { continue }
                        (value, ts) = (p.value, p.timestamp)
                        idx = resolve(p.labels, &series)
                        if scanner.seriesTextMatched { predicted = texts.insert(text, hash: hash, value: idx) + 1 }
                    }
                }
                if hit { (value, ts) = try scanner.parseValue() }
                if limitFailure != nil || idx < 0 { continue }
                let i = Int(idx)
                if labelLimit > 0 && series[i].labels.count > labelLimit {
                    limitFailure = ScrapeProcessor.labelLimitMessage(series[i].labels, labelLimit)
                    continue
                }
                post += 1
                if series[i].seenIter == iter { continue }  // a repeated series: the first sample wins
                series[i].seenIter = iter
                r.samples.append((series[i].labels, honorTimestamps ? (ts ?? time) : time, value))
                seen.append(idx)
                if series[i].committedIter == previousIter {
                    still += 1
                } else if !series[i].ever {
                    added += 1
                }
            }
        } catch {
            return .failure(error)
        }
        r.scraped = scraped
        r.postRelabeling = post
        r.added = added
        stillThere = still
        return .success(limitFailure)
    }

    /// The series index for a parsed label set, or -1 when metric relabeling drops it.
    private func resolve(_ parsed: [Label], _ series: inout [Series]) -> Int32 {
        guard let final = ScrapeProcessor.finalLabels(parsed, target: target, options: options) else { return -1 }
        if let i = seriesIndex[final] { return i }
        let i = Int32(series.count)
        series.append(Series(labels: final, address: ScrapeCache.address(final), count: final.pairs.count))
        seriesIndex[final] = i
        return i
    }

    /// Appends `report` (from `process` or `fail`, then `finish`) to `app`, the page's series by
    /// their store handles. Out-of-order, out-of-bounds and duplicate samples are dropped one by
    /// one, as Prometheus drops them; other errors are thrown. Call `commit()` on both after.
    public func append(_ report: ScrapeReport, to app: any Appender) throws {
        // The report's first samples are this page's series in `pendingSeen` order.
        let handled = pendingFailed ? 0 : min(pendingSeen.count, report.samples.count)
        var series = self.series
        self.series = []
        defer { self.series = series }
        for i in report.samples.indices {
            do {
                if i < handled {
                    let k = Int(pendingSeen[i])
                    if series[k].address == ScrapeCache.address(report.samples[i].0)
                        && series[k].count == report.samples[i].0.pairs.count {
                        try app.append(&series[k].handle, report.samples[i].1, report.samples[i].2) { report.samples[i].0 }
                        continue
                    }
                }
                try app.append(report.samples[i].0, report.samples[i].1, report.samples[i].2)
            } catch let e as AppendError {
                switch e {
                case .outOfOrder, .outOfBounds, .duplicateSampleForTimestamp: continue
                default: throw e
                }
            }
        }
    }

    /// The address of a label set's pairs (label sets are never empty here).
    private static func address(_ l: Labels) -> UInt {
        l.pairs.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
    }

    /// A failed scrape: the error, and staleness markers for every series of the last one.
    public func fail(_ message: String, time: Int64) -> ScrapeReport {
        iter += 1
        return failed(message, time: time)
    }

    private func failed(_ message: String, time: Int64) -> ScrapeReport {
        pendingSeen.removeAll(keepingCapacity: true)
        pendingFailed = true
        var r = ScrapeReport()
        r.error = message
        for l in previousSeries.sorted(by: <) { r.samples.append((l, time, StaleNaN.value)) }
        return r
    }

    /// Appends the synthetic series (after the duration is known).
    public func finish(_ r: inout ScrapeReport, time: Int64, duration: Double) {
        ScrapeProcessor.appendSynthetic(&r, target: target, time: time, duration: duration)
    }

    /// After the loop wrote staleness markers for the previous series itself.
    public func forgetPrevious() {
        previousIter = -2
        previousCount = 0
    }

    /// The report was appended: its series become the previous scrape's.
    public func commit() {
        if pendingFailed {
            previousIter = -2
            previousCount = 0
        } else {
            for i in pendingSeen {
                series[Int(i)].committedIter = iter
                series[Int(i)].ever = true
            }
            previousIter = iter
            previousCount = pendingSeen.count
        }
        pendingSeen.removeAll(keepingCapacity: true)
        pendingFailed = false
    }
}

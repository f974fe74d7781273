// Scrape benchmarks (scripts/bench-scrape.sh).
//
//   scrape-bench page [--pages N] [--format text|openmetrics|both] [--path cache|plain]
//       Parse-and-append throughput on a Gatewayz page (GatewayzData: 15 providers × 100 models,
//       20-bucket latency histograms; ≈ 49,600 samples). The page texts are generated once
//       (untimed, 8 different scrapes cycled); each timed page is what ScrapeLoop.scrapeOnce does
//       after the fetch: ScrapeCache.process (parse + labels + relabeling + staleness in one pass)
//       and DB appender append/commit into a TSDB in /tmp, at timestamps 15 s apart.
//       `--path plain` runs the uncached path instead (ExpositionParser.parse +
//       ScrapeProcessor.process + the previous/everSeen sets the loop used to keep).
//   scrape-bench cpu --targets URLFILE [--seconds S] [--warmup S]
//       Runs a ScrapeManager with HTTPScrapeFetcher into a DB (in /tmp) over the targets in
//       URLFILE (one host:port per line) every 15 s, and reports the process CPU (getrusage)
//       over S seconds after a warm-up.

import Exposition
import Foundation
import GatewayzData
import Glibc
import Model
import Scrape
import TSDB

let clock = ContinuousClock()
func secs(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
func fmt(_ x: Double, _ d: Int = 2) -> String { String(format: "%.\(d)f", x) }
func cpuTimes() -> (user: Double, sys: Double) {
    var u = rusage()
    getrusage(RUSAGE_SELF.rawValue, &u)
    return (Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6, Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6)
}
/// This thread's CPU time in seconds: phases timed with it are not inflated while other
/// builds on the machine take the core away.
func threadCPU() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}
func rssMB() -> Double {
    let s = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)) ?? "0 0"
    return Double(s.split(separator: " ")[1])! * 4096 / 1_048_576
}

struct WallClock: Model.Clock {
    func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}

let args = Array(CommandLine.arguments.dropFirst())
func opt(_ name: String, _ def: String) -> String {
    if let i = args.firstIndex(of: name), i + 1 < args.count { return args[i + 1] }
    return def
}

func pageBench(format: ExpositionFormat, pages: Int, plain: Bool) throws {
    let fleet = GatewayzFleet()
    let om = format == .openMetrics
    let distinct = 8
    let g0 = clock.now
    let texts = (0..<distinct).map { fleet.page(k: 1000 + $0, openMetrics: om) }
    let bodies = texts.map { Array($0.utf8) }
    let bytes = texts[0].utf8.count
    print("== page: \(om ? "OpenMetrics 1.0" : "Prometheus text 0.0.4"), \(plain ? "plain path (ExpositionParser.parse + ScrapeProcessor.process + sets)" : "scrape loop path (ScrapeCache)"), \(fleet.series.count) samples, \(bytes / 1024) KiB per page (\(distinct) distinct pages generated in \(fmt(secs(clock.now - g0), 2)) s, untimed)")
    let path = "/tmp/klaxon-scrape-bench-\(getpid())-\(om ? "om" : "text")"
    try? FileManager.default.removeItem(atPath: path)
    let db = try DB.open(path)
    defer { db.close(); try? FileManager.default.removeItem(atPath: path) }
    let target = ScrapeTarget(labels: Labels(["instance": "gatewayz-api:8000", "job": "gatewayz"]),
                              url: "http://gatewayz-api:8000/metrics", interval: 15_000, timeout: 10_000)
    let options = ScrapeOptions()
    let parser = ExpositionParser(format: format)
    let cache = ScrapeCache(target: target, options: options)
    var previous = Set<Labels>()
    var everSeen = Set<Labels>()
    // Phases: plain = parse, process, append, bookkeeping; cached = parse+process, -, append, commit.
    var tParse = 0.0, tProcess = 0.0, tAppend = 0.0, tBook = 0.0, samples = 0
    var cParse = 0.0, cProcess = 0.0, cAppend = 0.0, cBook = 0.0, cpuAll = 0.0
    var firstPage = 0.0
    let t0: Int64 = 1_764_000_000_000
    let cpu0 = cpuTimes()
    var wallAll = 0.0
    for p in 0...pages {
        let time = t0 + Int64(p) * 15_000
        let a = clock.now, ca = threadCPU()
        var report: ScrapeReport
        let b: ContinuousClock.Instant, cb: Double
        if plain {
            let page = try parser.parse(texts[p % distinct])
            b = clock.now; cb = threadCPU()
            let seen = everSeen
            report = ScrapeProcessor.process(page: .success(page), target: target, options: options, previous: previous,
                                             seenBefore: { seen.contains($0) }, time: time, duration: 0.1)
        } else {
            // What ScrapeLoop.scrapeOnce does after the fetch: parse and process in one pass.
            report = cache.process(body: bodies[p % distinct], format: format, time: time)
            cache.finish(&report, time: time, duration: 0.1)
            b = clock.now; cb = threadCPU()
        }
        guard report.error == nil else { fatalError("scrape failed: \(report.error!)") }
        let c = clock.now, cc = threadCPU()
        let app = db.makeAppender()
        if plain {
            for (l, ts, v) in report.samples { try app.append(l, ts, v) }
        } else {
            try cache.append(report, to: app)  // as ScrapeLoop.scrapeOnce: by the cached series handles
        }
        try app.commit()
        let d = clock.now, cd = threadCPU()
        if plain {
            // ScrapeLoop's old bookkeeping after a successful append.
            previous = report.series
            everSeen.formUnion(report.newSeries)
        } else {
            cache.commit()
        }
        let e = clock.now, ce = threadCPU()
        if p == 0 {
            firstPage = secs(e - a)
            print("first page (creates \(report.samples.count) series): \(fmt(firstPage * 1e3, 1)) ms (parse \(fmt(secs(b - a) * 1e3, 1)), process \(fmt(secs(c - b) * 1e3, 1)), append+commit \(fmt(secs(d - c) * 1e3, 1)), bookkeeping \(fmt(secs(e - d) * 1e3, 1)))")
            continue
        }
        tParse += secs(b - a); tProcess += secs(c - b); tAppend += secs(d - c); tBook += secs(e - d)
        cParse += cb - ca; cProcess += cc - cb; cAppend += cd - cc; cBook += ce - cd
        samples += report.samples.count
        wallAll += secs(e - a)
        cpuAll += ce - ca
    }
    let cpu1 = cpuTimes()
    let perPage = wallAll / Double(pages)
    print("steady state, \(pages) pages (\(samples) samples incl. 5 synthetic series per scrape):")
    print("  wall \(fmt(perPage * 1e3, 1)) ms per page, \(fmt(Double(samples) / wallAll / 1e6, 3)) M samples/s (process CPU user+sys \(fmt((cpu1.user + cpu1.sys - cpu0.user - cpu0.sys) / Double(pages + 1) * 1e3, 1)) ms per page incl. the first)")
    print("  thread CPU \(fmt(cpuAll / Double(pages) * 1e3, 1)) ms per page, \(fmt(Double(samples) / cpuAll / 1e6, 3)) M samples/s per core")
    let phases = plain
        ? [("parse (ExpositionParser)", tParse, cParse), ("process (ScrapeProcessor)", tProcess, cProcess), ("append + commit (DB)", tAppend, cAppend),
           ("previous/everSeen update", tBook, cBook)]
        : [("parse+process (ScrapeCache)", tParse, cParse), ("append + commit (DB)", tAppend, cAppend), ("cache commit", tBook, cBook)]
    print("  phase (thread CPU; wall in brackets)")
    for (name, t, c) in phases {
        print("  \(name.padding(toLength: 27, withPad: " ", startingAt: 0)) \(fmt(c / Double(pages) * 1e3, 2)) ms/page  \(fmt(c / Double(samples) * 1e9, 0)) ns/sample  \(fmt(c / cpuAll * 100, 1)) %  (alone: \(fmt(Double(samples) / c / 1e6, 2)) M samples/s)  [wall \(fmt(t / Double(pages) * 1e3, 2)) ms]")
    }
    print("  head series \(db.stats.headSeries), RSS \(fmt(rssMB(), 0)) MB")
}

func cpuBench(targetsFile: String, seconds: Int, warmup: Int) async throws {
    let hosts = try String(contentsOfFile: targetsFile, encoding: .utf8).split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    let path = "/tmp/klaxon-scrape-cpu-\(getpid())"
    try? FileManager.default.removeItem(atPath: path)
    let db = try DB.open(path)
    let fetcher = try HTTPScrapeFetcher()
    let manager = ScrapeManager(fetcher: fetcher, storage: db, clock: WallClock())
    var cfg = ScrapeConfig(interval: 15_000, timeout: 10_000)
    cfg.jobName = "gatewayz"
    cfg.staticConfigs = [TargetGroup(targets: hosts, labels: [:], source: "static")]
    let start = clock.now
    let c00 = cpuTimes()
    manager.apply([cfg])
    let runner = Task { await manager.run() }
    print("== cpu: \(hosts.count) targets, 15 s interval, warm-up \(warmup) s, then \(seconds) s measured")
    try await Task.sleep(for: .seconds(warmup))
    let c0 = cpuTimes()
    let w0 = clock.now
    var last = c0
    var minute = 0
    while secs(clock.now - w0) < Double(seconds) - 0.5 {
        let left = Double(seconds) - secs(clock.now - w0)
        try await Task.sleep(for: .seconds(min(60, left)))
        let c = cpuTimes()
        minute += 1
        print("  interval \(minute) (to \(fmt(secs(clock.now - w0), 0)) s): CPU \(fmt(c.user + c.sys - last.user - last.sys, 2)) s (user \(fmt(c.user - last.user, 2)), sys \(fmt(c.sys - last.sys, 2)))")
        last = c
    }
    let c1 = cpuTimes()
    let wall = secs(clock.now - w0)
    let used = c1.user + c1.sys - c0.user - c0.sys
    let st = db.stats
    let health = manager.status
    _ = health
    print("  measured window \(fmt(wall, 1)) s: CPU \(fmt(used, 2)) s = \(fmt(used / wall * 60, 2)) CPU-s per minute = \(fmt(used / wall * 100, 2)) % of one core")
    print("  (warm-up incl. series creation: \(fmt(c0.user + c0.sys - c00.user - c00.sys, 2)) s CPU in \(fmt(secs(w0 - start), 0)) s)")
    print("  head series \(st.headSeries), RSS \(fmt(rssMB(), 0)) MB")
    runner.cancel()
    await runner.value
    fetcher.shutdown()
    db.close()
    try? FileManager.default.removeItem(atPath: path)
}

switch args.first {
case "page":
    let pages = Int(opt("--pages", "40"))!
    let f = opt("--format", "both")
    let plain = opt("--path", "cache") == "plain"
    if f == "text" || f == "both" { try pageBench(format: .prometheusText, pages: pages, plain: plain) }
    if f == "openmetrics" || f == "both" { try pageBench(format: .openMetrics, pages: pages, plain: plain) }
case "cpu":
    try await cpuBench(targetsFile: opt("--targets", "/tmp/targets.txt"), seconds: Int(opt("--seconds", "180"))!,
                       warmup: Int(opt("--warmup", "30"))!)
default:
    print("usage: scrape-bench page [--pages N] [--format text|openmetrics|both] [--path cache|plain] | cpu --targets FILE [--seconds S] [--warmup S]")
    exit(2)
}

// TSDB benchmarks on realistic scrape data (see Workload.swift), timed with ContinuousClock,
// memory read from /proc/self/status. Store directories go under /tmp and are deleted after.
//
//   tsdb-bench bytes       [--targets 100] [--hours 24] [--jitter MS]
//   tsdb-bench append      [--targets 100] [--scrapes 480] [--batch SAMPLES]
//   tsdb-bench replay      [--targets 100] [--scrapes 720]
//   tsdb-bench head-memory [--series 100000]
//   tsdb-bench rss-1m      [--series 1000000] [--scrapes 120]
//   tsdb-bench query       [--series 100000] [--iterations 10]
//
// A target exports 100 series (49 counters, 23 gauges, 28 histogram series), so 100 targets
// are 10,000 series.

import Foundation
import Glibc
import Model
import PromQL
import TSDB

// MARK: - Helpers

let clock = ContinuousClock()

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}

func fmt(_ x: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", x) }
func mega(_ x: Double) -> String { fmt(x / 1e6, 2) + " M" }
func mib(_ bytes: Int) -> String { fmt(Double(bytes) / 1_048_576, 1) + " MiB" }

/// VmRSS and VmHWM in bytes.
func memory() -> (rss: Int, hwm: Int) {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (0, 0) }
    var rss = 0, hwm = 0
    for line in text.split(separator: "\n") {
        let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard parts.count >= 2, let kb = Int(parts[1]) else { continue }
        if parts[0] == "VmRSS:" { rss = kb * 1024 }
        if parts[0] == "VmHWM:" { hwm = kb * 1024 }
    }
    return (rss, hwm)
}

/// RSS after returning freed heap memory to the kernel, so deltas measure live data.
@_silgen_name("malloc_trim") func mallocTrim(_ pad: Int) -> Int32

func trimmedRSS() -> Int {
    _ = mallocTrim(0)
    return memory().rss
}

/// User + system CPU seconds of this process.
func cpuTime() -> Double {
    var u = rusage()
    getrusage(0 /* RUSAGE_SELF */, &u)
    return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6
        + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6
}

/// Wall and CPU time of `body`.
func measure<T>(_ body: () throws -> T) rethrows -> (T, wall: Double, cpu: Double) {
    let c0 = cpuTime()
    let t0 = clock.now
    let r = try body()
    return (r, seconds(clock.now - t0), cpuTime() - c0)
}

func storeDir(_ name: String) -> String {
    let p = "/tmp/klaxon-tsdb-bench-\(name)-\(getpid())"
    try? FileManager.default.removeItem(atPath: p)
    return p
}

func removeStore(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

func directorySize(_ path: String) -> Int {
    guard let files = FileManager.default.subpaths(atPath: path) else { return 0 }
    var total = 0
    for f in files {
        let attrs = try? FileManager.default.attributesOfItem(atPath: path + "/" + f)
        if (attrs?[.type] as? FileAttributeType) == .typeRegular { total += (attrs?[.size] as? Int) ?? 0 }
    }
    return total
}

func option(_ name: String, _ def: Int) -> Int {
    let a = CommandLine.arguments
    if let i = a.firstIndex(of: name), i + 1 < a.count, let v = Int(a[i + 1]) { return v }
    return def
}

func header(_ title: String) {
    print("== \(title)")
    print("   \(ProcessInfo.processInfo.activeProcessorCount) cores, \(Date())")
}

/// Appends one scrape of every series of `fleet` at scrape `k`, committing every `batch` samples.
func appendScrape(_ db: DB, _ fleet: Fleet, _ k: Int, batch: Int, jitterMs: Int = 0) throws {
    var app = db.makeAppender()
    var n = 0
    let per = template.count
    for tg in 0..<fleet.targets {
        let t = scrapeTime(k, target: tg, jitterMs: jitterMs)
        let vals = fleet.state[tg].values
        for j in 0..<per {
            try app.append(fleet.labels[tg * per + j], t, vals[j])
        }
        n += per
        if n >= batch { try app.commit(); app = db.makeAppender(); n = 0 }
    }
    try app.commit()
}

// MARK: - bytes

func benchBytes() throws {
    let targets = option("--targets", 100), hours = option("--hours", 24), jitter = option("--jitter", 0)
    let scrapes = hours * 240
    header("bytes: \(targets * 100) series, \(hours) h at 15 s, jitter ±\(jitter) ms, 2 h blocks")
    let path = storeDir("bytes")
    defer { removeStore(path) }
    var fleet = Fleet(targets: targets)
    let n = fleet.seriesCount
    let db = try DB.open(path)
    // Shadow encoders: the same samples into 120-sample XOR chunks per series, to split the chunk
    // bytes by value kind and metric; and a copy with every value 0, which isolates the timestamps.
    var shadow = [XORChunk](repeating: XORChunk(), count: n)
    var tsOnly = [XORChunk](repeating: XORChunk(), count: n)
    var shadowBytes = [Int](repeating: 0, count: n)
    var tsBytes = 0
    let (_, wall, _) = try measure {
        for k in 0..<scrapes {
            if k > 0 { fleet.step() }
            try appendScrape(db, fleet, k, batch: 10_000, jitterMs: jitter)
            for i in 0..<n {
                if shadow[i].count == 120 {
                    shadowBytes[i] += shadow[i].bytes.count; shadow[i] = XORChunk()
                    tsBytes += tsOnly[i].bytes.count; tsOnly[i] = XORChunk()
                }
                let t = scrapeTime(k, target: i / 100, jitterMs: jitter)
                shadow[i].append(t, fleet.value(i))
                tsOnly[i].append(t, 0)
            }
            if k % 240 == 239 { try db.compact() }
        }
        try db.flushHead()
    }
    for i in 0..<n { shadowBytes[i] += shadow[i].bytes.count; tsBytes += tsOnly[i].bytes.count }
    db.close()
    let samples = n * scrapes
    print("   wrote \(samples) samples in \(fmt(wall, 1)) s (appends, shadow encoding, compaction)")

    let a = try Analysis.analyze(path)
    var chunkFiles = 0, indexFiles = 0, metaFiles = 0
    for name in try FileManager.default.contentsOfDirectory(atPath: path) {
        let d = path + "/" + name
        guard FileManager.default.fileExists(atPath: d + "/meta.json") else { continue }
        chunkFiles += directorySize(d) - ((try? FileManager.default.attributesOfItem(atPath: d + "/index")[.size] as? Int) ?? 0)
            - ((try? FileManager.default.attributesOfItem(atPath: d + "/meta.json")[.size] as? Int) ?? 0)
        indexFiles += (try? FileManager.default.attributesOfItem(atPath: d + "/index")[.size] as? Int) ?? 0
        metaFiles += (try? FileManager.default.attributesOfItem(atPath: d + "/meta.json")[.size] as? Int) ?? 0
    }
    let s = Double(a.sampleCount)
    print("   blocks: \(a.blocks.count), series: \(a.seriesCount), samples in blocks: \(a.sampleCount) (expected \(samples))")
    print("   chunks: \(a.blocks.reduce(0) { $0 + $1.stats.numChunks })")
    print("   on disk: chunks files \(chunkFiles) B, index files \(indexFiles) B, meta.json \(metaFiles) B, total \(a.totalBytes) B")
    print("   BYTES PER SAMPLE: total \(fmt(Double(a.totalBytes) / s, 3))  = chunks \(fmt(Double(chunkFiles) / s, 3)) + index \(fmt(Double(indexFiles) / s, 3)) + meta \(fmt(Double(metaFiles) / s, 4))")
    print("   (Analysis.bytesPerSample \(fmt(a.bytesPerSample, 3)), totalBytesPerSample \(fmt(a.totalBytesPerSample, 3)))")
    let rawChunk = shadowBytes.reduce(0, +)
    let chunkCount = a.blocks.reduce(0) { $0 + $1.stats.numChunks }
    print("   XOR chunk payload (shadow encoders): \(fmt(Double(rawChunk) / Double(samples), 3)) B/sample; per-chunk framing in the chunks file (length varint + CRC32C): \(fmt(Double(chunkFiles - rawChunk) / Double(max(chunkCount, 1)), 2)) B/chunk")
    print("   timestamps alone (same times, all values 0): \(fmt(Double(tsBytes) / Double(samples), 3)) B/sample (includes 1 bit/sample for the unchanged value and the 8-byte first value per chunk)")
    // By kind and by metric.
    var byKind: [Kind: (bytes: Int, series: Int)] = [:]
    var byMetric: [String: (bytes: Int, series: Int, kind: Kind)] = [:]
    for i in 0..<n {
        let spec = template[i % 100]
        byKind[spec.kind, default: (0, 0)].bytes += shadowBytes[i]
        byKind[spec.kind, default: (0, 0)].series += 1
        byMetric[spec.name, default: (0, 0, spec.kind)].bytes += shadowBytes[i]
        byMetric[spec.name, default: (0, 0, spec.kind)].series += 1
    }
    print("   by kind (XOR chunk bytes per sample | share of series | share of chunk bytes):")
    for k in Kind.allCases {
        let e = byKind[k] ?? (0, 0)
        print("     \(k.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \(fmt(Double(e.bytes) / Double(e.series * scrapes), 3))  | \(fmt(100 * Double(e.series) / Double(n), 0)) % | \(fmt(100 * Double(e.bytes) / Double(rawChunk), 1)) %")
    }
    print("   by metric, costliest first (B/sample, series per target):")
    for (name, e) in byMetric.sorted(by: { Double($0.value.bytes) / Double($0.value.series) > Double($1.value.bytes) / Double($1.value.series) }) {
        print("     \(fmt(Double(e.bytes) / Double(e.series * scrapes), 3))  \(name) (\(e.kind.rawValue), \(e.series / targets))")
    }
}

// MARK: - append

func benchAppend() throws {
    let targets = option("--targets", 100), scrapes = option("--scrapes", 480), batch = option("--batch", 10_000)
    var fleet = Fleet(targets: targets)
    let n = fleet.seriesCount
    header("append: \(n) series × \(scrapes) scrapes, commit every \(batch) samples")
    // Pre-generate the values so that only the store is timed.
    var values = [Double](repeating: 0, count: n * scrapes)
    for k in 0..<scrapes {
        if k > 0 { fleet.step() }
        for i in 0..<n { values[k * n + i] = fleet.value(i) }
    }
    let times = (0..<scrapes).map { k in (0..<targets).map { scrapeTime(k, target: $0, jitterMs: 0) } }
    let labels = fleet.labels
    let path = storeDir("append")
    defer { removeStore(path) }
    let db = try DB.open(path)
    var appendWall = 0.0, commitWall = 0.0, commits = 0
    let (_, wall, cpu) = try measure {
        for k in 0..<scrapes {
            var app = db.makeAppender()
            var pending = 0
            var a0 = clock.now
            for i in 0..<n {
                try app.append(labels[i], times[k][i / 100], values[k * n + i])
                pending += 1
                if pending == batch || i == n - 1 {
                    let c0 = clock.now
                    appendWall += seconds(c0 - a0)
                    try app.commit()
                    commits += 1
                    app = db.makeAppender()
                    pending = 0
                    a0 = clock.now
                    commitWall += seconds(a0 - c0)
                }
            }
        }
    }
    let samples = Double(n * scrapes)
    let walBytes = directorySize(path + "/wal")
    db.close()
    print("   \(Int(samples)) samples in \(fmt(wall, 2)) s wall, \(fmt(cpu, 2)) s CPU")
    print("   APPEND THROUGHPUT: \(mega(samples / wall)) samples/s wall, \(mega(samples / cpu)) samples/s per CPU-second")
    print("   split: append() calls \(fmt(appendWall, 2)) s (\(fmt(appendWall / samples * 1e9, 0)) ns/sample), commit() \(fmt(commitWall, 2)) s for \(commits) commits (\(fmt(commitWall / Double(commits) * 1e3, 2)) ms each, \(fmt(commitWall / samples * 1e9, 0)) ns/sample)")
    print("   WAL: \(walBytes) B = \(fmt(Double(walBytes) / samples, 2)) B/sample")

    // The ceiling: XOR chunk encoding alone, same order (one sample to each series per scrape).
    var chunks = [XORChunk](repeating: XORChunk(), count: n)
    let (_, encWall, _) = measure {
        for k in 0..<scrapes {
            for i in 0..<n {
                if chunks[i].count == 120 { chunks[i] = XORChunk() }
                chunks[i].append(times[k][i / 100], values[k * n + i])
            }
        }
    }
    print("   XOR chunk encoding alone: \(mega(samples / encWall)) samples/s (\(fmt(encWall / samples * 1e9, 1)) ns/sample)")
    // fdatasync cost on this file system, which every commit pays.
    let f = path + "-sync"
    let fd = open(f, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    var buf = [UInt8](repeating: 7, count: 4096)
    let (_, syncWall, _) = measure {
        for _ in 0..<200 { _ = pwrite(fd, &buf, 4096, 0); _ = fdatasync(fd) }
    }
    close(fd)
    unlink(f)
    print("   fdatasync of a 4 KiB write on /tmp: \(fmt(syncWall / 200 * 1e3, 3)) ms")
}

// MARK: - replay

func benchReplay() throws {
    let targets = option("--targets", 100), scrapes = option("--scrapes", 720)
    var fleet = Fleet(targets: targets)
    let n = fleet.seriesCount
    header("replay: \(n) series × \(scrapes) scrapes (\(fmt(Double(scrapes) / 240, 1)) h) in the WAL, no checkpoint")
    let path = storeDir("replay")
    defer { removeStore(path) }
    do {
        let db = try DB.open(path)
        for k in 0..<scrapes {
            if k > 0 { fleet.step() }
            try appendScrape(db, fleet, k, batch: 10_000)
        }
        db.close()
    }
    let samples = Double(n * scrapes)
    let walBytes = directorySize(path + "/wal")
    print("   WAL: \(walBytes) B (\(fmt(Double(walBytes) / samples, 2)) B/sample)")
    let rss0 = trimmedRSS()
    // Read and decode only (no head), through the public WAL API.
    let (report, decWall, _) = try measure { () -> ReplayReport in
        let wal = try WAL(directory: path + "/wal")
        var count = 0
        let r = try wal.replay { rec in if case .samples(let s) = rec { count += s.count } }
        try wal.close()
        return r
    }
    print("   WAL read + decode only: \(fmt(decWall, 2)) s, \(mega(Double(report.samples) / decWall)) samples/s (\(report.records) records, \(report.samples) samples)")
    let (db, wall, cpu) = try measure { try DB.open(path) }
    let st = db.stats
    let rss1 = trimmedRSS()
    print("   DB.open: \(fmt(wall, 2)) s wall, \(fmt(cpu, 2)) s CPU; head series \(st.headSeries), records \(st.walReplayedRecords)")
    print("   WAL REPLAY RATE: \(mega(samples / wall)) samples/s wall, \(mega(samples / cpu)) samples/s per CPU-second")
    print("   head after replay: \(mib(rss1 - rss0)) RSS delta, VmHWM \(mib(memory().hwm))")
    db.close()
}

// MARK: - head-memory

func benchHeadMemory() throws {
    let series = option("--series", 100_000)
    let targets = series / 100
    header("head-memory: \(targets * 100) series")
    var fleet = Fleet(targets: targets, buildLabels: false)
    let path = storeDir("headmem")
    defer { removeStore(path) }
    let db = try DB.open(path)
    let base = trimmedRSS()
    print("   baseline RSS (open DB, generator state): \(mib(base))")
    // Labels are built here, so their strings count as head memory (the head keeps them);
    // the array holding them for later appends is subtracted.
    var labels: [Labels] = []
    labels.reserveCapacity(targets * 100)
    var labelBytes = 0
    var app = db.makeAppender()
    for tg in 0..<targets {
        let t = scrapeTime(0, target: tg, jitterMs: 0)
        for k in 0..<100 {
            let l = seriesLabels(target: tg, k)
            for p in l.pairs { labelBytes += p.name.utf8.count + p.value.utf8.count }
            labels.append(l)
            try app.append(l, t, fleet.state[tg].values[k])
        }
        if tg % 100 == 99 { try app.commit(); app = db.makeAppender() }
    }
    try app.commit()
    let arrayBytes = labels.capacity * MemoryLayout<Labels>.stride
    let after1 = trimmedRSS()
    let n = Double(targets * 100)
    let perSeries = Double(after1 - base - arrayBytes) / n
    print("   1 sample per series: RSS +\(mib(after1 - base)), minus the benchmark's label array \(mib(arrayBytes))")
    print("   HEAD MEMORY PER SERIES: \(fmt(perSeries, 0)) B (of which label strings: \(fmt(Double(labelBytes) / n, 0)) B of UTF-8 per series in \(labels.map(\.count).min()!)-\(labels.map(\.count).max()!) pairs)")
    // Fill one whole chunk (120 samples) per series.
    for k in 1..<120 {
        fleet.step()
        var app = db.makeAppender()
        for tg in 0..<targets {
            let t = scrapeTime(k, target: tg, jitterMs: 0)
            for j in 0..<100 { try app.append(labels[tg * 100 + j], t, fleet.state[tg].values[j]) }
            if tg % 100 == 99 { try app.commit(); app = db.makeAppender() }
        }
        try app.commit()
    }
    let after120 = trimmedRSS()
    print("   after 120 samples per series (one full chunk): RSS +\(mib(after120 - after1)) more = \(fmt(Double(after120 - after1) / (n * 119), 2)) B per added sample; \(fmt(Double(after120 - base - arrayBytes) / n, 0)) B per series in all")
    print("   VmHWM \(mib(memory().hwm))")
    db.close()
}

// MARK: - rss-1m

func benchRSS1M() throws {
    let series = option("--series", 1_000_000), scrapes = option("--scrapes", 120)
    let targets = series / 100
    header("rss-1m: \(targets * 100) active series, \(scrapes) scrapes each, commit per 10,000 samples")
    let m0 = memory()
    var fleet = Fleet(targets: targets)
    let m1 = trimmedRSS()
    print("   RSS before: \(mib(m0.rss)); after building \(targets * 100) label sets and the generator: \(mib(m1))")
    let path = storeDir("rss1m")
    defer { removeStore(path) }
    let db = try DB.open(path)
    let (_, wall, cpu) = try measure {
        for k in 0..<scrapes {
            if k > 0 { fleet.step() }
            let (_, w, _) = try measure { try appendScrape(db, fleet, k, batch: 10_000) }
            if k < 2 || k == scrapes - 1 || k % 10 == 9 {
                let m = memory()
                print("   scrape \(k + 1): \(fmt(w, 2)) s, VmRSS \(mib(m.rss)), VmHWM \(mib(m.hwm))")
            }
        }
    }
    let samples = Double(fleet.seriesCount * scrapes)
    let end = memory()
    print("   \(Int(samples)) samples in \(fmt(wall, 1)) s wall (\(mega(samples / wall)) samples/s, \(fmt(cpu, 1)) s CPU)")
    print("   PEAK RSS (VmHWM) at \(fleet.seriesCount) series × \(scrapes) samples: \(mib(end.hwm)); VmRSS now \(mib(end.rss)), after malloc_trim \(mib(trimmedRSS()))")
    print("   head series: \(db.stats.headSeries); WAL \(mib(directorySize(path + "/wal")))")
    db.close()
}

// MARK: - query

func benchQuery() throws {
    let series = option("--series", 100_000), iterations = option("--iterations", 10)
    header("query: \(series) counter series x{job,provider,model,instance}, 1 h at 15 s (240 samples each)")
    let providers = (0..<15).map { "provider-\($0)" }
    var labels: [Labels] = []
    var rng = RNG(seed: 99)
    var values = [Double](repeating: 0, count: series)
    for i in 0..<series {
        let p = i % 15, m = (i / 15) % 100, inst = i / 1500
        labels.append(Labels([
            Label(name: Labels.metricName, value: "x"),
            Label(name: "job", value: "gatewayz-api"),
            Label(name: "provider", value: providers[p]),
            Label(name: "model", value: "\(providers[p])/model-\(m)"),
            Label(name: "instance", value: "10.0.\(inst / 256).\(inst % 256):8000"),
        ]))
        values[i] = Double(rng.int(0, 1_000_000))
    }
    let path = storeDir("query")
    defer { removeStore(path) }
    let db = try DB.open(path)
    let (_, loadWall, _) = try measure {
        for k in 0..<240 {
            var app = db.makeAppender()
            for i in 0..<series {
                values[i] += Double(rng.int(0, 40))
                try app.append(labels[i], Int64(1 + i % 14) * 1000 + Int64(k) * 15_000, values[i])
                if i % 10_000 == 9_999 { try app.commit(); app = db.makeAppender() }
            }
            try app.commit()
        }
    }
    print("   loaded \(series * 240) samples in \(fmt(loadWall, 1)) s")
    let t: Int64 = 3_600_000
    let engine = Engine()
    let matcher = try LabelMatcher(.equal, Labels.metricName, "x")

    func run(_ place: String) throws {
        // Samples decoded: whole 120-sample chunks overlapping the window.
        for (range, windowSamples, decoded) in [("5m", 20, 120), ("1h", 240, 240)] {
            let lo = t - (range == "5m" ? 300_000 : 3_600_000)
            var sel: [Double] = [], selCPU: [Double] = []
            var got = 0
            for _ in 0..<iterations {
                let (r, w, c) = try measure { try db.querier(mint: lo, maxt: t).select([matcher], mint: lo, maxt: t) }
                got = r.reduce(0) { $0 + $1.count }
                sel.append(w); selCPU.append(c)
            }
            sel.sort(); selCPU.sort()
            let q = "sum by (provider) (rate(x[\(range)]))"
            let expr = try PromQLParser.parse(q)
            var qs: [Double] = [], qsCPU: [Double] = []
            for _ in 0..<iterations {
                let (r, w, c) = try measure { try engine.instantQuery(expr, at: t, on: db) }
                if case .vector(let v) = r, v.count != 15 { print("   unexpected result: \(v.count) groups") }
                qs.append(w); qsCPU.append(c)
            }
            qs.sort(); qsCPU.sort()
            let win = Double(series * windowSamples), dec = Double(series * decoded)
            let ms = { (x: Double) in fmt(x * 1e3, 1) + " ms" }
            print("   [\(place)] window \(range): \(got) samples selected (\(windowSamples)/series), \(Int(dec)) decoded (\(decoded)/series)")
            print("     querier.select: median \(ms(sel[sel.count / 2])) (min \(ms(sel[0]))) -> \(mega(win / sel[sel.count / 2])) window samples/s, \(mega(dec / sel[sel.count / 2])) decoded samples/s; CPU median \(ms(selCPU[selCPU.count / 2]))")
            print("     \(q): median \(ms(qs[qs.count / 2])) (min \(ms(qs[0]))) -> \(mega(win / qs[qs.count / 2])) window samples/s, \(mega(dec / qs[qs.count / 2])) decoded samples/s; CPU median \(ms(qsCPU[qsCPU.count / 2]))")
        }
    }
    try run("head")
    try db.flushHead()
    print("   flushed the head into \(db.stats.blocks) block(s), \(mib(db.stats.blockBytes)); head series now \(db.stats.headSeries)")
    try run("block")
    // Decoding alone: every chunk of the block's series, through XORChunk.decode.
    db.close()
}

// MARK: - main

let command = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : ""
do {
    switch command {
    case "bytes": try benchBytes()
    case "append": try benchAppend()
    case "replay": try benchReplay()
    case "head-memory": try benchHeadMemory()
    case "rss-1m": try benchRSS1M()
    case "query": try benchQuery()
    default:
        print("usage: tsdb-bench bytes|append|replay|head-memory|rss-1m|query [options]")
        exit(2)
    }
} catch {
    print("error: \(error)")
    exit(1)
}

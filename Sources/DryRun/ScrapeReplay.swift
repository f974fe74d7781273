import Model

/// Replays a recording into a store as the scrape loops would have appended it: scrape by
/// scrape in time order, and — as `ScrapeProcessor` does for a live target — a series that a
/// target's previous scrape had and this one lacks gets a staleness marker at this scrape's
/// time. (A failed scrape records only `up` and the `scrape_*` series, so every other series of
/// the target goes stale, as it does live.) Recordings hold no staleness markers themselves:
/// OpenMetrics text cannot tell one from NaN.
public struct ScrapeReplay: Sendable {
    public let recording: Recording
    /// Distinct sample times, ascending.
    let times: [Int64]
    /// Sample indices grouped by time: `order[stepStart[i]..<stepStart[i+1]]` are at `times[i]`.
    let order: [Int32]
    let stepStart: [Int]
    /// The next step to append.
    public private(set) var nextStep = 0
    /// Series of each target's previous scrape.
    var previous: [[Int32]]
    /// The step a series was last seen at (-1 = never).
    var presentAt: [Int32]
    public private(set) var samplesAppended = 0
    public private(set) var staleMarkers = 0
    /// Samples the store refused (out of order, duplicate timestamp), as a scrape drops them.
    public private(set) var samplesRejected = 0

    public init(_ recording: Recording) {
        self.recording = recording
        var index: [Int64: Int32] = [:]
        var stepOfSample = [Int32](repeating: 0, count: recording.sampleCount)
        var distinct: [Int64] = []
        var lastT = Int64.min, lastStep: Int32 = 0
        for (i, t) in recording.sampleTimes.enumerated() {
            if t != lastT {
                if let s = index[t] { lastStep = s } else {
                    lastStep = Int32(distinct.count)
                    index[t] = lastStep
                    distinct.append(t)
                }
                lastT = t
            }
            stepOfSample[i] = lastStep
        }
        // Steps were numbered in order of appearance; renumber by time.
        let byTime = distinct.indices.sorted { distinct[$0] < distinct[$1] }
        var rank = [Int32](repeating: 0, count: distinct.count)
        for (r, s) in byTime.enumerated() { rank[s] = Int32(r) }
        times = byTime.map { distinct[$0] }
        var counts = [Int](repeating: 0, count: times.count + 1)
        for i in stepOfSample.indices {
            stepOfSample[i] = rank[Int(stepOfSample[i])]
            counts[Int(stepOfSample[i]) + 1] += 1
        }
        for i in 1..<counts.count { counts[i] += counts[i - 1] }
        stepStart = counts
        var fill = counts
        var order = [Int32](repeating: 0, count: recording.sampleCount)
        for i in stepOfSample.indices {
            let s = Int(stepOfSample[i])
            order[fill[s]] = Int32(i)
            fill[s] += 1
        }
        self.order = order
        previous = Array(repeating: [], count: recording.targets.count)
        presentAt = Array(repeating: -1, count: recording.series.count)
    }

    /// The time of the next scrape not yet appended; nil when all are.
    public var nextTime: Int64? { nextStep < times.count ? times[nextStep] : nil }

    /// Appends every scrape at or before `t` (ms), with staleness markers, in one commit.
    public mutating func append(through t: Int64, to storage: any Appendable) throws {
        guard let first = nextTime, first <= t else { return }
        let app = storage.makeAppender()
        var current: [[Int32]] = Array(repeating: [], count: recording.targets.count)
        var touched: [Int32] = []
        while nextStep < times.count && times[nextStep] <= t {
            let step = nextStep, ts = times[step]
            touched.removeAll(keepingCapacity: true)
            for k in stepStart[step]..<stepStart[step + 1] {
                let i = Int(order[k])
                let sid = recording.sampleSeries[i]
                let tid = Int(recording.seriesTarget[Int(sid)])
                if current[tid].isEmpty { touched.append(Int32(tid)) }
                current[tid].append(sid)
                presentAt[Int(sid)] = Int32(step)
                if append(app, recording.series[Int(sid)], ts, recording.sampleValues[i]) { samplesAppended += 1 }
            }
            for tid32 in touched {
                let tid = Int(tid32)
                for sid in previous[tid] where presentAt[Int(sid)] != Int32(step) {
                    if append(app, recording.series[Int(sid)], ts, StaleNaN.value) { staleMarkers += 1 }
                }
                swap(&previous[tid], &current[tid])
                current[tid].removeAll(keepingCapacity: true)
            }
            nextStep += 1
        }
        try app.commit()
    }

    private mutating func append(_ app: any Appender, _ l: Labels, _ t: Int64, _ v: Double) -> Bool {
        do {
            try app.append(l, t, v)
            return true
        } catch {
            samplesRejected += 1
            return false
        }
    }
}

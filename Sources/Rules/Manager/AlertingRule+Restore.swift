import Model

extension AlertingRule {
    /// `Group.RestoreForState` for one rule (rules-spec §6): moves each alert's `activeAt` so that
    /// time spent pending before a restart counts toward `for`. Marks the rule restored.
    ///
    /// - Parameters:
    ///   - now: the restore time (ms).
    ///   - querier: a view of the store over `[now − outageTolerance, now]`.
    public mutating func restoreForState(at now: Int64, from querier: any Querier, outageTolerance: Int64,
                                         gracePeriod: Int64) {
        defer { isRestored = true }
        // Shorter holds would wait a whole grace period instead of `for`: no restoration.
        if holdDuration < gracePeriod { return }
        for l in active.keys.sorted() {
            var a = active[l]!
            let series = seriesLabels(a, metric: "ALERTS_FOR_STATE", state: nil)
            guard let matchers = try? series.pairs.map({ try LabelMatcher(.equal, $0.name, $0.value) }),
                  let found = try? querier.select(matchers, mint: now - outageTolerance, maxt: now),
                  let s = found.first(where: { $0.labels.count == series.count }),
                  let t = s.timestamps.last, let v = s.values.last,
                  !StaleNaN.isStale(v), v.isFinite
            else { continue }
            // Both times have whole-second precision, as in Prometheus.
            let downAt = floorDiv(t, 1000) * 1000
            let restored = Int64(v) * 1000
            let remaining = holdDuration - (downAt - restored)
            if remaining <= 0 {
                a.activeAt = restored
            } else if remaining < gracePeriod {
                a.activeAt = now + gracePeriod - holdDuration
            } else {
                a.activeAt = restored + (now - downAt)
            }
            active[l] = a
        }
    }
}

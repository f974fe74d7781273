import Model

/// How the runner waits; tests inject one that advances a manual clock.
public struct Sleeper: Sendable {
    /// Suspends for `milliseconds`; throws when the task is cancelled.
    public let sleep: @Sendable (_ milliseconds: Int64) async throws -> Void

    public init(_ sleep: @escaping @Sendable (_ milliseconds: Int64) async throws -> Void) {
        self.sleep = sleep
    }

    /// `Task.sleep`.
    public static let task = Sleeper { ms in try await Task.sleep(for: .milliseconds(ms)) }
}

extension RuleManager {
    /// Runs every group on its slots until the task is cancelled (`Group.run`, rules-spec §2.2).
    ///
    /// Each group is a child task: it sleeps until its next slot, evaluates at the latest slot
    /// ≤ now (skipping, and counting, slots an overrun missed), and sends the resulting alerts to
    /// the sink. Groups added by `update` are started as they appear; replaced or removed ones
    /// stop at their next wake-up. Removed groups' staleness markers are written after 2 ×
    /// interval unless the manager stops first.
    public func run(clock: any Model.Clock, sleeper: Sleeper = .task) async {
        await withTaskGroup(of: Void.self) { tasks in
            var started: Set<Int> = []
            var staleScheduled: Set<Int> = []
            func startNew() {
                let (runtimes, stale) = state.withLock { st in (Array(st.groups.values), st.pendingStale) }
                for rt in runtimes.sorted(by: { $0.key < $1.key }) where started.insert(rt.id).inserted {
                    tasks.addTask { await self.runGroup(rt, clock: clock, sleeper: sleeper) }
                }
                for p in stale where staleScheduled.insert(p.id).inserted {
                    let due = p.dueAt
                    tasks.addTask {
                        let wait = due - clock.now()
                        if wait > 0 { do { try await sleeper.sleep(wait) } catch { return } }
                        if Task.isCancelled { return }
                        self.cleanUpStaleSeries(at: max(clock.now(), due))
                    }
                }
            }
            startNew()
            for await _ in changes {
                if Task.isCancelled { break }
                startNew()
            }
            tasks.cancelAll()
        }
    }

    /// One group's loop: wait for the slot, evaluate, send.
    func runGroup(_ rt: GroupRuntime, clock: any Model.Clock, sleeper: Sleeper) async {
        while !Task.isCancelled {
            guard let next = rt.state.withLock({ $0.isStopped ? nil : $0.nextEvaluation }) else { return }
            let now = clock.now()
            if next > now {
                do { try await sleeper.sleep(next - now) } catch { return }
                continue
            }
            let ts = max(next, rt.schedule.evalTimestamp(now))
            let alerts = evaluate(group: rt.key, at: ts, now: now)
            if !alerts.isEmpty { await sink.send(alerts) }
        }
    }
}

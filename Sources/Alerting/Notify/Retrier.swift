import Foundation
import Synchronization

/// How deliveries are retried (spec §11.2; cenkalti/backoff v4 defaults as Alertmanager
/// uses them): the first attempt at once, then waits from `initialInterval` growing by
/// `multiplier`, each randomised by ±`randomizationFactor`, capped at `maxInterval`, until
/// the notification's deadline (the next flush).
///
/// Deliberate difference: 429 is retried for every integration (Alertmanager 0.25
/// retries it only for PagerDuty v2).
public struct DeliveryPolicy: Sendable, Equatable {
    public var initialInterval: Duration = .milliseconds(500)
    public var multiplier = 1.5
    public var randomizationFactor = 0.5
    public var maxInterval: Duration = .seconds(60)
    /// One attempt's limit; an attempt still running then is cancelled and counts as a
    /// retryable failure.
    public var attemptTimeout: Duration = .seconds(10)

    public init() {}

    /// The un-randomised wait after attempt `n` (1-based): `initial × multiplier^(n-1)`, capped.
    public func interval(afterAttempt n: Int) -> Duration {
        var d = Double(initialInterval.components.seconds) + Double(initialInterval.components.attoseconds) / 1e18
        let cap = Double(maxInterval.components.seconds) + Double(maxInterval.components.attoseconds) / 1e18
        for _ in 1..<max(n, 1) { d = min(d * multiplier, cap) }
        return .nanoseconds(Int64(min(d, cap) * 1e9))
    }
}

/// Time as the retrier sees it: injected so tests step it exactly and never sleep.
public protocol Sleeper: Sendable {
    /// Milliseconds since the Unix epoch.
    func now() -> Int64
    func sleep(for d: Duration) async throws
}

/// The real clock.
public struct ClockSleeper: Sleeper {
    public init() {}
    public func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
    public func sleep(for d: Duration) async throws { try await Task.sleep(for: d) }
}

/// The real clock run `speed` times faster, for a pipeline on a simulated clock that runs
/// ahead of wall time (`klaxon demo --speed`): a retry budget of `group_interval` simulated
/// time is spent in `group_interval / speed` of wall time. `now()` starts at the wall time.
public struct ScaledSleeper: Sleeper {
    public let speed: Double
    private let start: Int64
    private let wall = ClockSleeper()

    public init(speed: Double) {
        self.speed = max(speed, 1e-9)
        start = wall.now()
    }

    public func now() -> Int64 { start + Int64((Double(wall.now() - start) * speed).rounded()) }
    public func sleep(for d: Duration) async throws { try await wall.sleep(for: d / speed) }
}

/// Delivery counters by receiver and integration (`alertmanager_notifications_total`,
/// `…_failed_total`, `alertmanager_notification_requests_total`,
/// `…_failed_total`); the server exports them.
public final class NotifyMetrics: Sendable {
    /// The counters of one receiver integration.
    public struct Counters: Sendable, Equatable {
        /// Single attempts (requests) made.
        public var attempts = 0
        /// Attempts that failed.
        public var failedAttempts = 0
        /// Notifications delivered.
        public var successes = 0
        /// Notifications given up on (permanent error or deadline).
        public var failures = 0
        public init() {}
    }

    /// Key: receiver name, integration (`webhook`).
    private let counters = Mutex<[Key: Counters]>([:])

    public struct Key: Hashable, Sendable, Comparable {
        public var receiver: String
        public var integration: String
        public init(receiver: String, integration: String) {
            self.receiver = receiver
            self.integration = integration
        }
        public static func < (a: Key, b: Key) -> Bool { (a.receiver, a.integration) < (b.receiver, b.integration) }
    }

    public init() {}

    public func counters(receiver: String, integration: String) -> Counters {
        counters.withLock { $0[Key(receiver: receiver, integration: integration)] ?? Counters() }
    }

    /// All counters, by key.
    public var snapshot: [Key: Counters] { counters.withLock { $0 } }

    func update(_ key: Key, _ f: (inout Counters) -> Void) {
        counters.withLock { f(&$0[key, default: Counters()]) }
    }
}

/// The outcome of `Retrier.deliver`.
public struct DeliveryOutcome: Sendable, Equatable {
    public var attempts: Int
    /// `nil` when delivered.
    public var error: NotifyError?
    public var result: NotifyResult?
    public var isDelivered: Bool { error == nil }
}

/// Delivers a notification through a `Notifier`, retrying in the one place every
/// integration shares (`notify.RetryStage`).
public struct Retrier: Sendable {
    public var policy: DeliveryPolicy
    public var sleeper: any Sleeper
    public var metrics: NotifyMetrics
    /// A number in [0, 1) for the jitter.
    public var random: @Sendable () -> Double
    /// Receives one line per failed attempt and per give-up (secrets never appear).
    public var log: @Sendable (String) -> Void

    public init(policy: DeliveryPolicy = DeliveryPolicy(), sleeper: any Sleeper = ClockSleeper(), metrics: NotifyMetrics = NotifyMetrics(),
                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
                log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.policy = policy
        self.sleeper = sleeper
        self.metrics = metrics
        self.random = random
        self.log = log
    }

    /// The randomised wait after attempt `n`.
    public func wait(afterAttempt n: Int) -> Duration {
        let base = policy.interval(afterAttempt: n)
        let r = policy.randomizationFactor
        let factor = 1 - r + 2 * r * random()
        return base * factor
    }

    /// Tries until delivered, a permanent error, or `n.deadline`; cancellation of the
    /// calling task stops it too.
    ///
    /// The deadline is on the pipeline's clock, which may be simulated (dry-run, demo) and far
    /// from the sleeper's, so it is turned into a budget, `deadline - timestamp`, spent on the
    /// sleeper's clock from the first attempt.
    public func deliver(_ n: NotificationRequest, via notifier: any Notifier) async -> DeliveryOutcome {
        let key = NotifyMetrics.Key(receiver: n.receiver, integration: notifier.integration)
        let name = "\(n.receiver)/\(notifier.integration)"
        let start = sleeper.now()
        let budget = n.deadline.map { $0 - (n.timestamp ?? start) }
        var attempt = 0
        while true {
            attempt += 1
            metrics.update(key) { $0.attempts += 1 }
            let failure: NotifyError
            do {
                let result = try await attemptOnce(n, notifier)
                metrics.update(key) { $0.successes += 1 }
                return DeliveryOutcome(attempts: attempt, error: nil, result: result)
            } catch let e as NotifyError {
                failure = e
            } catch is CancellationError {
                metrics.update(key) { $0.failedAttempts += 1; $0.failures += 1 }
                return DeliveryOutcome(attempts: attempt, error: NotifyError(isRetryable: false, message: "notify retry canceled after \(attempt) attempts: context canceled"))
            } catch {
                failure = NotifyError(isRetryable: true, message: "\(error)")
            }
            let error = failure
            metrics.update(key) { $0.failedAttempts += 1 }
            if !error.isRetryable {
                metrics.update(key) { $0.failures += 1 }
                let e = NotifyError(isRetryable: false, message: "notify retry canceled due to unrecoverable error after \(attempt) attempts: \(error.message)", status: error.status)
                log("receiver=\(name) msg=\"Notify for alerts failed\" err=\"\(e.message)\"")
                return DeliveryOutcome(attempts: attempt, error: e)
            }
            log("receiver=\(name) attempt=\(attempt) msg=\"Notify attempt failed, will retry later\" err=\"\(error.message)\"")
            let w = wait(afterAttempt: attempt)
            if let budget, sleeper.now() - start + w.milliseconds >= budget {
                metrics.update(key) { $0.failures += 1 }
                let e = NotifyError(isRetryable: true, message: "notify retry canceled after \(attempt) attempts: \(error.message)", status: error.status)
                log("receiver=\(name) msg=\"Notify for alerts failed\" err=\"\(e.message)\"")
                return DeliveryOutcome(attempts: attempt, error: e)
            }
            do { try await sleeper.sleep(for: w) } catch {
                metrics.update(key) { $0.failures += 1 }
                return DeliveryOutcome(attempts: attempt, error: NotifyError(isRetryable: false, message: "notify retry canceled after \(attempt) attempts: context canceled"))
            }
        }
    }

    /// One attempt, cancelled after `policy.attemptTimeout` (real time).
    func attemptOnce(_ n: NotificationRequest, _ notifier: any Notifier) async throws -> NotifyResult {
        let limit = policy.attemptTimeout
        return try await withThrowingTaskGroup(of: NotifyResult?.self) { group in
            group.addTask { try await notifier.notify(n) }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw CancellationError() }
            guard let result = first else {
                throw NotifyError(isRetryable: true, message: "attempt timed out after \(limit)")
            }
            return result
        }
    }
}

extension Duration {
    /// Whole milliseconds, rounded down.
    var milliseconds: Int64 {
        let (s, atto) = components
        return s * 1000 + atto / 1_000_000_000_000_000
    }
}

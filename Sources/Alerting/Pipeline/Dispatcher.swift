import Foundation

/// The time source of a `Dispatcher`: milliseconds since the Unix epoch, and a sleep that
/// returns early (throwing) when the task is cancelled.
public protocol PipelineClock: Sendable {
    func now() -> Int64
    /// Returns at or after `deadline`; throws `CancellationError` when cancelled.
    func sleep(until deadline: Int64) async throws
}

/// Wall-clock time.
public struct SystemPipelineClock: PipelineClock {
    public init() {}
    public func now() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }
    public func sleep(until deadline: Int64) async throws {
        let ms = deadline - now()
        if ms > 0 { try await Task.sleep(nanoseconds: UInt64(ms) * 1_000_000) }
    }
}

/// Where a `Dispatcher` keeps its state between runs.
public struct PipelineStorage: Sendable {
    public var silences: SnapshotFile?
    public var notificationLog: SnapshotFile?
    public init(silences: SnapshotFile?, notificationLog: SnapshotFile?) {
        self.silences = silences
        self.notificationLog = notificationLog
    }
    /// `<dir>/silences` and `<dir>/nflog`, as Alertmanager names them in `--storage.path`.
    public init(directory: String) {
        self.init(silences: SnapshotFile(path: directory + "/silences"), notificationLog: SnapshotFile(path: directory + "/nflog"))
    }
}

/// Runs an `AlertmanagerCore` in real time: carries out its actions with an injected clock,
/// delivers through a `NotificationSender`, writes snapshots after every change.
///
/// `run()` loops until cancelled; `step()` performs one tick at `clock.now()` and awaits its
/// deliveries (tests and dry-run drive it with a manual clock). The core itself never sleeps.
public actor Dispatcher {
    /// The state; read it (or mutate silences) through `withCore`.
    private var core: AlertmanagerCore
    private let sender: any NotificationSender
    private let clock: any PipelineClock
    private let storage: PipelineStorage?
    private let wake = WakeSignal()
    /// Last persistence error, for logs and `/-/ready`-style checks.
    public private(set) var lastPersistenceError: String?
    /// Told of every failed silence/nflog write (`what` is "silences" or "nflog"), so it gets logged.
    private let onPersistenceError: @Sendable (_ what: String, _ error: String) -> Void

    public init(core: AlertmanagerCore, sender: any NotificationSender, clock: any PipelineClock = SystemPipelineClock(),
                storage: PipelineStorage? = nil,
                onPersistenceError: @escaping @Sendable (_ what: String, _ error: String) -> Void = { _, _ in }) {
        self.core = core
        self.sender = sender
        self.clock = clock
        self.storage = storage
        self.onPersistenceError = onPersistenceError
    }

    /// A dispatcher whose silences and notification log are restored from `storage` (missing
    /// files = first start).
    public static func restoring(config: AlertmanagerConfig, sender: any NotificationSender,
                                 clock: any PipelineClock = SystemPipelineClock(), storage: PipelineStorage,
                                 silences: Silences = Silences(),
                                 onPersistenceError: @escaping @Sendable (_ what: String, _ error: String) -> Void = { _, _ in }) throws -> Dispatcher {
        var s = silences
        var log = NotificationLog()
        if let d = try storage.silences?.read() { try s.restore(from: d) }
        if let d = try storage.notificationLog?.read() { try log.restore(from: d) }
        let core = AlertmanagerCore(config: config, now: clock.now(), silences: s, notificationLog: log)
        return Dispatcher(core: core, sender: sender, clock: clock, storage: storage, onPersistenceError: onPersistenceError)
    }

    /// Ingests alerts at `clock.now()`; returns the validation errors (the valid ones are stored).
    @discardableResult
    public func receive(_ alerts: [PostableAlert]) -> [AlertValidationError] {
        let r = core.receive(alerts, now: clock.now())
        perform(r.actions)
        wake.signal()
        return r.errors
    }

    /// Reads or changes the core (API queries, silences). A change to silences is persisted.
    public func withCore<T: Sendable>(_ body: (inout AlertmanagerCore) throws -> T) rethrows -> T {
        let before = core.silences.all
        let result = try body(&core)
        if core.silences.all != before { persistSilences() }
        wake.signal()
        return result
    }

    /// The dispatcher's clock, for API handlers that compute state "now".
    public nonisolated func now() -> Int64 { clock.now() }

    /// Reads the core at `clock.now()` without changing it (API queries).
    public func read<T: Sendable>(_ body: (AlertmanagerCore, Int64) throws -> T) rethrows -> T {
        try body(core, clock.now())
    }

    /// `POST /api/v2/silences`.
    public func setSilence(_ s: Silence) throws(SilenceError) -> String {
        let id = try core.silences.set(s, now: clock.now())
        persistSilences()
        return id
    }

    /// `DELETE /api/v2/silence/{id}`.
    public func expireSilence(id: String) throws(SilenceError) {
        try core.silences.expire(id: id, now: clock.now())
        persistSilences()
    }

    public func reload(config: AlertmanagerConfig) {
        perform(core.reload(config: config, now: clock.now()))
        wake.signal()
    }

    /// One tick at `clock.now()`: flushes what is due, sends concurrently, records the results.
    /// Returns the next deadline.
    @discardableResult
    public func step() async -> Int64? {
        let actions = core.tick(now: clock.now())
        perform(actions)
        let sender = self.sender
        await withTaskGroup(of: (DeliveryID, DeliveryResult).self) { group in
            for d in actions.deliveries {
                group.addTask { (d.id, await sender.send(d.notification)) }
            }
            for await (id, result) in group {
                perform(core.complete(id, result: result, now: clock.now()))
            }
        }
        return core.nextDeadline
    }

    /// Ticks at every deadline until cancelled. Deliveries run concurrently with later ticks, so
    /// a slow receiver delays only its own group (as Alertmanager's per-group goroutines do).
    public func run() async {
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                let actions = core.tick(now: clock.now())
                perform(actions)
                let sender = self.sender
                for d in actions.deliveries {
                    group.addTask {
                        let result = await sender.send(d.notification)
                        await self.completed(d.id, result)
                    }
                }
                await sleep(until: core.nextDeadline)
            }
        }
        saveSnapshots()
    }

    private func completed(_ id: DeliveryID, _ result: DeliveryResult) {
        perform(core.complete(id, result: result, now: clock.now()))
        wake.signal()
    }

    /// Sleeps until `deadline` or until woken by new input, whichever comes first.
    private func sleep(until deadline: Int64?) async {
        let clock = self.clock, wake = self.wake
        await withTaskGroup(of: Void.self) { g in
            if let d = deadline { g.addTask { try? await clock.sleep(until: d) } }
            g.addTask { await wake.wait() }
            await g.next()
            g.cancelAll()
        }
    }

    /// Writes both snapshots (shutdown, maintenance).
    public func saveSnapshots() {
        persistSilences()
        persistNotificationLog()
    }

    private func perform(_ actions: [PipelineAction]) {
        var log = false, sil = false
        for a in actions {
            switch a {
            case .persistNotificationLog: log = true
            case .persistSilences: sil = true
            case .send, .scheduleWakeup: break  // handled by step()/run()
            }
        }
        if log { persistNotificationLog() }
        if sil { persistSilences() }
    }

    private func persistSilences() {
        guard let f = storage?.silences else { return }
        do { try f.write(core.silences.snapshot()) } catch { persistenceFailed("silences", error) }
    }

    private func persistNotificationLog() {
        guard let f = storage?.notificationLog else { return }
        do { try f.write(core.notificationLog.snapshot()) } catch { persistenceFailed("nflog", error) }
    }

    private func persistenceFailed(_ what: String, _ error: any Error) {
        lastPersistenceError = "\(error)"
        onPersistenceError(what, "\(error)")
    }
}

/// A one-slot wake-up: `signal()` resumes the current or the next `wait()`. Cancelling a waiter
/// resumes it.
final class WakeSignal: @unchecked Sendable {
    private let lock = NSLock()
    /// Guarded by `lock`.
    private var pending = false
    private var continuation: CheckedContinuation<Void, Never>?

    func signal() {
        lock.lock()
        if let c = continuation {
            continuation = nil
            lock.unlock()
            c.resume()
        } else {
            pending = true
            lock.unlock()
        }
    }

    func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                lock.lock()
                if pending || Task.isCancelled {
                    pending = false
                    lock.unlock()
                    c.resume()
                } else {
                    continuation = c
                    lock.unlock()
                }
            }
        } onCancel: {
            lock.lock()
            let c = continuation
            continuation = nil
            lock.unlock()
            c?.resume()
        }
    }
}

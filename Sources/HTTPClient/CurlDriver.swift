import CCurl
import Foundation
import Synchronization

/// One thread running curl's multi interface: every transfer of the clients that share
/// this driver runs on it, interleaved, however many are in flight.
///
/// Tasks hand transfers over through `submit` and `cancel`, which only touch the
/// lock-protected queues and wake the thread with `curl_multi_wakeup`. The thread owns
/// the multi handle and every easy handle; no curl call blocks a task.
final class CurlDriver: Sendable {
    private struct State {
        /// Submitted, not yet added to the multi handle.
        var pending: [Transfer] = []
        /// Transfers whose task was cancelled; the thread removes those it is running.
        var cancelled: [Transfer] = []
        /// `shutdown()` was called: the thread fails everything and stops.
        var stopping = false
        /// The thread has stopped and the multi handle is gone: nothing may wake it.
        var closed = false
    }

    /// Guards the queues and the flags; `curl_multi_wakeup` is called under it so that it
    /// never races `curl_multi_cleanup`.
    private let state = Mutex(State())
    /// The multi handle. Created in `init`, used by the driver thread, freed when it stops;
    /// other threads only pass it to `curl_multi_wakeup`, under `state`'s lock, while not
    /// `closed`.
    private nonisolated(unsafe) let multi: UnsafeMutableRawPointer
    /// The largest number of transfers that ran at once, for tests and diagnostics.
    let peakConcurrentTransfers = Atomic<Int>(0)

    private static let globalInit: Void = {
        let code = klx_global_init_all()
        precondition(code == CURLE_OK, "curl_global_init failed: \(code.rawValue)")
    }()

    init() {
        _ = Self.globalInit
        guard let multi = curl_multi_init() else { fatalError("curl_multi_init failed") }
        self.multi = multi
        let thread = Thread { [self] in run() }
        thread.name = "klaxon-curl"
        thread.start()
    }

    /// Queues `transfer` (its continuation already set). After `shutdown` it fails at once.
    func submit(_ transfer: Transfer) {
        let accepted = state.withLock { s -> Bool in
            guard !s.stopping else { return false }
            s.pending.append(transfer)
            curl_multi_wakeup(multi)
            return true
        }
        if !accepted {
            transfer.continuation?.resume(throwing: HTTPClientError.shutdown(url: transfer.redacted))
            transfer.continuation = nil
        }
    }

    /// Marks `transfer` cancelled; the thread drops it, wherever it is, with CancellationError.
    func cancel(_ transfer: Transfer) {
        transfer.isCancelled.store(true, ordering: .sequentiallyConsistent)
        state.withLock { s in
            guard !s.closed else { return }
            s.cancelled.append(transfer)
            curl_multi_wakeup(multi)
        }
    }

    /// Fails every queued and running transfer with `.shutdown` and stops the thread.
    /// Returns at once; later submissions fail.
    func shutdown() {
        state.withLock { s in
            guard !s.stopping else { return }
            s.stopping = true
            curl_multi_wakeup(multi)
        }
    }

    // MARK: - The driver thread

    private func run() {
        /// Running transfers by easy handle. Thread-local to this loop.
        var running: [UnsafeMutableRawPointer: Transfer] = [:]
        while true {
            let (pending, cancelled, stopping) = state.withLock { s in
                defer { s.pending.removeAll(); s.cancelled.removeAll() }
                return (s.pending, s.cancelled, s.stopping)
            }
            if stopping {
                for t in pending { finish(t, .failure(HTTPClientError.shutdown(url: t.redacted))) }
                for (easy, t) in running {
                    curl_multi_remove_handle(multi, easy)
                    finish(t, .failure(HTTPClientError.shutdown(url: t.redacted)))
                }
                break
            }
            for t in pending {
                // The flag is set before the cancel request is queued, so a transfer
                // cancelled before it got here is caught now, and one cancelled later is in
                // a later `cancelled` batch, while it runs.
                if t.isCancelled.load(ordering: .sequentiallyConsistent) {
                    finish(t, .failure(CancellationError()))
                    continue
                }
                do {
                    try t.start()
                    let code = curl_multi_add_handle(multi, t.easy)
                    guard code == CURLM_OK else {
                        let message = String(cString: curl_multi_strerror(code))
                        throw HTTPClientError.other(url: t.redacted, code: Int(code.rawValue), message: message)
                    }
                    running[t.easy!] = t
                } catch {
                    finish(t, .failure(error))
                }
            }
            for t in cancelled {
                guard let easy = t.easy, running.removeValue(forKey: easy) != nil else { continue }
                curl_multi_remove_handle(multi, easy)
                finish(t, .failure(CancellationError()))
            }
            if running.count > peakConcurrentTransfers.load(ordering: .relaxed) {
                peakConcurrentTransfers.store(running.count, ordering: .relaxed)
            }

            var stillRunning: Int32 = 0
            curl_multi_perform(multi, &stillRunning)
            var left: Int32 = 0
            while let message = curl_multi_info_read(multi, &left) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
                let code = message.pointee.data.result  // read before remove_handle frees it
                curl_multi_remove_handle(multi, easy)
                guard let t = running.removeValue(forKey: easy) else { continue }
                finish(t, t.outcome(code).mapError { $0 })
            }

            var ready: Int32 = 0
            curl_multi_poll(multi, nil, 0, 1000, &ready)
        }
        state.withLock { s in
            s.closed = true
            curl_multi_cleanup(multi)
        }
    }

    private func finish(_ t: Transfer, _ result: Result<TransferResult, any Error>) {
        t.cleanUp()
        t.continuation?.resume(with: result)
        t.continuation = nil
    }
}

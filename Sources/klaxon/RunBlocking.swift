import ArgumentParser
import Dispatch
import Synchronization

/// Runs an async command body on the cooperative pool and blocks the calling (main) thread until
/// it returns: the root command is synchronous. A non-zero result becomes the exit code.
func runBlocking(_ body: @escaping @Sendable () async -> Int32) throws {
    let code = Mutex<Int32>(0)
    let done = DispatchSemaphore(value: 0)
    Task {
        let c = await body()
        code.withLock { $0 = c }
        done.signal()
    }
    done.wait()
    let c = code.withLock { $0 }
    if c != 0 { throw ExitCode(c) }
}

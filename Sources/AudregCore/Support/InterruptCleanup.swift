import Foundation

/// Removes half-written output when audreg is interrupted (SIGINT, SIGTERM). Commands register their temporary folders while they write them;
/// a writer checks `isCancelled` so that no file is created after cleanup has begun. The executable
/// installs the signal handlers, which call `cancel()` and then exit.
public final class InterruptCleanup: Sendable {
    public static let shared = InterruptCleanup()

    private struct State: Sendable {
        var paths: [String] = []
        var cancelled = false
        var committed = false
    }

    private let state = Locked(State())
    /// Held by `critical` and by the interrupt handler before it removes anything: a signal that arrives
    /// during a critical section waits for it to end.
    private let criticalSection = NSLock()

    /// True once an interrupt arrived; writers stop instead of creating more files.
    public var isCancelled: Bool {
        state.withLock { $0.cancelled }
    }

    /// True once the new output replaced the old (set inside the swap's critical section): an interrupt
    /// after that stops the clean-up of the old output, not the build.
    public var isCommitted: Bool {
        state.withLock { $0.committed }
    }

    /// For use inside `critical`: true right after the new output is in place, false when a new build
    /// starts (`serve` builds again and again in one process).
    public func setCommittedLocked(_ committed: Bool) {
        state.withLock { $0.committed = committed }
    }

    public func register(_ path: String) {
        state.withLock { $0.paths.append(path) }
    }

    public func unregister(_ path: String) {
        state.withLock { $0.paths.removeAll { $0 == path } }
    }

    /// Runs `body` while no interrupt can act: a signal that arrives meanwhile waits for it to finish,
    /// so a swap of two folders is never left half done.
    public func critical<T>(_ body: () throws -> T) rethrows -> T {
        criticalSection.lock()
        defer { criticalSection.unlock() }
        return try body()
    }

    /// `register` for use inside `critical` (the same as `register`: `critical` holds another lock).
    public func registerLocked(_ path: String) { register(path) }

    /// `unregister` for use inside `critical` (the same as `unregister`).
    public func unregisterLocked(_ path: String) { unregister(path) }

    /// Marks the work cancelled and removes every registered path. Called once, by the signal handler,
    /// which exits the process right after: the critical-section lock is taken and never released, so no
    /// critical section may start in between.
    public func cancel() {
        criticalSection.lock()
        let toRemove = state.withLock { state in
            state.cancelled = true
            return state.paths
        }
        for path in toRemove {
            // A writer may still be finishing a file: retry until the folder is gone.
            for _ in 0..<20 {
                if (try? FileManager.default.removeItem(atPath: path)) != nil || !FileManager.default.fileExists(atPath: path) { break }
                usleep(10_000)
            }
        }
    }
}

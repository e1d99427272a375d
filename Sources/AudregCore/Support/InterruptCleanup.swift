import Foundation

/// Removes half-written output when audreg is interrupted (SIGINT, SIGTERM). Commands register their
/// temporary folders while they write them; a writer checks `isCancelled` so that no file is created
/// after cleanup has begun. The executable installs the signal handlers, which call `cancel()`.
public final class InterruptCleanup: @unchecked Sendable {
    public static let shared = InterruptCleanup()

    private let lock = NSLock()
    private var paths: [String] = []
    private var cancelled = false

    /// True once an interrupt arrived; writers stop instead of creating more files.
    public var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled
    }

    public func register(_ path: String) {
        lock.lock()
        paths.append(path)
        lock.unlock()
    }

    public func unregister(_ path: String) {
        lock.lock()
        paths.removeAll { $0 == path }
        lock.unlock()
    }

    /// Runs `body` while no interrupt can act: a signal that arrives meanwhile waits for it to finish,
    /// so a swap of two folders is never left half done.
    public func critical<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// `register` for use inside `critical`, where the lock is already held.
    public func registerLocked(_ path: String) { paths.append(path) }

    /// `unregister` for use inside `critical`, where the lock is already held.
    public func unregisterLocked(_ path: String) { paths.removeAll { $0 == path } }

    /// Marks the work cancelled and removes every registered path. Called once, by the signal handler.
    public func cancel() {
        lock.lock()
        cancelled = true
        let toRemove = paths
        lock.unlock()
        for path in toRemove {
            // A writer may still be finishing a file: retry until the folder is gone.
            for _ in 0..<20 {
                if (try? FileManager.default.removeItem(atPath: path)) != nil || !FileManager.default.fileExists(atPath: path) { break }
                usleep(10_000)
            }
        }
    }
}

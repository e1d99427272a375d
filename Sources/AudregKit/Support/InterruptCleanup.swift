import Foundation

/// Removes half-written output when audreg is interrupted (SIGINT, SIGTERM), then exits with the
/// conventional status 128 + signal. Commands register their temporary folders while they write them;
/// a writer checks `isCancelled` so that no file is created after cleanup has begun.
public final class InterruptCleanup: Sendable {
    public static let shared = InterruptCleanup()

    private struct State: Sendable {
        var paths: [String] = []
        var cancelled = false
        var installed = false
    }

    private let state = Locked(State())
    /// Held by `critical` and by the interrupt handler before it removes anything: a signal that arrives
    /// during a critical section waits for it to end.
    private let criticalSection = NSLock()

    /// True once an interrupt arrived; writers stop instead of creating more files.
    public var isCancelled: Bool {
        state.withLock { $0.cancelled }
    }

    /// Installs the handlers once. A process started with SIGINT or SIGTERM blocked (some supervisors
    /// and test harnesses do that) gets them unblocked, or an interrupt would never arrive.
    public func install() {
        let first = state.withLock { state in
            defer { state.installed = true }
            return !state.installed
        }
        guard first else { return }
        var set = sigset_t()
        sigemptyset(&set)
        for signal in [SIGINT, SIGTERM] { sigaddset(&set, signal) }
        sigprocmask(SIG_UNBLOCK, &set, nil)
        let queue = DispatchQueue(label: "audreg.interrupt")
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            // The handler holds its own source on purpose: the cycle keeps the source alive, like
            // `shared`, until the process exits.
            source.setEventHandler { [weak self] in
                withExtendedLifetime(source) { self?.interrupted(signalNumber) }
            }
            source.resume()
        }
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

    private func interrupted(_ signalNumber: Int32) {
        // Never released: the process exits below, and no critical section may start in between.
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
        let name = signalNumber == SIGINT ? "interrupt" : "termination"
        FileHandle.standardError.write(Data("audreg: stopped by \(name); the previous output is unchanged\n".utf8))
        exit(128 + signalNumber)
    }
}

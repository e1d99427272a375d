import Foundation

/// Removes half-written output when audreg is interrupted (SIGINT, SIGTERM), then exits with the
/// conventional status 128 + signal. Commands register their temporary folders while they write them;
/// a writer checks `isCancelled` so that no file is created after cleanup has begun.
public final class InterruptCleanup: @unchecked Sendable {
    public static let shared = InterruptCleanup()

    private let lock = NSLock()
    private var paths: [String] = []
    private var sources: [DispatchSourceSignal] = []
    private var cancelled = false
    private var installed = false

    /// True once an interrupt arrived; writers stop instead of creating more files.
    public var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled
    }

    /// Installs the handlers once. A process started with SIGINT or SIGTERM blocked (some supervisors
    /// and test harnesses do that) gets them unblocked, or an interrupt would never arrive.
    public func install() {
        lock.lock()
        defer { lock.unlock() }
        guard !installed else { return }
        installed = true
        var set = sigset_t()
        sigemptyset(&set)
        for signal in [SIGINT, SIGTERM] { sigaddset(&set, signal) }
        sigprocmask(SIG_UNBLOCK, &set, nil)
        let queue = DispatchQueue(label: "audreg.interrupt")
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler { [weak self] in self?.interrupted(signalNumber) }
            source.resume()
            sources.append(source)
        }
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

    private func interrupted(_ signalNumber: Int32) {
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
        let name = signalNumber == SIGINT ? "interrupt" : "termination"
        FileHandle.standardError.write(Data("audreg: stopped by \(name); the previous output is unchanged\n".utf8))
        exit(128 + signalNumber)
    }
}

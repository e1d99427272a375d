import AudregCore
import Foundation

/// SIGINT and SIGTERM: remove the half-written output registered with `InterruptCleanup`, then exit
/// with the conventional status 128 + signal.
enum InterruptSignals {
    /// Whether the handlers are installed. `Locked`, not `Synchronization.Mutex`: Mutex needs macOS 15
    /// and the package supports macOS 13.
    private static let installed = Locked(false)

    /// Installs the handlers once. A process started with SIGINT or SIGTERM blocked (some supervisors
    /// and test harnesses do that) gets them unblocked, or an interrupt would never arrive.
    /// `outcome` ends the line printed on the way out.
    static func install(cleanup: InterruptCleanup, outcome: String = "the previous output is unchanged") {
        installed.withLock { installed in
            guard !installed else { return }
            var set = sigset_t()
            sigemptyset(&set)
            for signal in [SIGINT, SIGTERM] { sigaddset(&set, signal) }
            sigprocmask(SIG_UNBLOCK, &set, nil)
            let queue = DispatchQueue(label: "audreg.interrupt")
            for signalNumber in [SIGINT, SIGTERM] {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
                // The handler holds its source, so the source stays alive and armed for the rest of the
                // process (the handlers are never removed) without being kept in shared state.
                source.setEventHandler {
                    withExtendedLifetime(source) { interrupted(signalNumber, cleanup: cleanup, outcome: outcome) }
                }
                source.resume()
            }
            installed = true
        }
    }

    private static func interrupted(_ signalNumber: Int32, cleanup: InterruptCleanup, outcome: String) {
        cleanup.cancel()
        let name = signalNumber == SIGINT ? "interrupt" : "termination"
        // After the swap the new output is in place: saying the previous one is unchanged would be false.
        let said = cleanup.isCommitted ? "the new output was already in place; what was left of the previous one is removed" : outcome
        FileHandle.standardError.write(Data("audreg: stopped by \(name); \(said)\n".utf8))
        exit(128 + signalNumber)
    }
}

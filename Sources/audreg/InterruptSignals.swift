import AudregCore
import Foundation
import Synchronization

/// SIGINT and SIGTERM: remove the half-written output registered with `InterruptCleanup`, then exit
/// with the conventional status 128 + signal.
enum InterruptSignals {
    private static let state = Mutex<[DispatchSourceSignal]?>(nil)

    /// Installs the handlers once. A process started with SIGINT or SIGTERM blocked (some supervisors
    /// and test harnesses do that) gets them unblocked, or an interrupt would never arrive.
    static func install(cleanup: InterruptCleanup) {
        state.withLock { sources in
            guard sources == nil else { return }
            var set = sigset_t()
            sigemptyset(&set)
            for signal in [SIGINT, SIGTERM] { sigaddset(&set, signal) }
            sigprocmask(SIG_UNBLOCK, &set, nil)
            let queue = DispatchQueue(label: "audreg.interrupt")
            var installed: [DispatchSourceSignal] = []
            for signalNumber in [SIGINT, SIGTERM] {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
                source.setEventHandler { interrupted(signalNumber, cleanup: cleanup) }
                source.resume()
                installed.append(source)
            }
            sources = installed
        }
    }

    private static func interrupted(_ signalNumber: Int32, cleanup: InterruptCleanup) {
        cleanup.cancel()
        let name = signalNumber == SIGINT ? "interrupt" : "termination"
        FileHandle.standardError.write(Data("audreg: stopped by \(name); the previous output is unchanged\n".utf8))
        exit(128 + signalNumber)
    }
}

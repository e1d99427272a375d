import AudregCore
import AudregDrift
import Foundation

extension Terminal {
    /// A progress line on stderr when `ProgressPolicy` allows one here, else nil.
    static func progress(label: String, unit: String) -> ProgressReporter? {
        guard ProgressPolicy.shows(stderrIsTerminal: stderrIsTerminal, environment: ProcessInfo.processInfo.environment) else { return nil }
        return ProgressReporter(label: label, unit: unit) { text in FileHandle.standardError.write(Data(text.utf8)) }
    }

    /// Redraws `reporter` every second on a background queue until cancelled, for synchronous work.
    static func ticker(_ reporter: ProgressReporter) -> DispatchSourceTimer {
        let timer = DispatchSource.makeTimerSource(queue: .global(qos: .utility))
        timer.schedule(deadline: .now() + 1, repeating: 1)
        timer.setEventHandler { reporter.tick() }
        timer.resume()
        return timer
    }
}

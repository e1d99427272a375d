import AudregCore
import Foundation

/// The settings that belong to the whole process, read here once so the libraries never read the
/// environment or write to stderr on their own.
enum ProcessSettings {
    /// AUDREG_TIMING set: phase durations go to stderr; AUDREG_TIMING=rules also runs the rules one
    /// after another and times each.
    static let timing: TimingOptions = {
        guard let value = ProcessInfo.processInfo.environment["AUDREG_TIMING"] else { return .off }
        return TimingOptions(reportsPhases: true, timesEachRule: value == "rules",
                             write: { FileHandle.standardError.write(Data($0.utf8)) })
    }()
}

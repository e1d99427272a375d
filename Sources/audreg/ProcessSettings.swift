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

extension ProcessSettings {
    /// Ends the process with everything `objects` refer to still allocated. A command that is done has
    /// no use for its registry, and freeing 50,000 services object by object is a measurable part of
    /// `validate`'s time (BENCHMARKS.md, "A flat YAML tree"); the kernel takes the memory back at once.
    /// Only for the end of a command: output goes straight to the file descriptors (`Terminal`), so
    /// nothing is left in a buffer.
    static func exit(_ code: Int32, keeping objects: Any...) -> Never {
        withExtendedLifetime(objects) { Foundation.exit(code) }
    }
}

import Foundation

/// Phase durations, printed to stderr when AUDREG_TIMING is set (for profiling large registries).
@usableFromInline
struct PhaseTiming {
    private var last = DispatchTime.now().uptimeNanoseconds
    private var phases: [(String, Double)] = []
    /// Render time per page kind, summed over threads.
    var detail = ""

    /// Seconds since the last lap, without starting a new one.
    var sinceLap: Double { Double(DispatchTime.now().uptimeNanoseconds - last) / 1e9 }

    static func format(_ seconds: Double) -> String { String(format: "%.3f", seconds) }

    mutating func lap(_ name: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        phases.append((name, Double(now - last) / 1e9))
        last = now
    }

    /// AUDREG_TIMING=rules: the rules run one after another and each one's time is printed.
    @usableFromInline
    static var perRule: Bool { ProcessInfo.processInfo.environment["AUDREG_TIMING"] == "rules" }

    func report() {
        guard ProcessInfo.processInfo.environment["AUDREG_TIMING"] != nil else { return }
        for (name, seconds) in phases {
            FileHandle.standardError.write(Data("audreg: \(name): \(Self.format(seconds)) s\n".utf8))
        }
        if !detail.isEmpty { FileHandle.standardError.write(Data("audreg: render time by page kind (all threads): \(detail)\n".utf8)) }
    }
}

import Foundation

/// Phase durations, printed to stderr when AUDREG_TIMING is set (for profiling large registries).
struct PhaseTiming {
    private var last = DispatchTime.now().uptimeNanoseconds
    private var phases: [(String, Double)] = []
    /// Render time per page kind, summed over threads.
    var detail = ""

    /// Seconds since the last lap, without starting a new one.
    var sinceLap: Double { Double(DispatchTime.now().uptimeNanoseconds - last) / 1e9 }

    static func format(_ seconds: Double) -> String { String(format: "%.2f", seconds) }

    mutating func lap(_ name: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        phases.append((name, Double(now - last) / 1e9))
        last = now
    }

    func report() {
        guard ProcessInfo.processInfo.environment["AUDREG_TIMING"] != nil else { return }
        for (name, seconds) in phases {
            FileHandle.standardError.write(Data("audreg: \(name): \(Self.format(seconds)) s\n".utf8))
        }
        if !detail.isEmpty { FileHandle.standardError.write(Data("audreg: render time by page kind (all threads): \(detail)\n".utf8)) }
    }
}

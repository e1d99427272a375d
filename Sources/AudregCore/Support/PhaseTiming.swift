import Foundation

/// Whether a run reports its phase durations, and where the lines go (for profiling large registries).
/// The library never reads the environment: the executable builds this from AUDREG_TIMING.
public struct TimingOptions: Sendable {
    /// Print each phase's duration (and memory) through `write`.
    public var reportsPhases: Bool
    /// Run the rules one after another and time each (AUDREG_TIMING=rules), instead of in parallel.
    public var timesEachRule: Bool
    public var write: @Sendable (String) -> Void

    public init(reportsPhases: Bool = false, timesEachRule: Bool = false, write: @escaping @Sendable (String) -> Void = { _ in }) {
        self.reportsPhases = reportsPhases
        self.timesEachRule = timesEachRule
        self.write = write
    }

    public static let off = TimingOptions()
}

/// Phase durations, reported through `TimingOptions.write` when `reportsPhases` is set.
package struct PhaseTiming {
    private var last = DispatchTime.now().uptimeNanoseconds
    private var phases: [(String, Double, String)] = []
    private let options: TimingOptions
    /// Memory is read only when the timings will be printed: each read opens a file in /proc.
    private var measuresMemory: Bool { options.reportsPhases }

    package init(_ options: TimingOptions) {
        self.options = options
    }
    /// Render time per page kind, summed over threads.
    package var detail = ""

    /// Seconds since the last lap, without starting a new one.
    package var sinceLap: Double { Double(DispatchTime.now().uptimeNanoseconds - last) / 1e9 }

    package static func format(_ seconds: Double) -> String { String(format: "%.3f", seconds) }

    package mutating func lap(_ name: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        phases.append((name, Double(now - last) / 1e9, measuresMemory ? Self.memory() : ""))
        last = now
    }

    /// " (resident 52 MiB, peak 61 MiB)" at the end of a lap, from /proc/self/status (Linux only): where
    /// in a run the peak that `/usr/bin/time -v` reports is reached.
    package static func memory() -> String {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return "" }
        var resident = "", peak = ""
        for line in status.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, let kibibytes = Int(fields[1]) else { continue }
            if fields[0] == "VmRSS:" { resident = String(kibibytes / 1024) }
            if fields[0] == "VmHWM:" { peak = String(kibibytes / 1024) }
        }
        return resident.isEmpty ? "" : " (resident \(resident) MiB, peak \(peak) MiB)"
    }

    package func report() {
        guard options.reportsPhases else { return }
        for (name, seconds, memory) in phases {
            options.write("audreg: \(name): \(Self.format(seconds)) s\(memory)\n")
        }
        if !detail.isEmpty { options.write("audreg: render time by page kind (all threads): \(detail)\n") }
    }
}

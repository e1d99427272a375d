import Foundation

/// Phase durations, printed to stderr when AUDREG_TIMING is set (for profiling large registries).
@usableFromInline
struct PhaseTiming {
    private var last = DispatchTime.now().uptimeNanoseconds
    private var phases: [(String, Double, String)] = []
    /// Memory is read only when the timings will be printed: each read opens a file in /proc.
    private let measuresMemory = ProcessInfo.processInfo.environment["AUDREG_TIMING"] != nil
    /// Render time per page kind, summed over threads.
    var detail = ""

    /// Seconds since the last lap, without starting a new one.
    var sinceLap: Double { Double(DispatchTime.now().uptimeNanoseconds - last) / 1e9 }

    static func format(_ seconds: Double) -> String { String(format: "%.3f", seconds) }

    mutating func lap(_ name: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        phases.append((name, Double(now - last) / 1e9, measuresMemory ? Self.memory() : ""))
        last = now
    }

    /// " (resident 52 MiB, peak 61 MiB)" at the end of a lap, from /proc/self/status (Linux only): where
    /// in a run the peak that `/usr/bin/time -v` reports is reached.
    static func memory() -> String {
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

    /// AUDREG_TIMING=rules: the rules run one after another and each one's time is printed.
    @usableFromInline
    static var perRule: Bool { ProcessInfo.processInfo.environment["AUDREG_TIMING"] == "rules" }

    func report() {
        guard ProcessInfo.processInfo.environment["AUDREG_TIMING"] != nil else { return }
        for (name, seconds, memory) in phases {
            FileHandle.standardError.write(Data("audreg: \(name): \(Self.format(seconds)) s\(memory)\n".utf8))
        }
        if !detail.isEmpty { FileHandle.standardError.write(Data("audreg: render time by page kind (all threads): \(detail)\n".utf8)) }
    }
}

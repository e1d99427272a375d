import Foundation
import Testing
@testable import AudregCore
import AudregTestHelpers

@Suite("Support: phase timing")
struct PhaseTimingTests {
    /// `/proc/self/status` separates names from values with tabs; the figures must be read anyway, and
    /// the peak is never below what is resident.
    @Test("the memory figures are read from /proc and the peak is at least the resident size")
    func memoryFigures() throws {
        let text = PhaseTiming.memory()
        #expect(FileManager.default.fileExists(atPath: "/proc/self/status") == !text.isEmpty)
        guard !text.isEmpty else { return }
        let numbers = text.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        #expect(numbers.count == 2, "\(text)")
        let (resident, peak) = (try #require(numbers.first), try #require(numbers.last))
        #expect(resident > 0 && peak >= resident, "\(text)")
        #expect(text == " (resident \(resident) MiB, peak \(peak) MiB)")
    }
}

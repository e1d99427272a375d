import Foundation
import Testing
@testable import AudregCore
import AudregTestHelpers

@Suite("Progress on stderr: when it shows and what it writes")
struct ProgressTests {
    @Test("shown only on a terminal, and never with NO_COLOR or CI set (to any value)")
    func policy() {
        #expect(ProgressPolicy.shows(stderrIsTerminal: true, environment: ["TERM": "xterm"]))
        #expect(!ProgressPolicy.shows(stderrIsTerminal: false, environment: [:]))
        #expect(!ProgressPolicy.shows(stderrIsTerminal: true, environment: ["NO_COLOR": "1"]))
        #expect(!ProgressPolicy.shows(stderrIsTerminal: true, environment: ["NO_COLOR": ""]))
        #expect(!ProgressPolicy.shows(stderrIsTerminal: true, environment: ["CI": "true"]))
        #expect(!ProgressPolicy.shows(stderrIsTerminal: true, environment: ["CI": ""]))
    }

    @Test("the line gives counts and elapsed time")
    func line() {
        #expect(ProgressPolicy.line(label: "drift", done: 12, total: 400, unit: "checks", elapsed: .seconds(7)) == "drift: 12/400 checks, 7s")
        #expect(ProgressPolicy.line(label: "drift", done: 0, total: 3, unit: "checks", elapsed: .seconds(65)) == "drift: 0/3 checks, 1m05s")
        #expect(ProgressPolicy.line(label: "build", done: 0, total: nil, unit: "writing the site", elapsed: .seconds(3_725)) == "build: writing the site, 1h02m")
    }

    final class Sink: @unchecked Sendable {
        let lock = NSLock()
        var writes: [String] = []
        func append(_ text: String) { lock.withLock { writes.append(text) } }
    }

    @Test("redraws one line in place, throttled, always the last count, cleared at the end and silent after")
    func reporter() {
        let sink = Sink()
        let reporter = ProgressReporter(label: "drift", unit: "checks", interval: .seconds(3_600)) { sink.append($0) }
        for done in 1...1_000 { reporter.update(done: done, total: 1_000) }
        // The first update draws, the next 998 fall inside the interval, the last always draws.
        #expect(sink.writes.count == 2, "\(sink.writes)")
        #expect(sink.writes.allSatisfy { $0.hasPrefix("\r") && !$0.contains("\n") })
        #expect(sink.writes.last?.hasPrefix("\rdrift: 1000/1000 checks, ") == true, "\(sink.writes)")
        reporter.finish()
        let width = "drift: 1000/1000 checks, 0s".count
        #expect(sink.writes.last == "\r" + String(repeating: " ", count: width) + "\r", "\(sink.writes)")
        let count = sink.writes.count
        reporter.tick()
        reporter.update(done: 1_000, total: 1_000)
        #expect(sink.writes.count == count)
    }

    @Test("nothing is written when nothing was drawn")
    func quiet() {
        let sink = Sink()
        ProgressReporter(label: "drift", unit: "checks") { sink.append($0) }.finish()
        #expect(sink.writes.isEmpty)
    }
}

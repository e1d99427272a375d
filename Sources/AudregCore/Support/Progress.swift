import Foundation

/// When a long command shows progress. Only for a person watching: stderr must be a terminal (a pipe
/// or a CI log would keep every redraw), and `NO_COLOR` or `CI` set means no redrawn lines either.
/// Progress never goes to stdout, so reports are the same with or without it.
public enum ProgressPolicy {
    public static func shows(stderrIsTerminal: Bool, environment: [String: String]) -> Bool {
        stderrIsTerminal && environment["NO_COLOR"] == nil && environment["CI"] == nil
    }

    /// "drift: 1200/5000 checks, 1m05s": the text of one redraw, without the carriage return.
    public static func line(label: String, done: Int, total: Int?, unit: String, elapsed: Duration) -> String {
        let counts = total.map { "\(done)/\($0) \(unit)" } ?? unit
        return "\(label): \(counts), \(format(elapsed))"
    }

    static func format(_ elapsed: Duration) -> String {
        let seconds = max(0, Int(elapsed.components.seconds))
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m\(String(seconds % 60).leftPadded(to: 2))s" }
        return "\(seconds / 3600)h\(String(seconds / 60 % 60).leftPadded(to: 2))m"
    }
}

/// One progress line on stderr, redrawn in place at most every `interval` (a run of 50,000 checks must
/// not write 50,000 lines to the terminal) and once a second by `tick` while nothing finishes. The
/// CLI decides with `ProgressPolicy` whether to make one; `write` is its stderr.
///
/// Why `@unchecked Sendable` is sound: the `var` fields are read and written only by `update`, `tick`
/// and `finish`, each of which holds `lock` for its whole body (`draw` is called only from them); the
/// `let` fields are Sendable values set in `init`.
public final class ProgressReporter: @unchecked Sendable {
    private let lock = NSLock()
    private let label: String
    private let unit: String
    private let write: @Sendable (String) -> Void
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private let interval: Duration
    private var lastDraw: ContinuousClock.Instant?
    private var done = 0
    private var total: Int?
    private var width = 0
    /// Set by `finish`: a tick already queued on another thread must not draw the line again.
    private var finished = false

    public init(label: String, unit: String, interval: Duration = .milliseconds(100), write: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.unit = unit
        self.interval = interval
        self.write = write
        start = clock.now
    }

    /// Records `done` of `total` and redraws when the last redraw is old enough, or at the end.
    public func update(done: Int, total: Int?) {
        lock.lock()
        defer { lock.unlock() }
        guard !finished else { return }
        self.done = max(self.done, done)
        self.total = total
        let now = clock.now
        if let lastDraw, now - lastDraw < interval, done != total { return }
        draw(now)
    }

    /// Redraws with the current counts, so elapsed time moves while a slow request is in flight.
    public func tick() {
        lock.lock()
        defer { lock.unlock() }
        guard !finished else { return }
        draw(clock.now)
    }

    /// Clears the line, so what follows on stderr starts at the left edge.
    public func finish() {
        lock.lock()
        defer { lock.unlock() }
        finished = true
        guard lastDraw != nil else { return }
        write("\r" + String(repeating: " ", count: width) + "\r")
        lastDraw = nil
    }

    private func draw(_ now: ContinuousClock.Instant) {
        let text = ProgressPolicy.line(label: label, done: done, total: total, unit: unit, elapsed: now - start)
        // Spaces over what a longer previous line left, rather than an escape sequence.
        let padding = String(repeating: " ", count: max(0, width - text.count))
        width = max(width, text.count)
        write("\r" + text + padding)
        lastDraw = now
    }
}

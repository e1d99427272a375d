import AudregCore
import AudregSite
import Foundation
import Hummingbird
import Logging

/// `audreg serve`: builds the site, serves it over HTTP, watches its inputs, rebuilds when they change
/// and tells open pages to reload.
///
/// Each build goes into a fresh folder under `workDirectory`, and the server switches to it only when
/// it succeeded, so a page is always served from one complete build. The folder before the previous one
/// is removed at each switch: a request still reading the previous build finishes with it.
@available(macOS 14, *)
public struct PreviewServer: Sendable {
    public var settings: PreviewSettings
    public var watched: [WatchedTree]
    public var host: String
    public var port: Int
    /// Where the builds go; the caller creates it, registers it with `InterruptCleanup` and removes it.
    public var workDirectory: String
    public var pollInterval: Duration
    /// One line per build or problem, for standard error.
    public var log: @Sendable (String) -> Void
    public let state: PreviewState

    public init(settings: PreviewSettings, watched: [WatchedTree], host: String = "127.0.0.1", port: Int = 8080,
                workDirectory: String, pollInterval: Duration = .milliseconds(200), state: PreviewState = PreviewState(),
                log: @escaping @Sendable (String) -> Void) {
        self.settings = settings
        self.watched = watched
        self.host = host
        self.port = port
        self.workDirectory = workDirectory
        self.pollInterval = pollInterval
        self.state = state
        self.log = log
    }

    /// Starts listening (`onListening` gets the bound port, the one chosen for port 0), builds, then
    /// rebuilds on every change until the task is cancelled. Throws when the address cannot be bound.
    ///
    /// The server starts before the first build, so a port in use is reported at once and the URL can
    /// be opened while a large registry builds: pages answer "not built yet" and reload when it is.
    public func run(onListening: @escaping @Sendable (Int) -> Void) async throws {
        let (listening, listened) = AsyncStream.makeStream(of: Void.self)
        let app = application { port in
            onListening(port)
            listened.finish()
        }
        defer { state.finish() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            group.addTask {
                // Not before the server listens: a failure to bind must not wait for a build to end.
                for await _ in listening {}
                guard !Task.isCancelled else { return }
                var builds = BuildFolders(workDirectory: workDirectory)
                // Taken before the first build, so a change made while it runs is built next.
                var last = FileSnapshot.take(watched)
                await rebuild(&builds, reason: nil)
                var delay = pollInterval
                var quietSince = ContinuousClock.now
                while !Task.isCancelled {
                    try await Task.sleep(for: delay)
                    let start = ContinuousClock.now
                    var now = FileSnapshot.take(watched)
                    delay = nextPollDelay(interval: pollInterval, lastWalk: ContinuousClock.now - start)
                    if now != last {
                        // Editors and tools that truncate, then write, or save several files at once are
                        // seen mid-save; building that would flash an overlay and reload twice. Wait until the
                        // files hold still for 50 ms (at most a second).
                        for _ in 0..<20 {
                            try await Task.sleep(for: .milliseconds(50))
                            let again = FileSnapshot.take(watched)
                            if again == now { break }
                            now = again
                        }
                        let changed = now.changes(since: last)
                        last = now
                        await rebuild(&builds, reason: changed)
                        quietSince = .now
                    } else if ContinuousClock.now - quietSince > .seconds(15) {
                        // The current token again on every event stream: the write to a closed tab's
                        // connection fails, which ends its stream.
                        state.ping()
                        quietSince = .now
                    }
                }
            }
            // The first task to end (the server failing to bind, or cancellation) ends both.
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    /// The HTTP server: `PreviewResponder` on `host`:`port`. Quiet: a failure to listen is thrown, and the
    /// per-connection errors it would log at shutdown say nothing to a person previewing a site.
    func application(onListening: @escaping @Sendable (Int) -> Void) -> Application<CallbackResponder<BasicRequestContext>> {
        var logger = Logger(label: "audreg.serve")
        logger.logLevel = .critical
        let responder = PreviewResponder(state: state, loopbackOnly: PreviewResponder.isLoopback(host))
        let port = port
        return Application(
            responder: CallbackResponder<BasicRequestContext> { request, _ in await responder.respond(to: request) },
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    /// Builds off the concurrency pool (a build blocks its thread for as long as it runs) and shows the outcome.
    func rebuild(_ builds: inout BuildFolders, reason changed: [String]?) async {
        let output = builds.next()
        let settings = settings
        // The folder being shown stays whole while the next build links its unchanged pages.
        let previous = state.current.site
        let start = ContinuousClock.now
        let outcome = await withCheckedContinuation { continuation in
            DispatchQueue(label: "audreg.serve.build").async {
                continuation.resume(returning: PreviewBuilder.build(settings, into: output, previous: previous))
            }
        }
        let elapsed = (ContinuousClock.now - start).components
        let seconds = String(format: "%.2f s", Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18)
        let because = changed.map { Self.describe($0) } ?? ""
        switch outcome {
        case .built(let directory, let result):
            let retired = state.show(site: directory)
            builds.retire(retired)
            log("audreg: built\(because) in \(seconds): \(result.htmlPages) HTML pages\(result.reuseSummary)")
        case .problems(let problems):
            state.show(problems: problems)
            let first = problems.first.map { ($0.location.map { $0 + ": " } ?? "") + $0.message } ?? ""
            log("audreg: \(problems.count) problem(s)\(because), \(state.current.site == nil ? "no site to show yet" : "showing the previous build"): \(TerminalText.escape(first))")
        }
    }

    static func describe(_ changed: [String]) -> String {
        guard let first = changed.first else { return "" }
        let more = changed.count > 1 ? " and \(changed.count - 1) more" : ""
        return " after a change to \(TerminalText.escape(first))\(more)"
    }
}

/// The numbered build folders under the work directory, and which ones may be removed.
struct BuildFolders {
    let workDirectory: String
    var count = 0
    /// The folder shown before the current one: kept until the next switch, for requests still reading it.
    var previous: String?

    init(workDirectory: String) { self.workDirectory = workDirectory }

    mutating func next() -> String {
        count += 1
        return workDirectory + "/site-\(count)"
    }

    /// `replaced` stopped being shown: the one before it goes now.
    mutating func retire(_ replaced: String?) {
        if let previous { try? FileManager.default.removeItem(atPath: previous) }
        previous = replaced
    }
}

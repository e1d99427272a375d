import AudregCore
import Foundation

/// What the preview shows now: the folder of the last successful build, the problems of the last
/// attempt, and a token that changes whenever either does. Pages hold the token they were served with
/// and reload when the event stream sends another one.
public final class PreviewState: Sendable {
    public struct Current: Sendable {
        /// The served folder (absolute, symbolic links resolved), or nil before the first successful build.
        public var site: String?
        public var problems: [PreviewProblem]
        public var token: String
    }

    private struct Inner {
        var site: String?
        var problems: [PreviewProblem] = []
        var generation = 1
        var subscribers: [Int: AsyncStream<String>.Continuation] = [:]
        var nextSubscriber = 0
        var finished = false
    }

    /// Random per server run, so a page served by an earlier run reloads when the server comes back.
    private let session: String
    private let inner = Locked(Inner())

    public init(session: String = PreviewState.randomSession()) {
        self.session = session
    }

    public static func randomSession() -> String {
        String(UInt64.random(in: 1...UInt64.max), radix: 16)
    }

    public var current: Current {
        inner.withLock { Current(site: $0.site, problems: $0.problems, token: tokenFor($0.generation)) }
    }

    private func tokenFor(_ generation: Int) -> String { "\(session)-\(generation)" }

    /// Shows `site` (a new build) with no problems. Returns the folder it replaces.
    @discardableResult
    public func show(site: String) -> String? {
        let resolved = SiteFile.realPath(site) ?? site
        return update { inner in
            let previous = inner.site
            inner.site = resolved
            inner.problems = []
            return (true, previous)
        }
    }

    /// Shows `problems` over the last successful build. The same problems again change nothing, so a
    /// save that does not fix them reloads no page.
    public func show(problems: [PreviewProblem]) {
        update { inner in
            guard inner.problems != problems else { return (false, ()) }
            inner.problems = problems
            return (true, ())
        }
    }

    private func update<T>(_ change: (inout Inner) -> (changed: Bool, result: T)) -> T {
        let (result, token, subscribers) = inner.withLock { inner -> (T, String?, [AsyncStream<String>.Continuation]) in
            let (changed, result) = change(&inner)
            guard changed else { return (result, nil, []) }
            inner.generation += 1
            return (result, tokenFor(inner.generation), Array(inner.subscribers.values))
        }
        if let token { for subscriber in subscribers { subscriber.yield(token) } }
        return result
    }

    /// The tokens to send to one page: the current one at once, then each new one. Ends with `finish()`.
    public func subscribe() -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(1))
        let id: Int? = inner.withLock { inner in
            guard !inner.finished else { return nil }
            let id = inner.nextSubscriber
            inner.nextSubscriber += 1
            inner.subscribers[id] = continuation
            continuation.yield(tokenFor(inner.generation))
            return id
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.inner.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// Sends the current token again to every page: a write to a closed connection ends its stream.
    public func ping() {
        let (token, subscribers) = inner.withLock { (tokenFor($0.generation), Array($0.subscribers.values)) }
        for subscriber in subscribers { subscriber.yield(token) }
    }

    public var subscriberCount: Int { inner.withLock { $0.subscribers.count } }

    /// Ends every event stream (the server is stopping).
    public func finish() {
        let subscribers = inner.withLock { inner in
            inner.finished = true
            defer { inner.subscribers = [:] }
            return Array(inner.subscribers.values)
        }
        for subscriber in subscribers { subscriber.finish() }
    }
}

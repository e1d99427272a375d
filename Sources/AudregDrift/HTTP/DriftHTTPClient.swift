import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL
import AudregCore

/// How drift talks to the network. Every number here bounds time or memory.
public struct HTTPFetchOptions: Sendable {
    /// Per request, including connecting, TLS, redirects and reading the body.
    public var timeout: Duration = .seconds(10)
    /// For the whole run; requests that would start after it fail with "deadline reached".
    public var deadline: Duration = .seconds(300)
    /// Requests in flight at once.
    public var concurrency: Int = 16
    /// Responses larger than this are refused, unread.
    public var maxBodyBytes: Int = 1 << 20
    /// Same-host redirects followed (https→http and other hosts are always refused).
    public var maxRedirects: Int = 3
    /// Pause before the single retry of a refused connection, a reset, a 429 or a 5xx.
    public var retryBackoff: Duration = .milliseconds(250)
    /// PEM file of extra trust roots, added to the system's.
    public var caBundle: String?
    /// Skip certificate verification for 127.0.0.0/8 only.
    public var insecureLoopback: Bool = false
    /// Which addresses may be connected to; by default public unicast addresses only.
    public var network = NetworkPolicy()

    public init() {}
}

/// The network source: async-http-client with timeouts, a size cap, bounded concurrency, a redirect
/// policy and one retry. Call `shutdown()` when done.
public final class HTTPDocumentSource: DocumentSource {
    let options: HTTPFetchOptions
    let tls: TLSConfiguration
    let insecureTLS: TLSConfiguration?
    let limiter: ConcurrencyLimiter
    let runDeadline: ContinuousClock.Instant
    let clients = ClientPool()

    public init(options: HTTPFetchOptions) throws(FetchFailure) {
        self.options = options
        var tls = TLSConfiguration.makeClientConfiguration()
        if let bundle = options.caBundle {
            guard FileManager.default.isReadableFile(atPath: bundle) else { throw FetchFailure("--ca-bundle '\(bundle)' cannot be read") }
            guard (try? NIOSSLCertificate.fromPEMFile(bundle))?.isEmpty == false else {
                throw FetchFailure("--ca-bundle '\(bundle)' holds no PEM certificate")
            }
            tls.additionalTrustRoots = [.file(bundle)]
        }
        self.tls = tls
        if options.insecureLoopback {
            var insecure = tls
            insecure.certificateVerification = .none
            insecureTLS = insecure
        } else {
            insecureTLS = nil
        }
        limiter = ConcurrencyLimiter(limit: max(options.concurrency, 1))
        runDeadline = .now + options.deadline
    }

    public func shutdown() async {
        await clients.shutdown()
    }

    /// A client that connects to `address` whatever `host` resolves to. AHC's `dnsOverride` maps the URL's
    /// host to the IP literal drift checked: the connection goes to that address with no lookup of its own,
    /// while the Host header, TLS SNI and certificate verification still use the host name (AHC sets
    /// `serverNameIndicatorOverride` for an overridden name). So there is no window between the policy
    /// check and the connect in which DNS could answer differently (rebinding), for http and https alike.
    func client(tls: TLSConfiguration, pin: (host: String, address: IPAddress)?) -> HTTPClient {
        let timeout = TimeAmount.nanoseconds(Int64(options.timeout.components.seconds) * 1_000_000_000
                                             + options.timeout.components.attoseconds / 1_000_000_000)
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls, redirectConfiguration: .disallow,
                                                     timeout: .init(connect: timeout, read: timeout))
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(options.concurrency, 1)
        configuration.decompression = .disabled
        configuration.proxy = nil
        if let pin { configuration.dnsOverride = [pin.host: pin.address.description] }
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func fetch(_ url: String) async -> Result<FetchedDocument, FetchFailure> {
        await limiter.acquire()
        let result = await fetchWithRetry(url)
        await limiter.release()
        return result
    }

    func fetchWithRetry(_ url: String) async -> Result<FetchedDocument, FetchFailure> {
        guard ContinuousClock.now < runDeadline else {
            return .failure(FetchFailure("not fetched: the overall deadline of \(Self.seconds(options.deadline)) was reached"))
        }
        let requestDeadline = min(ContinuousClock.now + options.timeout, runDeadline)
        let first = await fetchFollowingRedirects(url, deadline: requestDeadline)
        guard case .failure(let failure) = first, failure.retryable else { return first.mapError(\.failure) }
        guard ContinuousClock.now + options.retryBackoff + .milliseconds(50) < requestDeadline else { return first.mapError(\.failure) }
        try? await Task.sleep(for: options.retryBackoff)
        return await fetchFollowingRedirects(url, deadline: requestDeadline).mapError(\.failure)
    }

    struct Attempt: Error {
        var failure: FetchFailure
        var retryable: Bool
    }

    static func seconds(_ duration: Duration) -> String {
        let value = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return value == value.rounded() ? "\(Int(value)) s" : String(format: "%.1f s", value)
    }

    func fetchFollowingRedirects(_ original: String, deadline: ContinuousClock.Instant) async -> Result<FetchedDocument, Attempt> {
        var current = original
        for _ in 0...options.maxRedirects {
            let result = await fetchOnce(current, deadline: deadline)
            switch result {
            case .failure(let attempt): return .failure(attempt)
            case .success(.document(let document)):
                return .success(FetchedDocument(url: original, status: document.status, contentType: document.contentType, body: document.body))
            case .success(.redirect(let location, let status)):
                // The Location header is the server's text: it is checked, never echoed.
                guard let next = URL(string: location, relativeTo: URL(string: current))?.absoluteURL,
                      let from = URLParts(current), let to = URLParts(next.absoluteString),
                      ["http", "https"].contains(to.scheme.lowercased()) else {
                    return .failure(Attempt(failure: FetchFailure("HTTP \(status) redirect to an unusable location"), retryable: false))
                }
                // The policy first, before any other rule and before any lookup: a redirect to a blocked
                // IP literal is reported as blocked, and no packet goes there.
                if let literal = IPAddress(Self.bareHost(to.host)), case .blocked = options.network.check(literal) {
                    return .failure(Attempt(failure: FetchFailure("HTTP \(status) redirect refused: its target is blocked by the network policy"), retryable: false))
                }
                if from.scheme.lowercased() == "https" && to.scheme.lowercased() != "https" {
                    return .failure(Attempt(failure: FetchFailure("HTTP \(status) redirect from https to \(to.scheme.lowercased()) refused"), retryable: false))
                }
                if from.host.lowercased() != to.host.lowercased() || from.port != to.port {
                    return .failure(Attempt(failure: FetchFailure("HTTP \(status) redirect to another host refused"), retryable: false))
                }
                current = next.absoluteString
            }
        }
        return .failure(Attempt(failure: FetchFailure("more than \(options.maxRedirects) redirects"), retryable: false))
    }

    enum Outcome {
        case document(FetchedDocument)
        case redirect(String, Int)
    }

    func fetchOnce(_ url: String, deadline: ContinuousClock.Instant) async -> Result<Outcome, Attempt> {
        guard let parts = URLParts(url), ["http", "https"].contains(parts.scheme.lowercased()),
              let host = URL(string: url)?.host, !host.isEmpty else {
            return .failure(Attempt(failure: FetchFailure("not an http(s) URL"), retryable: false))
        }
        let remaining = deadline - ContinuousClock.now
        guard remaining > .zero else { return .failure(Attempt(failure: FetchFailure("timed out after \(Self.seconds(options.timeout))"), retryable: false)) }
        // A zone index would make AHC resolve the literal itself, past the check.
        guard !host.contains("%") else {
            return .failure(Attempt(failure: FetchFailure("not fetched: IPv6 zone indexes are not supported"), retryable: false))
        }
        let bare = Self.bareHost(host)
        let useInsecure = parts.scheme.lowercased() == "https" && Self.isLoopbackIPv4(bare) && insecureTLS != nil
        let tls = useInsecure ? insecureTLS! : self.tls
        if let literal = IPAddress(bare) {
            // AHC connects to an IP literal as written, without a lookup.
            if case .blocked(let block) = options.network.check(literal) {
                return .failure(Attempt(failure: FetchFailure(NetworkPolicy.message(block, host: bare)), retryable: false))
            }
            return await fetchPinned(url, tls: tls, pin: nil, deadline: deadline)
        } else {
            let addresses: [IPAddress]
            switch await AddressResolver.resolve(bare, timeout: remaining) {
            case .success(let found): addresses = found
            case .failure(.timedOut): return .failure(Attempt(failure: FetchFailure("timed out after \(Self.seconds(options.timeout))"), retryable: false))
            case .failure(.noAddress): return .failure(Attempt(failure: FetchFailure("DNS lookup failed"), retryable: false))
            }
            // Every address is checked, not just the one used: a name that also resolves to an internal
            // address is an attempt to reach it.
            for address in addresses {
                if case .blocked(let block) = options.network.check(address) {
                    return .failure(Attempt(failure: FetchFailure(NetworkPolicy.message(block, host: bare)), retryable: false))
                }
            }
            // One address of each family, IPv4 first (runners often have no IPv6 route); the second only
            // when the first refuses the connection. Both were checked above.
            let candidates = [addresses.first { $0.isIPv4 }, addresses.first { !$0.isIPv4 }].compactMap { $0 }
            var outcome: Result<Outcome, Attempt> = .failure(Attempt(failure: FetchFailure("DNS lookup failed"), retryable: false))
            for address in candidates {
                outcome = await fetchPinned(url, tls: tls, pin: (host, address), deadline: deadline)
                guard case .failure(let attempt) = outcome, attempt.failure.reason == "connection refused" else { break }
            }
            return outcome
        }
    }

    func fetchPinned(_ url: String, tls: TLSConfiguration, pin: (host: String, address: IPAddress)?,
                     deadline: ContinuousClock.Instant) async -> Result<Outcome, Attempt> {
        let remaining = deadline - ContinuousClock.now
        guard remaining > .zero else { return .failure(Attempt(failure: FetchFailure("timed out after \(Self.seconds(options.timeout))"), retryable: false)) }
        // One client per (host, checked address, TLS choice), so connections and TLS contexts are reused
        // (building a context reads the system's CA store) while a pin never serves another address.
        let key = ClientPool.Key(host: pin?.host, address: pin?.address, insecure: tls.certificateVerification == .none)
        let (client, shared) = await clients.client(for: key) { self.client(tls: tls, pin: pin) }
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request.headers.add(name: "Accept", value: "application/json, application/jwk-set+json")
        request.headers.add(name: "User-Agent", value: "audreg/\(AudregVersion.current) drift")
        let nanos = remaining.components.seconds * 1_000_000_000 + remaining.components.attoseconds / 1_000_000_000
        let nioDeadline = NIODeadline.now() + .nanoseconds(nanos)
        let maxBytes = options.maxBodyBytes
        let timeoutText = Self.seconds(options.timeout)
        let prepared = request
        // The deadline is also enforced from outside, so a server that dribbles bytes cannot hold a slot.
        let result = await withTaskGroup(of: Result<Outcome, Attempt>?.self) { group in
            group.addTask {
                do {
                    let response = try await client.execute(prepared, deadline: nioDeadline)
                    let status = Int(response.status.code)
                    if (300...399).contains(status), let location = response.headers.first(name: "Location") {
                        return .success(.redirect(location, status))
                    }
                    if let length = response.headers.first(name: "Content-Length").flatMap(Int.init), length > maxBytes {
                        return .failure(Attempt(failure: FetchFailure("response is over the \(maxBytes)-byte limit"), retryable: false))
                    }
                    let body = try await response.body.collect(upTo: maxBytes)
                    let document = FetchedDocument(url: url, status: status, contentType: response.headers.first(name: "Content-Type"),
                                                   body: Array(body.readableBytesView))
                    if status == 429 || (500...599).contains(status) {
                        return .failure(Attempt(failure: FetchFailure("HTTP \(status)"), retryable: true))
                    }
                    return .success(.document(document))
                } catch {
                    return .failure(Self.describe(error, timeout: timeoutText, maxBytes: maxBytes))
                }
            }
            group.addTask {
                try? await Task.sleep(until: deadline + .milliseconds(100), clock: .continuous)
                return Task.isCancelled ? nil : .failure(Attempt(failure: FetchFailure("timed out after \(timeoutText)"), retryable: false))
            }
            let first = await group.next()!
            group.cancelAll()
            return first ?? .failure(Attempt(failure: FetchFailure("cancelled"), retryable: false))
        }
        if !shared { try? await client.shutdown() }
        return result
    }

    /// A fixed class of failure for a person: never the library's text, which can carry errno values,
    /// addresses, server bytes or certificate subjects. Connection-level failures may be retried.
    static func describe(_ error: any Error, timeout: String, maxBytes: Int) -> Attempt {
        if error is NIOTooManyBytesError {
            return Attempt(failure: FetchFailure("response is over the \(maxBytes)-byte limit"), retryable: false)
        }
        if let client = error as? HTTPClientError {
            switch client {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout:
                return Attempt(failure: FetchFailure("timed out after \(timeout)"), retryable: false)
            case .tlsHandshakeTimeout:
                return Attempt(failure: FetchFailure("TLS failure: the handshake timed out"), retryable: false)
            case .remoteConnectionClosed:
                return Attempt(failure: FetchFailure("the server closed the connection"), retryable: true)
            case .cancelled:
                return Attempt(failure: FetchFailure("cancelled"), retryable: false)
            default:
                return Attempt(failure: FetchFailure("cannot fetch: HTTP protocol error"), retryable: false)
            }
        }
        let text = String(describing: error)
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return Attempt(failure: FetchFailure("TLS failure: the server's certificate is not trusted; for an internal CA pass --ca-bundle"), retryable: false)
        }
        if error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError
            || text.contains("certificate") || text.contains("SSL") || text.contains("handshake") {
            return Attempt(failure: FetchFailure("TLS failure"), retryable: false)
        }
        if text.lowercased().contains("refused") {
            return Attempt(failure: FetchFailure("connection refused"), retryable: true)
        }
        if text.contains("UnknownHost") || text.contains("NXDOMAIN") || text.contains("DNS") {
            return Attempt(failure: FetchFailure("DNS lookup failed"), retryable: false)
        }
        if text.lowercased().contains("reset") {
            return Attempt(failure: FetchFailure("connection reset"), retryable: true)
        }
        return Attempt(failure: FetchFailure("cannot fetch: network error"), retryable: false)
    }

    /// `[::1]` as `::1`.
    static func bareHost(_ host: String) -> String {
        host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    }

    /// 127.0.0.0/8 written as a dotted quad; names such as `localhost` do not count.
    static func isLoopbackIPv4(_ host: String) -> Bool {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ $0.count <= 3 && UInt8($0) != nil }) else { return false }
        return parts[0] == "127"
    }
}

/// The clients of one source, shut down together. Past `limit` distinct keys (a registry naming thousands
/// of hosts), a client serves one request and is shut down after it.
actor ClientPool {
    struct Key: Hashable {
        var host: String?
        var address: IPAddress?
        var insecure: Bool
    }

    let limit = 64
    var clients: [Key: HTTPClient] = [:]
    var closed = false

    func client(for key: Key, make: @Sendable () -> HTTPClient) -> (HTTPClient, shared: Bool) {
        if let existing = clients[key] { return (existing, true) }
        let client = make()
        guard clients.count < limit, !closed else { return (client, false) }
        clients[key] = client
        return (client, true)
    }

    func shutdown() async {
        closed = true
        let all = clients.values
        clients = [:]
        for client in all { try? await client.shutdown() }
    }
}

/// A counting semaphore for async code.
actor ConcurrencyLimiter {
    let limit: Int
    var inUse = 0
    var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) { self.limit = limit }

    func acquire() async {
        if inUse < limit {
            inUse += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty {
            inUse -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}

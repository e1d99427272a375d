import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import AudregCore
import AudregSite
@testable import AudregServe
import AudregTestHelpers

/// A starter registry (`audreg init`) in a temporary folder, and the settings to preview it.
final class PreviewFixture {
    let temporary = TemporaryDirectory()
    let registry: String
    let work: String
    let settings: PreviewSettings
    static let today = Day(year: 2026, month: 12, day: 1)!

    init() throws {
        registry = temporary.path + "/registry"
        work = temporary.path + "/work"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        _ = try Scaffold.write(StarterRegistry.files(.init(registry: registry)))
        let site = SiteBuildOptions(outputDirectory: "", templatesDirectory: nil, today: Self.today, engine: .builtIn)
        settings = PreviewSettings(registry: registry, loader: RegistryLoader(), today: Self.today, failOn: .error, site: site,
                                   controlsDirectory: nil, reportPaths: ReportPaths(registry: registry + "/"))
    }

    var service: String { registry + "/services/example-api.yaml" }

    /// Appends a line that is not YAML; returns its 1-based line number.
    func breakService() throws -> Int {
        let text = try String(contentsOfFile: service, encoding: .utf8)
        try (text + "kind: [\n").write(toFile: service, atomically: true, encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: false).count + 1
    }
}

@Suite("Serve: builds and responses")
struct PreviewServerTests {
    @Test("a build of a good registry is a site; a broken file is a problem with file:line:column, and no site")
    func builds() throws {
        let fixture = try PreviewFixture()
        guard case .built(let directory, let result) = PreviewBuilder.build(fixture.settings, into: fixture.work + "/site-1") else {
            Issue.record("the starter registry did not build")
            return
        }
        #expect(result.htmlPages > 10)
        #expect(FileManager.default.fileExists(atPath: directory + "/services/example-api.html"))

        // The next build takes the unchanged pages from the one being shown, which stays as it was.
        let good = try String(contentsOfFile: fixture.service, encoding: .utf8)
        try good.replacingOccurrences(of: "    - https://example-api.example.com\n", with: "    - https://moved.example.com\n")
            .write(toFile: fixture.service, atomically: true, encoding: .utf8)
        let shown = try String(contentsOfFile: directory + "/services/example-api.html", encoding: .utf8)
        guard case .built(let next, let rebuilt) = PreviewBuilder.build(fixture.settings, into: fixture.work + "/site-1b", previous: directory) else {
            Issue.record("the edited registry did not build")
            return
        }
        #expect(rebuilt.fullBuildReason == nil && rebuilt.reusedPages > 0 && rebuilt.reusedPages < rebuilt.htmlPages)
        #expect(try String(contentsOfFile: next + "/services/example-api.html", encoding: .utf8).contains("https://moved.example.com"))
        #expect(try String(contentsOfFile: directory + "/services/example-api.html", encoding: .utf8) == shown)

        let line = try fixture.breakService()
        guard case .problems(let problems) = PreviewBuilder.build(fixture.settings, into: fixture.work + "/site-2") else {
            Issue.record("a broken registry built")
            return
        }
        #expect(problems.count == 1)
        #expect(problems.first?.location == fixture.service + ":\(line):1")
        #expect(problems.first?.ruleID == "yaml-syntax")
        #expect(!FileManager.default.fileExists(atPath: fixture.work + "/site-2"))
    }

    func request(_ path: String, method: HTTPRequest.Method = .get, host: String = "127.0.0.1:8080") -> Request {
        Request(head: HTTPRequest(method: method, scheme: "http", authority: host, path: path), body: RequestBody(buffer: ByteBuffer()))
    }

    func body(_ response: Response) async throws -> String {
        let collector = Collector()
        try await response.body.write(collector)
        return collector.text
    }

    @Test("responses: pages with the script (and the overlay while there are problems), files, redirects, refusals")
    func responses() async throws {
        let fixture = try PreviewFixture()
        fixture.temporary.write("work/secret.txt", "do not serve")
        let state = PreviewState()
        let responder = PreviewResponder(state: state, loopbackOnly: true)

        let before = await responder.respond(to: request("/index.html"))
        #expect(before.status == .serviceUnavailable)
        #expect(try await body(before).contains(state.current.token))

        guard case .built(let directory, _) = PreviewBuilder.build(fixture.settings, into: fixture.work + "/site-1") else {
            Issue.record("the starter registry did not build")
            return
        }
        state.show(site: directory)
        let page = await responder.respond(to: request("/services/example-api.html"))
        #expect(page.status == .ok)
        #expect(page.headers[.contentType] == "text/html; charset=utf-8")
        #expect(page.headers[.cacheControl] == "no-store")
        let html = try await body(page)
        #expect(html.contains("https://example-api.example.com"))
        #expect(html.contains("var state=\"\(state.current.token)\""))
        #expect(!html.contains(LiveReload.overlayID))
        let onDisk = try String(contentsOfFile: directory + "/services/example-api.html", encoding: .utf8)
        #expect(!onDisk.contains("EventSource"), "the built file is not changed")

        let css = await responder.respond(to: request("/assets/style.css"))
        #expect(css.headers[.contentType] == "text/css; charset=utf-8")
        #expect(try await body(css) == (try String(contentsOfFile: directory + "/assets/style.css", encoding: .utf8)))

        let head = await responder.respond(to: request("/services/example-api.html", method: .head))
        #expect(head.status == .ok && head.headers[.contentLength] == page.headers[.contentLength])
        #expect(try await body(head).isEmpty)

        let redirect = await responder.respond(to: request("/services"))
        #expect(redirect.status == .movedPermanently && redirect.headers[.location] == "/services/")

        for path in ["/../secret.txt", "/%2e%2e/secret.txt", "/services/..%2f..%2fsecret.txt", "/%2Fetc%2Fpasswd"] {
            let refused = await responder.respond(to: request(path))
            #expect(refused.status == .badRequest, "\(path)")
            #expect(try await !body(refused).contains("do not serve"))
        }
        for path in ["//etc/passwd", "/etc/passwd", "/.audreg-site", "/nothing.html"] {
            let missing = await responder.respond(to: request(path))
            #expect(missing.status == .notFound, "\(path)")
            #expect(try await body(missing).contains("EventSource"), "a missing page reloads when it appears")
        }
        #expect(await responder.respond(to: request("/", method: .post)).status == .methodNotAllowed)
        #expect(await responder.respond(to: request("/", host: "evil.example")).status == .misdirectedRequest)
        #expect(await responder.respond(to: request("/", host: "localhost:8080")).status == .ok)

        state.show(problems: [PreviewProblem(location: "registry/a.yaml:3:5", ruleID: "yaml-syntax", message: "<bad>")])
        let overlaid = try await body(await responder.respond(to: request("/services/example-api.html")))
        #expect(overlaid.contains(LiveReload.overlayID) && overlaid.contains("registry/a.yaml:3:5") && overlaid.contains("&lt;bad&gt;"))
        #expect(overlaid.contains("https://example-api.example.com"), "the last good build stays under the overlay")
    }

    @Test("the event stream sends the token at once and again after a change")
    func events() async throws {
        let state = PreviewState(session: "s")
        let responder = PreviewResponder(state: state, loopbackOnly: true)
        let response = await responder.respond(to: request(LiveReload.eventsPath))
        #expect(response.headers[.contentType] == "text/event-stream; charset=utf-8")
        let collector = Collector()
        let first = state.current.token
        let writing = Task { try await response.body.write(collector) }
        try await collector.wait { $0.contains("data: \(first)\n\n") }
        state.show(problems: [PreviewProblem(location: nil, message: "x")])
        let second = state.current.token
        try await collector.wait { $0.contains("data: \(second)\n\n") }
        state.finish()
        try await writing.value
        #expect(collector.text == "retry: 500\n\ndata: \(first)\n\ndata: \(second)\n\n")
    }

    @Test("over a real socket on 127.0.0.1: a page, and traversal refused")
    func liveServer() async throws {
        let fixture = try PreviewFixture()
        fixture.temporary.write("work/secret.txt", "do not serve")
        let server = PreviewServer(settings: fixture.settings, watched: [], host: "127.0.0.1", port: 0, workDirectory: fixture.work) { _ in }
        guard case .built(let directory, _) = PreviewBuilder.build(fixture.settings, into: fixture.work + "/site-1") else {
            Issue.record("the starter registry did not build")
            return
        }
        server.state.show(site: directory)
        try await server.application { _ in }.test(.live) { client in
            let page = try await client.execute(uri: "/services/example-api.html", method: .get)
            #expect(page.status == .ok)
            #expect(String(buffer: page.body).contains("EventSource"))
            for path in ["/../secret.txt", "/%2e%2e/secret.txt", "/..%2Fsecret.txt"] {
                let refused = try await client.execute(uri: path, method: .get)
                #expect(refused.status == .badRequest, "\(path)")
                #expect(!String(buffer: refused.body).contains("do not serve"))
            }
            #expect(try await client.execute(uri: "//etc/passwd", method: .get).status == .notFound)
        }
    }

    @Test("run: the first build is served, an edit rebuilds, a broken file shows problems and fixing it removes them")
    func watchAndRebuild() async throws {
        let fixture = try PreviewFixture()
        let logged = Locked<[String]>([])
        let server = PreviewServer(settings: fixture.settings, watched: [WatchedTree(path: fixture.registry, suffixes: [".yaml"])],
                                   host: "127.0.0.1", port: 0, workDirectory: fixture.work, pollInterval: .milliseconds(50)) { line in
            logged.withLock { $0.append(line) }
        }
        let port = Locked<Int?>(nil)
        let running = Task { try await server.run { bound in port.withLock { $0 = bound } } }
        defer { running.cancel() }
        try await waitFor("the first build and the port") { port.withLock { $0 } != nil && server.state.current.site != nil }
        #expect(port.withLock { $0 }! > 0)
        let firstSite = try #require(server.state.current.site)

        let good = try String(contentsOfFile: fixture.service, encoding: .utf8)
        let edited = good.replacingOccurrences(of: "    - https://example-api.example.com\n", with: "    - https://example-api.example.com\n    - https://second.example.com\n")
        try edited.write(toFile: fixture.service, atomically: true, encoding: .utf8)
        try await waitFor("the rebuild after the edit") { server.state.current.site != firstSite }
        let secondSite = try #require(server.state.current.site)
        #expect(try String(contentsOfFile: secondSite + "/services/example-api.html", encoding: .utf8).contains("https://second.example.com"))
        // Rebuilt incrementally, from the build it was showing.
        #expect(logged.withLock { $0 }.contains { $0.contains("after a change to") && $0.contains(" unchanged)") })

        let line = try fixture.breakService()
        try await waitFor("the problems of the broken file") { !server.state.current.problems.isEmpty }
        #expect(server.state.current.problems.first?.location == fixture.service + ":\(line):1")
        #expect(server.state.current.site == secondSite)

        try good.write(toFile: fixture.service, atomically: true, encoding: .utf8)
        try await waitFor("the fix") { server.state.current.problems.isEmpty }
        #expect(server.state.current.site != secondSite)
        // Builds older than the previous one are removed (right after the switch).
        try await waitFor("the oldest build to be removed") { !FileManager.default.fileExists(atPath: firstSite) }
        #expect(FileManager.default.fileExists(atPath: secondSite), "the previous build stays for requests still reading it")
        running.cancel()
        _ = await running.result
    }

    /// Generous: `swift test` runs the suites in parallel, and tests that render large sites hold the
    /// concurrency pool's two threads (on this 2-core machine) for minutes, so the watcher's task may
    /// not run for that long. The browser test (integration/serve.sh) holds the preview to its
    /// two-second bound; this one fails only when a change is never picked up.
    func waitFor(_ what: String, seconds: Double = 300, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("timed out waiting for \(what)")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// Collects a response body as text.
final class Collector: ResponseBodyWriter, Sendable {
    private let bytes = Locked<[UInt8]>([])

    var text: String { bytes.withLock { String(decoding: $0, as: UTF8.self) } }

    func write(_ buffer: ByteBuffer) async throws {
        bytes.withLock { $0 += buffer.readableBytesView }
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}

    func wait(seconds: Double = 300, for condition: (String) -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while !condition(text) {
            guard ContinuousClock.now < deadline else {
                Issue.record("timed out; have: \(text)")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}

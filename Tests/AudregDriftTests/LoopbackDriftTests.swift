import Foundation
import NIOCore
import Testing
@testable import AudregCore
@testable import AudregDrift
import AudregTestHelpers

/// Drift against real HTTP servers on 127.0.0.1, one fault at a time.
@Suite("Drift: live fetches against loopback servers", .serialized)
struct LoopbackDriftTests {
    /// A generous default: a loaded 2-core CI machine must not turn a served response into a timeout;
    /// the tests about timeouts pass their own short one.
    static func options(timeout: Duration = .seconds(10)) -> HTTPFetchOptions {
        var options = HTTPFetchOptions()
        options.timeout = timeout
        options.retryBackoff = .milliseconds(100)
        // The servers are on 127.0.0.1, which the default network policy blocks.
        options.network = .loopbackAllowed
        return options
    }

    /// Serves a correct discovery document and `jwks`, then runs drift with a registry pointing there.
    static func run(_ server: LoopbackServer, jwks: LoopbackServer.Behavior, discovery: LoopbackServer.Behavior? = nil,
                    options: HTTPFetchOptions = options()) async throws -> [Finding] {
        server.route("/keys", jwks)
        server.route("/.well-known/openid-configuration", discovery ?? .json(DriftTest.discovery(issuer: server.baseURL, jwks: server.baseURL + "/keys")))
        let scratch = DriftScratch()
        scratch.write("issuers.yaml", DriftTest.issuerRegistry(base: server.baseURL))
        let source = try HTTPDocumentSource(options: options)
        let report = try await DriftTest.run(directory: scratch.path, source: source)
        await source.shutdown()
        return report.findings
    }

    static func only(_ findings: [Finding], _ rule: String, containing text: String) {
        #expect(findings.map(\.ruleID) == [rule], "\(findings.map { "\($0.ruleID): \($0.message)" })")
        #expect(findings.first?.message.contains(text) == true, "\(findings.first?.message ?? "no finding") lacks '\(text)'")
    }

    @Test("a correct JWKS and discovery document: drift is clean")
    func clean() async throws {
        try await LoopbackServer.withServer { server in
            let findings = try await Self.run(server, jwks: .respond(body: DriftFixtures.bytes("jwks/good.json")))
            #expect(findings.isEmpty, "\(findings.map(\.message))")
        }
    }

    @Test("each published-key fault raises its rule through the network path")
    func keyFaults() async throws {
        try await LoopbackServer.withServer { server in
            let cases: [(String, String)] = [("leaked-d", "jwks-private-key-material"), ("rsa-1024", "jwks-weak-key"),
                                             ("duplicate-kid", "jwks-kid-problem"), ("expired-cert", "jwks-certificate-expiring")]
            for (fixture, rule) in cases {
                let findings = try await Self.run(server, jwks: .respond(body: DriftFixtures.bytes("jwks/\(fixture).json")))
                #expect(findings.map(\.ruleID).contains(rule), "\(fixture): \(findings.map(\.ruleID))")
                #expect(findings.allSatisfy { $0.location.file == "issuers.yaml" && $0.location.line == 7 })
            }
        }
    }

    @Test("an HTML page, garbage, HTTP errors and a closed connection are jwks-unreachable with a reason")
    func badResponses() async throws {
        try await LoopbackServer.withServer { server in
            Self.only(try await Self.run(server, jwks: .json("<html>login</html>", contentType: "text/html")), "jwks-unreachable", containing: "not JSON")
            Self.only(try await Self.run(server, jwks: .json("\u{0}\u{1}garbage{{{")), "jwks-unreachable", containing: "not JSON")
            Self.only(try await Self.run(server, jwks: .json("{\"error\": 1}", status: 404)), "jwks-unreachable", containing: "HTTP 404")
            Self.only(try await Self.run(server, jwks: .json("{\"keys\": 3}")), "jwks-unreachable", containing: "no \"keys\" array")
            Self.only(try await Self.run(server, jwks: .close), "jwks-unreachable", containing: "JWKS")
        }
    }

    @Test("a key set served as application/octet-stream is read and checked, as Envoy and jose read it")
    func octetStream() async throws {
        try await LoopbackServer.withServer { server in
            let findings = try await Self.run(server, jwks: .respond(contentType: "application/octet-stream", body: DriftFixtures.bytes("jwks/good.json")))
            #expect(findings.isEmpty, "\(findings.map(\.message))")
            let leaked = try await Self.run(server, jwks: .respond(contentType: "binary/octet-stream", body: DriftFixtures.bytes("jwks/leaked-d.json")))
            #expect(leaked.map(\.ruleID).contains("jwks-private-key-material"), "its keys are checked: \(leaked.map(\.message))")
        }
    }

    @Test("a body over 1 MiB is refused, announced or chunked")
    func huge() async throws {
        try await LoopbackServer.withServer { server in
            Self.only(try await Self.run(server, jwks: .huge(bytes: 3 << 20, announceLength: true)), "jwks-unreachable", containing: "1048576-byte limit")
            Self.only(try await Self.run(server, jwks: .huge(bytes: 3 << 20, announceLength: false)), "jwks-unreachable", containing: "1048576-byte limit")
        }
    }

    @Test("a hanging endpoint costs at most --timeout and is not retried")
    func hanging() async throws {
        try await LoopbackServer.withServer { server in
            let start = ContinuousClock.now
            let findings = try await Self.run(server, jwks: .hang, options: Self.options(timeout: .seconds(1)))
            let elapsed = ContinuousClock.now - start
            Self.only(findings, "jwks-unreachable", containing: "timed out after 1 s")
            #expect(elapsed < .milliseconds(3000), "took \(elapsed)")
            #expect(server.requests(to: "/keys") == 1)
        }
    }

    @Test("a server that dribbles bytes past the timeout is cut off")
    func slow() async throws {
        try await LoopbackServer.withServer { server in
            let start = ContinuousClock.now
            let findings = try await Self.run(server, jwks: .dribble(chunk: Array(" ".utf8), chunkCount: 100, interval: .milliseconds(100)),
                                              options: Self.options(timeout: .seconds(1)))
            Self.only(findings, "jwks-unreachable", containing: "timed out")
            #expect(ContinuousClock.now - start < .milliseconds(3000))
        }
    }

    @Test("redirects: same host followed, another host refused")
    func redirects() async throws {
        try await LoopbackServer.withServer { server in
            server.route("/moved", .respond(body: DriftFixtures.bytes("jwks/good.json")))
            let clean = try await Self.run(server, jwks: .redirect(location: "/moved"))
            #expect(clean.isEmpty, "\(clean.map(\.message))")
            let other = "http://localhost:\(server.port)/moved"
            Self.only(try await Self.run(server, jwks: .redirect(location: other)), "jwks-unreachable", containing: "redirect to another host refused")
            Self.only(try await Self.run(server, jwks: .redirect(location: "/keys")), "jwks-unreachable", containing: "more than 3 redirects")
        }
    }

    @Test("one retry after a 503, then success; never more than two attempts")
    func retry() async throws {
        try await LoopbackServer.withServer { server in
            let clean = try await Self.run(server, jwks: .failFirst(failures: 1, status: 503, then: DriftFixtures.bytes("jwks/good.json")))
            #expect(clean.isEmpty, "\(clean.map(\.message))")
            #expect(server.requests(to: "/keys") == 2)
        }
        try await LoopbackServer.withServer { server in
            Self.only(try await Self.run(server, jwks: .failFirst(failures: 5, status: 503, then: [])), "jwks-unreachable", containing: "HTTP 503")
            #expect(server.requests(to: "/keys") == 2)
        }
    }

    @Test("connection refused is a finding, not a crash")
    func refused() async throws {
        let server = LoopbackServer()
        try await server.start()
        let base = server.baseURL
        await server.stop()
        let scratch = DriftScratch()
        scratch.write("issuers.yaml", DriftTest.issuerRegistry(base: base, discovery: false))
        let source = try HTTPDocumentSource(options: Self.options(timeout: .seconds(1)))
        let findings = try await DriftTest.run(directory: scratch.path, source: source).findings
        await source.shutdown()
        Self.only(findings, "jwks-unreachable", containing: "JWKS")
    }

    @Test("discovery: issuer and jwks_uri compared exactly")
    func discovery() async throws {
        try await LoopbackServer.withServer { server in
            let good = LoopbackServer.Behavior.respond(body: DriftFixtures.bytes("jwks/good.json"))
            let slash = LoopbackServer.Behavior.json(DriftTest.discovery(issuer: server.baseURL + "/", jwks: server.baseURL + "/keys"))
            Self.only(try await Self.run(server, jwks: good, discovery: slash), "discovery-issuer-mismatch", containing: "'\(server.baseURL)/'")
            let otherKeys = LoopbackServer.Behavior.json(DriftTest.discovery(issuer: server.baseURL, jwks: server.baseURL + "/v2/keys"))
            Self.only(try await Self.run(server, jwks: good, discovery: otherKeys), "discovery-jwks-mismatch", containing: "/v2/keys")
        }
    }

    @Test("--save writes what was fetched (private members redacted) and --offline replays it")
    func saveAndReplay() async throws {
        try await LoopbackServer.withServer { server in
            server.route("/keys", .respond(body: DriftFixtures.bytes("jwks/leaked-d.json")))
            server.route("/.well-known/openid-configuration", .json(DriftTest.discovery(issuer: server.baseURL, jwks: server.baseURL + "/keys")))
            let scratch = DriftScratch()
            scratch.write("registry/issuers.yaml", DriftTest.issuerRegistry(base: server.baseURL))
            let live = try HTTPDocumentSource(options: Self.options())
            let saving = try SavingDocumentSource(upstream: live, directory: scratch.path + "/saved")
            let first = try await DriftTest.run(directory: scratch.path + "/registry", source: saving)
            try await saving.writeManifest(takenAt: DriftRun.now(environment: ProcessInfo.processInfo.environment))
            await live.shutdown()
            let requests = server.totalRequests

            let offline = try OfflineDocumentSource(directory: scratch.path + "/saved")
            let second = try await DriftTest.run(directory: scratch.path + "/registry", source: offline)
            #expect(server.totalRequests == requests)
            #expect(first.findings.map(\.ruleID) == second.findings.map(\.ruleID))
            #expect(second.findings.map(\.ruleID).contains("jwks-private-key-material"))
            let saved = try String(contentsOfFile: scratch.path + "/saved/" + SavedResponses.fileName(for: server.baseURL + "/keys"), encoding: .utf8)
            let d = (DriftFixtures.jwks("leaked-d")["keys"] as! [[String: Any]])[0]["d"] as! String
            #expect(!saved.contains(d))
            #expect(saved.contains("REDACTED"))
            let manifest = try String(contentsOfFile: scratch.path + "/saved/manifest.json", encoding: .utf8)
            #expect(manifest.contains("\"redacted\" : true"))
        }
    }

    /// A response that cannot be written (here a folder stands where its file goes) is recorded in the
    /// manifest as not saved, and the replay reports that instead of a missing file.
    @Test("--save records a response it cannot write, and --offline says so")
    func unsaveableResponse() async throws {
        let url = "https://idp.example.com/keys"
        let scratch = DriftScratch()
        let directory = scratch.path + "/saved"
        let upstream = StaticDocumentSource([FetchedDocument(url: url, text: #"{"keys": []}"#)])
        let saving = try SavingDocumentSource(upstream: upstream, directory: directory)
        try FileManager.default.createDirectory(atPath: directory + "/" + SavedResponses.fileName(for: url), withIntermediateDirectories: true)
        guard case .success = await saving.fetch(url) else {
            Issue.record("the live result is still returned")
            return
        }
        try await saving.writeManifest(takenAt: DriftRun.now(environment: ProcessInfo.processInfo.environment))
        let offline = try OfflineDocumentSource(directory: directory)
        guard case .failure(let failure) = await offline.fetch(url) else {
            Issue.record("the replay must fail for a response that was not saved")
            return
        }
        #expect(failure.reason.contains("could not be saved"))
    }
}

@Suite("Drift: bounds on concurrency and time", .serialized)
struct DriftBoundsTests {
    static func registry(count: Int, base: String) -> String {
        (0..<count).map { index in
            """
            apiVersion: audreg/v1
            kind: Issuer
            metadata: {name: idp-\(index), owner: platform}
            spec: {issuer: \(base)/i/\(index), jwksUri: \(base)/i/\(index)/keys, algorithms: [RS256, ES256]}

            """
        }.joined(separator: "---\n")
    }

    @Test("--concurrency bounds the requests in flight")
    func concurrency() async throws {
        try await LoopbackServer.withServer { server in
            let count = 24
            for index in 0..<count { server.route("/i/\(index)/keys", .delayed(.milliseconds(150), body: DriftFixtures.bytes("jwks/good.json"))) }
            let scratch = DriftScratch()
            scratch.write("issuers.yaml", Self.registry(count: count, base: server.baseURL))
            var options = HTTPFetchOptions()
            options.network = .loopbackAllowed
            options.concurrency = 4
            let source = try HTTPDocumentSource(options: options)
            let start = ContinuousClock.now
            let report = try await DriftTest.run(directory: scratch.path, source: source)
            let elapsed = ContinuousClock.now - start
            await source.shutdown()
            #expect(report.findings.isEmpty, "\(report.findings.prefix(2).map(\.message))")
            #expect(server.maxInFlight <= 4, "max in flight \(server.maxInFlight)")
            #expect(server.maxInFlight >= 2)
            #expect(elapsed >= .milliseconds(6 * 150))
        }
    }

    @Test("the overall deadline stops a run of hanging endpoints; the rest are reported as not fetched")
    func deadline() async throws {
        try await LoopbackServer.withServer { server in
            let count = 12
            for index in 0..<count { server.route("/i/\(index)/keys", .hang) }
            let scratch = DriftScratch()
            scratch.write("issuers.yaml", Self.registry(count: count, base: server.baseURL))
            var options = HTTPFetchOptions()
            options.network = .loopbackAllowed
            options.concurrency = 2
            options.timeout = .seconds(1)
            options.deadline = .milliseconds(1500)
            let source = try HTTPDocumentSource(options: options)
            let start = ContinuousClock.now
            let report = try await DriftTest.run(directory: scratch.path, source: source)
            let elapsed = ContinuousClock.now - start
            await source.shutdown()
            #expect(report.findings.count == count)
            #expect(report.findings.allSatisfy { $0.ruleID == "jwks-unreachable" })
            #expect(report.findings.contains { $0.message.contains("overall deadline") })
            // Without the deadline the run takes 6 s (12 hanging endpoints, 2 at a time, 1 s each); the
            // margin over 1.5 s is for a machine busy with the rest of the suite (3.05 s seen once).
            #expect(elapsed < .milliseconds(4500), "took \(elapsed)")
        }
    }

    @Test("an Envoy /config_dump fetched from a URL is read like a file")
    func configDumpURL() async throws {
        try await LoopbackServer.withServer { server in
            let dump = """
                {"configs": [{"@type": "type.googleapis.com/envoy.admin.v3.ListenersConfigDump", "dynamic_listeners": [{"active_state": {"listener": {
                  "filter_chains": [{"filters": [{"typed_config": {"http_filters": [{"name": "envoy.filters.http.jwt_authn", "typed_config": {
                    "@type": "type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication",
                    "providers": {"corp_idp": {"issuer": "https://idp.example.com", "audiences": []}},
                    "rules": [{"match": {"prefix": "/"}, "requires": {"providerName": "corp_idp"}}]}}]}}]}]}}}]}]}
                """
            server.route("/config_dump", .json(dump))
            let scratch = DriftScratch()
            scratch.write("registry.yaml", """
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: corp-idp, owner: platform}
                spec: {issuer: https://idp.example.com}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: edge, owner: platform}
                spec:
                  audiences: [https://edge.example.com]
                  accepts: [{issuer: corp-idp}]
                  deployments:
                    - {kind: envoy-jwt-authn, source: "\(server.baseURL)/config_dump", provider: corp_idp}
                """)
            var options = HTTPFetchOptions()
            options.network = .loopbackAllowed
            let source = try HTTPDocumentSource(options: options)
            let report = try await DriftTest.run(directory: scratch.path, source: source)
            await source.shutdown()
            #expect(report.findings.map(\.ruleID) == ["config-audience-unchecked"], "\(report.findings.map(\.message))")
            #expect(report.findings.first?.location.file == server.baseURL + "/config_dump")
            #expect(report.findings.first?.location.line == 4)
        }
    }
}

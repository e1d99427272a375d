import Foundation
import Testing
@testable import AudregCore
@testable import AudregDrift
@testable import AudregExplain
import AudregTestHelpers

/// The network policy against a real server on 127.0.0.1 (the only place tests may connect to): when the
/// policy blocks loopback, the server must receive nothing at all.
@Suite("Network policy: drift and explain against a loopback server", .serialized)
struct NetworkPolicyLoopbackTests {
    static func options(_ network: NetworkPolicy) -> HTTPFetchOptions {
        var options = HTTPFetchOptions()
        // Only the allowed fetches reach the server, and they must succeed: a machine busy compiling
        // once took more than 2 s for one of them, which failed the test for nothing.
        options.timeout = .seconds(10)
        options.retryBackoff = .milliseconds(100)
        options.network = network
        return options
    }

    static func drift(_ server: LoopbackServer, network: NetworkPolicy, base: String? = nil) async throws -> [Finding] {
        server.route("/keys", .respond(body: DriftFixtures.bytes("jwks/good.json")))
        server.route("/.well-known/openid-configuration", .json(DriftTest.discovery(issuer: server.baseURL, jwks: server.baseURL + "/keys")))
        let scratch = DriftScratch()
        scratch.write("issuers.yaml", DriftTest.issuerRegistry(base: base ?? server.baseURL))
        let source = try HTTPDocumentSource(options: options(network))
        let report = try await DriftTest.run(directory: scratch.path, source: source)
        await source.shutdown()
        return report.findings
    }

    @Test("by default a registry pointing at 127.0.0.1 gets a blocked finding per URL and the server no request")
    func blockedByDefault() async throws {
        try await LoopbackServer.withServer { server in
            let findings = try await Self.drift(server, network: NetworkPolicy())
            #expect(server.totalRequests == 0)
            #expect(findings.count == 2, "\(findings.map(\.message))")
            #expect(findings.allSatisfy { $0.ruleID == "jwks-unreachable" })
            #expect(findings.allSatisfy {
                $0.message.contains("not fetched: 127.0.0.1 is a loopback address in 127.0.0.0/8, blocked by the network policy; pass --allow-loopback")
            }, "\(findings.map(\.message))")
        }
    }

    @Test("with the loopback allowed the same registry is fetched and clean")
    func allowed() async throws {
        try await LoopbackServer.withServer { server in
            let findings = try await Self.drift(server, network: .loopbackAllowed)
            #expect(findings.isEmpty, "\(findings.map(\.message))")
            #expect(server.totalRequests == 2)
            let narrow = try await Self.drift(server, network: NetworkPolicy(allowedNetworks: [CIDR("127.0.0.1/32")!]))
            #expect(narrow.isEmpty, "\(narrow.map(\.message))")
        }
    }

    @Test("a host name is checked on the address it resolves to, which is not printed")
    func byName() async throws {
        try await LoopbackServer.withServer { server in
            let base = "http://localhost:\(server.port)"
            let findings = try await Self.drift(server, network: NetworkPolicy(), base: base)
            #expect(server.totalRequests == 0)
            #expect(findings.contains { $0.message.contains("not fetched: localhost resolves to a loopback address in 127.0.0.0/8") },
                    "\(findings.map(\.message))")
            #expect(!findings.contains { $0.message.contains("127.0.0.1") }, "\(findings.map(\.message))")
        }
    }

    @Test("a redirect to a blocked address is refused before any connection")
    func redirectToBlocked() async throws {
        try await LoopbackServer.withServer { server in
            // 127.0.0.2 is loopback too, so even a mistake could not send a packet off this machine;
            // only 127.0.0.1/32 is allowed.
            server.route("/keys", .redirect(location: "http://127.0.0.2:\(server.port)/moved"))
            server.route("/moved", .respond(body: DriftFixtures.bytes("jwks/good.json")))
            let scratch = DriftScratch()
            scratch.write("issuers.yaml", DriftTest.issuerRegistry(base: server.baseURL, discovery: false))
            let source = try HTTPDocumentSource(options: Self.options(NetworkPolicy(allowedNetworks: [CIDR("127.0.0.1/32")!])))
            let findings = try await DriftTest.run(directory: scratch.path, source: source).findings
            await source.shutdown()
            #expect(findings.map(\.ruleID) == ["jwks-unreachable"])
            #expect(findings.first?.message.contains("HTTP 302 redirect refused: its target is blocked by the network policy") == true,
                    "\(findings.map(\.message))")
            #expect(server.requests(to: "/keys") == 1)
            #expect(server.requests(to: "/moved") == 0)
        }
    }

    @Test("a discovery document's jwks_uri is checked too")
    func discoveredJWKS() async throws {
        try await LoopbackServer.withServer { server in
            server.route("/.well-known/openid-configuration", .json(DriftTest.discovery(issuer: server.baseURL, jwks: "http://127.0.0.3:\(server.port)/keys")))
            let scratch = DriftScratch()
            scratch.write("issuers.yaml", """
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: corp-idp, owner: platform}
                spec:
                  issuer: \(server.baseURL)
                  discoveryUrl: \(server.baseURL)/.well-known/openid-configuration
                  algorithms: [RS256, ES256]

                """)
            let source = try HTTPDocumentSource(options: Self.options(NetworkPolicy(allowedNetworks: [CIDR("127.0.0.1/32")!])))
            let findings = try await DriftTest.run(directory: scratch.path, source: source).findings
            await source.shutdown()
            #expect(findings.map(\.ruleID) == ["jwks-unreachable"])
            #expect(findings.first?.message.contains("(from the discovery document) cannot be fetched: not fetched: 127.0.0.3 is a loopback address") == true,
                    "\(findings.map(\.message))")
            #expect(server.totalRequests == 1)
        }
    }

    @Test("a deployment's source URL on loopback is not fetched by default")
    func deploymentSource() async throws {
        try await LoopbackServer.withServer { server in
            server.route("/config_dump", .json("{}"))
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
            let source = try HTTPDocumentSource(options: Self.options(NetworkPolicy()))
            let findings = try await DriftTest.run(directory: scratch.path, source: source).findings
            await source.shutdown()
            #expect(server.totalRequests == 0)
            #expect(findings.map(\.ruleID) == ["config-provider-missing"], "\(findings.map(\.message))")
            #expect(findings.first?.message.contains("not fetched: 127.0.0.1 is a loopback address") == true, "\(findings.map(\.message))")
        }
    }

    @Test("explain: a JWKS URL on loopback is not fetched unless allowed")
    func explain() async throws {
        try await LoopbackServer.withServer { server in
            server.route("/jwks.json", .respond(body: Array(try String(contentsOfFile: Paths.fixture("tokens/jwks.json"), encoding: .utf8).utf8)))
            let loaded = try RegistryLoader().load(directory: Paths.exampleRegistry)
            let token = try String(contentsOfFile: Paths.fixture("tokens/valid.jwt"), encoding: .utf8)
            let blocked = try await TokenExplainer(registry: loaded.registry, now: TokenFixtures.now)
                .explain(.token(token), service: "orders-api", keys: .given(server.baseURL + "/jwks.json"))
            #expect(server.totalRequests == 0)
            #expect(blocked.check(.authentic)?.reason.contains("blocked by the network policy") == true, "\(blocked.checks)")
            var explainer = TokenExplainer(registry: loaded.registry, now: TokenFixtures.now)
            explainer.network = .loopbackAllowed
            let allowed = try await explainer.explain(.token(token), service: "orders-api", keys: .given(server.baseURL + "/jwks.json"))
            #expect(allowed.verdict == .admitted, "\(allowed.checks)")
            #expect(server.totalRequests == 1)
        }
    }

    @Test("failure reasons are fixed classes: no library text, no errno, no server bytes")
    func fixedReasons() {
        struct Odd: Error, CustomStringConvertible { var description: String { "connect(descriptor:addr:size:): Connection refused (errno: 111) 10.1.2.3" } }
        #expect(HTTPDocumentSource.describe(Odd(), timeout: "1 s", maxBytes: 1).failure.reason == "connection refused")
        struct Other: Error, CustomStringConvertible { var description: String { "<html>secret page</html> errno: 5" } }
        #expect(HTTPDocumentSource.describe(Other(), timeout: "1 s", maxBytes: 1).failure.reason == "cannot fetch: network error")
    }
}

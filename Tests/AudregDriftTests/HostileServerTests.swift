import Foundation
import Testing
@testable import AudregCore
@testable import AudregSite
@testable import AudregDrift
@testable import AudregExplain
@testable import AudregExport
import AudregTestHelpers

/// Documents built to hurt a parser, served by a real loopback server: each ends in a finding.
@Suite("Hardening: hostile servers", .serialized)
struct HostileServerTests {
    @Test("JSON nested thousands deep is a jwks-unreachable finding, not a crash", arguments: [10_000, 200_000])
    func deeplyNestedJSON(depth: Int) async throws {
        try await LoopbackServer.withServer { server in
            let nested = "{\"keys\":" + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
            // Parsing a 200,000-deep body takes a while on a loaded 2-core machine; the bound under test is
            // the parser's depth limit, not the request timeout, so the timeout is generous.
            let findings = try await LoopbackDriftTests.run(server, jwks: .json(nested), options: LoopbackDriftTests.options(timeout: .seconds(20)))
            #expect(findings.map(\.ruleID) == ["jwks-unreachable"], "\(findings.map(\.message))")
            #expect(findings.first?.message.contains("not JSON") == true)
        }
    }

    @Test("a discovery document nested thousands deep is reported, and the JWKS is still checked")
    func deeplyNestedDiscovery() async throws {
        try await LoopbackServer.withServer { server in
            let nested = String(repeating: "{\"a\":", count: 50_000) + "1" + String(repeating: "}", count: 50_000)
            let findings = try await LoopbackDriftTests.run(server, jwks: .respond(body: DriftFixtures.bytes("jwks/good.json")), discovery: .json(nested),
                                                            options: LoopbackDriftTests.options(timeout: .seconds(20)))
            #expect(!findings.isEmpty)
            #expect(findings.allSatisfy { $0.ruleID == "jwks-unreachable" || $0.ruleID.hasPrefix("discovery-") }, "\(findings.map(\.message))")
        }
    }

    @Test("a redirect loop ends after the redirect limit with a finding")
    func redirectLoop() async throws {
        try await LoopbackServer.withServer { server in
            server.route("/a", .redirect(location: "/b"))
            server.route("/b", .redirect(location: "/a"))
            let findings = try await LoopbackDriftTests.run(server, jwks: .redirect(location: "/a"))
            #expect(findings.map(\.ruleID) == ["jwks-unreachable"])
            #expect(findings.first?.message.contains("redirect") == true)
        }
    }
}

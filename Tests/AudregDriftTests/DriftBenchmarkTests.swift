import Foundation
import Testing
@testable import AudregCore
@testable import AudregDrift
@testable import AudregTestSupport
import AudregTestHelpers

@Suite("Drift: example registry and speed", .serialized)
struct DriftBenchmarkTests {
    @Test("the example registry against its offline fixtures reports exactly the broadened Envoy audience")
    func exampleRegistry() async throws {
        let source = try OfflineDocumentSource(directory: DriftFixtures.directory + "/example-offline")
        let report = try await DriftTest.run(directory: DriftFixtures.repositoryRoot + "/registry", source: source)
        #expect(report.findings.count == 1, "\(report.findings.map { "\($0.ruleID) \($0.location): \($0.message)" })")
        let finding = try #require(report.findings.first)
        #expect(finding.ruleID == "config-audience-broadened")
        #expect(finding.location.file == "../deploy/envoy/storefront-gateway.yaml")
        #expect(finding.location.line == 33)
        #expect(finding.entity == EntityRef(.service, "storefront-gateway"))
        #expect(finding.related.contains { $0.location.file == "services/production/storefront-gateway.yaml" })
    }

    @Test("1,000 issuers (discovery + JWKS each) on loopback with default concurrency")
    func thousandIssuers() async throws {
        let count = Int(ProcessInfo.processInfo.environment["AUDREG_DRIFT_BENCH_ISSUERS"] ?? "") ?? 1000
        try await LoopbackServer.withServer { server in
            for document in DriftBenchmark.documents(count: count, base: server.baseURL, jwks: DriftFixtures.bytes("jwks/good.json")) {
                server.route(document.path, .respond(body: document.body))
            }
            let scratch = DriftScratch()
            scratch.write("issuers.yaml", DriftBenchmark.registry(count: count, base: server.baseURL))
            var options = HTTPFetchOptions()
            options.network = .loopbackAllowed
            let source = try HTTPDocumentSource(options: options)
            let (seconds, report) = try await DriftBenchmark.time(registryDirectory: scratch.path, source: source, today: DriftTest.today)
            await source.shutdown()
            print("drift benchmark: \(count) issuers, \(server.totalRequests) requests on loopback, concurrency 16: \(String(format: "%.2f", seconds)) s")
            #expect(report.findings.isEmpty, "\(report.findings.prefix(3).map(\.message))")
            #expect(server.totalRequests == 2 * count)
            #expect(seconds < 60)
        }
    }
}

@Suite("Drift: policy and exceptions apply as in validate")
struct DriftPolicyTests {
    static let registry = """
        apiVersion: audreg/v1
        kind: Issuer
        metadata: {name: corp-idp, owner: platform}
        spec: {issuer: https://idp.example.com}
        ---
        apiVersion: audreg/v1
        kind: Service
        metadata: {name: orders-api, owner: orders}
        spec:
          audiences: [https://orders.example.com]
          accepts: [{issuer: corp-idp}]
          deployments:
            - {kind: envoy-jwt-authn, source: envoy.yaml, provider: corp_idp}
        EXCEPTIONS
        """
    static let envoy = """
        providers:
          corp_idp:
            issuer: https://idp.example.com
            audiences: [https://orders.example.com, https://admin.example.com]
        rules: [{match: {prefix: /}, requires: {provider_name: corp_idp}}]
        """

    @Test("an approved exception suppresses a drift finding; a severity override changes it")
    func exceptionsAndOverrides() async throws {
        let scratch = DriftScratch()
        scratch.write("envoy.yaml", Self.envoy)
        scratch.write("registry.yaml", Self.registry.replacingOccurrences(of: "EXCEPTIONS", with: """
              exceptions:
                - rule: config-audience-broadened
                  reason: The admin audience is being migrated away this quarter.
                  approvedBy: security-architecture
                  expires: 2026-09-30
            """))
        let suppressed = try await DriftTest.run(directory: scratch.path, source: StaticDocumentSource([]))
        #expect(suppressed.findings.filter { $0.ruleID == "config-audience-broadened" }.isEmpty)
        #expect(suppressed.suppressed.map(\.finding.ruleID) == ["config-audience-broadened"])

        scratch.write("registry.yaml", Self.registry.replacingOccurrences(of: "EXCEPTIONS", with: "")
            + "\n---\napiVersion: audreg/v1\nkind: Policy\nmetadata: {name: default, owner: platform}\nspec:\n  severity: {config-audience-broadened: warning}\n")
        let overridden = try await DriftTest.run(directory: scratch.path, source: StaticDocumentSource([]))
        #expect(overridden.findings.filter { $0.ruleID == "config-audience-broadened" }.map(\.severity) == [.warning])
    }
}

@Suite("Drift: deployments that cannot be read")
struct DriftUnreadableConfigTests {
    @Test("a missing config file and a config that is not YAML are config-provider-missing at the right place")
    func unreadable() async throws {
        let scratch = DriftScratch()
        scratch.write("registry/services/a.yaml", """
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: a, owner: x}
            spec:
              audiences: [https://a.example.com]
              deployments:
                - kind: spring-boot
                  source: ../../deploy/missing/application.yml
                - kind: istio-request-authentication
                  source: ../../deploy/broken.yaml
            """)
        scratch.write("deploy/broken.yaml", "apiVersion: security.istio.io/v1\nkind: [unclosed\n")
        let report = try await DriftTest.run(directory: scratch.path + "/registry", source: StaticDocumentSource([]))
        let findings = report.findings.filter { $0.ruleID == "config-provider-missing" }
        #expect(findings.count == 2, "\(report.findings.map(\.message))")
        let missing = try #require(findings.first { $0.message.contains("does not exist") })
        #expect(missing.location.file == "services/a.yaml" && missing.location.line == 8)
        #expect(missing.message.contains("../deploy/missing/application.yml"))
        let broken = try #require(findings.first { $0.message.contains("not valid YAML") })
        #expect(broken.location.file == "../deploy/broken.yaml")
    }
}

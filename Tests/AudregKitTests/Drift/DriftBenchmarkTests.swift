import Foundation
import Testing
@testable import AudregKit

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
            let source = try HTTPDocumentSource(options: HTTPFetchOptions())
            let (seconds, report) = try await DriftBenchmark.time(registryDirectory: scratch.path, source: source, today: DriftTest.today)
            await source.shutdown()
            print("drift benchmark: \(count) issuers, \(server.totalRequests) requests on loopback, concurrency 16: \(String(format: "%.2f", seconds)) s")
            #expect(report.findings.isEmpty, "\(report.findings.prefix(3).map(\.message))")
            #expect(server.totalRequests == 2 * count)
            #expect(seconds < 60)
        }
    }
}

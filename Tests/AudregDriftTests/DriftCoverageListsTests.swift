import Foundation
import Testing
@testable import AudregCore
@testable import AudregDrift
import AudregTestHelpers

@Suite("Drift coverage: what the registry gives nothing to check with")
struct DriftCoverageListsTests {
    @Test("an issuer with neither JWKS nor discovery URL, and a service without deployments, are listed as unchecked with why, in JSON and text")
    func nothingToCheckWith() async throws {
        let scratch = DriftScratch()
        scratch.write("registry/registry.yaml", """
            apiVersion: audreg/v1
            kind: Issuer
            metadata: {name: bare-idp}
            spec: {issuer: https://bare.example.com}
            ---
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: idle-api}
            spec:
              audiences: [https://idle.example.com]
              accepts: [{issuer: bare-idp}]

            """)
        let directory = scratch.path + "/registry"
        let loaded = try RegistryLoader().load(directory: directory)
        let outcome = await DriftRunner(options: DriftOptions(today: DriftTest.today)).check(loaded, registryDirectory: directory, source: StaticDocumentSource([]))
        let coverage = outcome.coverage
        #expect(coverage.issuers.isEmpty && coverage.services.isEmpty)
        #expect(coverage.issuersUnchecked == [DriftCoverage.Unchecked(name: "bare-idp", reason: "no JWKS or discovery URL in the registry")])
        #expect(coverage.deploymentsUnchecked == [DriftCoverage.Unchecked(name: "idle-api", reason: "no deployments")])
        let json = coverage.json.serialized(pretty: false)
        #expect(json.contains(#"{"issuer":"bare-idp","reason":"no JWKS or discovery URL in the registry"}"#), "\(json)")
        #expect(json.contains(#"{"service":"idle-api","reason":"no deployments"}"#), "\(json)")
        #expect(coverage.summaryLine == "compared: issuers: 0 read, 1 not read; services: 0 with every config compared, 1 without deployments")
        #expect(coverage.notAssessed(.issuer)?.reason.contains("bare-idp (no JWKS or discovery URL in the registry)") == true)
        #expect(coverage.notAssessed(.deployment)?.reason == "not assessed for 1 service without deployments: idle-api")
        #expect(coverage.notAssessed(.deployment)?.checkedNothing == true)

        var skipping = DriftOptions(today: DriftTest.today)
        skipping.checkIssuers = false
        skipping.checkDeployments = false
        let skipped = await DriftRunner(options: skipping).check(loaded, registryDirectory: directory, source: StaticDocumentSource([])).coverage
        #expect(skipped.issuersUnchecked == [] && skipped.deploymentsUnchecked == [], "a skipped kind is said once, as skipped")
    }
}

import Foundation
import Testing
@testable import AudregCore
@testable import AudregSite
@testable import AudregDrift
@testable import AudregExport
import AudregTestHelpers

/// A comparison drift could not make is never evidence: an issuer whose JWKS was not read, or a config
/// that is missing or holds a value drift could not resolve, leaves its controls not assessed, and
/// turning the rule that reports it off hides the finding only. Real HTTP servers on 127.0.0.1.
@Suite("Drift coverage: what was read, not what was tried", .serialized)
struct DriftCoverageEndToEndTests {
    /// good-idp is served; gone-idp's JWKS answers 404; dead-idp's port has nothing listening. fine-api's
    /// config is read in full; placeholder-api's audience is a placeholder; moved-api's source is not there.
    /// The policy turns every rule that reports a comparison not made off.
    static func registry(base: String, dead: String) -> DriftScratch {
        let scratch = DriftScratch()
        func issuer(_ name: String, _ jwks: String) -> String {
            """
            apiVersion: audreg/v1
            kind: Issuer
            metadata: {name: \(name), owner: platform}
            spec:
              issuer: \(base)/\(name)
              jwksUri: \(jwks)
              algorithms: [RS256, ES256]

            """
        }
        scratch.write("registry/issuers.yaml", [issuer("good-idp", base + "/keys"), issuer("gone-idp", base + "/gone"), issuer("dead-idp", dead + "/keys"), """
            apiVersion: audreg/v1
            kind: Team
            metadata: {name: platform}
            spec: {contact: https://chat.example.com/platform}

            """].joined(separator: "---\n"))
        func service(_ name: String, accepts: String, source: String) -> String {
            """
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: \(name), owner: platform}
            spec:
              audiences: [https://\(name).example.com]
              accepts: [{issuer: \(accepts)}]
              deployments:
                - {kind: spring-boot, source: \(source)}

            """
        }
        scratch.write("registry/services.yaml", [
            service("fine-api", accepts: "good-idp", source: "../deploy/fine.properties"),
            service("placeholder-api", accepts: "dead-idp", source: "../deploy/placeholder.properties"),
            service("moved-api", accepts: "gone-idp", source: "../deploy/moved-away.properties"),
        ].joined(separator: "---\n"))
        scratch.write("registry/policy.yaml", """
            apiVersion: audreg/v1
            kind: Policy
            metadata: {name: default}
            spec:
              severity:
                jwks-unreachable: off
                config-provider-missing: off
                config-value-unresolved: off
                deployment-source-missing: off
                source-outside-root: off

            """)
        scratch.write("deploy/fine.properties", """
            spring.security.oauth2.resourceserver.jwt.issuer-uri=\(base)/good-idp
            spring.security.oauth2.resourceserver.jwt.audiences=https://fine-api.example.com

            """)
        scratch.write("deploy/placeholder.properties", """
            spring.security.oauth2.resourceserver.jwt.issuer-uri=\(base)/dead-idp
            spring.security.oauth2.resourceserver.jwt.audiences=${PAYMENTS_AUDIENCE}

            """)
        return scratch
    }

    /// Serves good-idp's keys and a 404 for gone-idp's, with a port that had a server and has none now.
    static func withServers(_ body: (_ base: String, _ dead: String) async throws -> Void) async throws {
        let stopped = LoopbackServer()
        try await stopped.start()
        let dead = stopped.baseURL
        await stopped.stop()
        try await LoopbackServer.withServer { server in
            server.route("/keys", .respond(body: DriftFixtures.bytes("jwks/good.json")))
            server.route("/gone", .json("{\"error\": \"not found\"}", status: 404))
            try await body(server.baseURL, dead)
        }
    }

    @Test("the run's coverage lists as checked only what it read, and why each other one was not compared, whatever the policy turns off")
    func runnerCoverage() async throws {
        try await Self.withServers { base, dead in
            let scratch = Self.registry(base: base, dead: dead)
            let directory = scratch.path + "/registry"
            let loaded = try RegistryLoader().load(directory: directory)
            #expect(loaded.registry.policy.severityOverrides.count == 5)
            var fetch = HTTPFetchOptions()
            fetch.timeout = .seconds(10)
            fetch.retryBackoff = .milliseconds(100)
            fetch.network = .loopbackAllowed
            let source = try HTTPDocumentSource(options: fetch)
            let outcome = await DriftRunner(options: DriftOptions(today: DriftTest.today)).check(loaded, registryDirectory: directory, source: source)
            await source.shutdown()
            let coverage = outcome.coverage
            #expect(coverage.issuers == ["good-idp"])
            #expect(coverage.issuersUnchecked?.map(\.name) == ["dead-idp", "gone-idp"])
            #expect(coverage.issuersUnchecked?.last?.reason == "JWKS \(base)/gone not read (HTTP 404)")
            #expect(coverage.issuersUnchecked?.first?.reason.hasPrefix("JWKS \(dead)/keys not read (") == true)
            #expect(coverage.services == ["fine-api"])
            let unchecked = try #require(coverage.deploymentsUnchecked)
            #expect(unchecked.map(\.name) == ["moved-api", "placeholder-api"])
            #expect(unchecked.allSatisfy { $0.deployment == 0 })
            #expect(unchecked[0].source == "../deploy/moved-away.properties" && unchecked[0].reason == "../deploy/moved-away.properties does not exist")
            #expect(unchecked[1].reason.contains("${PAYMENTS_AUDIENCE}") && unchecked[1].reason.hasPrefix("a value in it could not be resolved"))
            // The policy hid the findings that say so; the coverage above does not depend on them.
            let off: Set<String> = ["jwks-unreachable", "config-provider-missing", "config-value-unresolved", "deployment-source-missing", "source-outside-root"]
            #expect(!outcome.report.findings.contains { off.contains($0.ruleID) }, "\(outcome.report.findings.map(\.ruleID))")
        }
    }

    @Test("CLI: drift against a port with nothing listening, a 404 and a missing source; build and export oscal then claim nothing for them")
    func endToEnd() async throws {
        try await Self.withServers { base, dead in
            let scratch = Self.registry(base: base, dead: dead)
            let directory = scratch.path + "/registry"
            // Dated on --today's morning, so that the build and the export take the report as fresh: what they do
            // not assess below is for what drift could not read, never for the report's age.
            var environment = ProcessInfo.processInfo.environment
            environment["SOURCE_DATE_EPOCH"] = "1780304400"
            let drift = try audreg("drift", directory, "--allow-loopback", "--format", "json", "--today", "2026-06-01", environment: environment)
            #expect(drift.status == 0 || drift.status == 1, "\(drift.stderr)")
            let report = scratch.path + "/drift.json"
            try drift.stdout.write(toFile: report, atomically: true, encoding: .utf8)
            let root = try #require(try JSONSerialization.jsonObject(with: Data(drift.stdout.utf8)) as? [String: Any])
            let coverage = try #require((root["drift"] as? [String: Any])?["coverage"] as? [String: Any])
            let issuers = try #require(coverage["issuers"] as? [String: Any])
            #expect(issuers["checked"] as? [String] == ["good-idp"])
            #expect((issuers["unchecked"] as? [[String: Any]])?.compactMap { $0["issuer"] as? String } == ["dead-idp", "gone-idp"])
            let deployments = try #require(coverage["deployments"] as? [String: Any])
            #expect(deployments["services"] as? [String] == ["fine-api"])
            let unchecked = try #require(deployments["unchecked"] as? [[String: Any]])
            #expect(unchecked.compactMap { $0["service"] as? String } == ["moved-api", "placeholder-api"])
            #expect(unchecked.allSatisfy { $0["deployment"] as? Int == 0 && $0["source"] is String && $0["reason"] is String })

            let oscal = try audreg("export", "oscal", directory, "--today", "2026-06-01", "--drift-report", report)
            #expect(oscal.status == 0, "\(oscal.stderr)")
            let read = try ControlStatusTests.requirements(oscal.stdout)
            for service in ["placeholder-api", "moved-api"] {
                for control in ["nhi2-2025", "DE.CM-09"] {
                    let requirement = try #require(read[ControlStatusTests.component(service)]?[control], "\(service) \(control)")
                    #expect(requirement.props["audreg-status"] == "not-assessed", "\(service) \(control): \(requirement.props)")
                    #expect(requirement.props["implementation-status"] == nil, "\(service) \(control) is not implemented")
                    let why = control == "nhi2-2025" ? "could not read issuer" : "could not compare deployment"
                    #expect(requirement.statements.contains { ($0["description"] as? String)?.contains(why) == true }, "\(service) \(control)")
                }
            }
            // What was read still assesses: good-idp's keys were read for fine-api.
            let fine = try #require(read[ControlStatusTests.component("fine-api")]?["nhi2-2025"])
            #expect(fine.props["audreg-status"] != "not-assessed", "\(fine.props)")
            #expect(fine.statements.contains { ($0["statement-id"] as? String) == "nhi2-2025_stmt.jwks-private-key-material" })
            #expect(!fine.statements.contains { ($0["description"] as? String)?.contains("did not run") == true })

            let out = scratch.path + "/site"
            let built = try audreg("build", directory, "--drift-report", report, "--fail-on", "never", "--today", "2026-06-01",
                                   "--out", out, "--layout", "built-in")
            #expect(built.status == 0, "\(built.stderr)")
            for service in ["placeholder-api", "moved-api"] {
                let page = try String(contentsOfFile: out + "/services/\(service).html", encoding: .utf8)
                let section = try #require(page.components(separatedBy: "id=\"enforcement-heading\"").last?.components(separatedBy: "</section>").first)
                #expect(section.contains("<span aria-hidden=\"true\">?</span> Not assessed</span>"), "\(service)")
                #expect(!section.contains("Checks the audience"), "\(service)")
                #expect(section.contains("the drift run could not compare deployment"), "\(service)")
            }
            let finePage = try String(contentsOfFile: out + "/services/fine-api.html", encoding: .utf8)
            #expect(finePage.contains("<span aria-hidden=\"true\">✓</span> Checks the audience</span>"))

            // The report vouches only for the files it checked. fine-api gains a second deployment, which
            // the run never read: the old report no longer assesses anything, for fine-api or the others.
            let services = directory + "/services.yaml"
            let edited = try String(contentsOfFile: services, encoding: .utf8).replacingOccurrences(
                of: "    - {kind: spring-boot, source: ../deploy/fine.properties}\n",
                with: "    - {kind: spring-boot, source: ../deploy/fine.properties}\n    - {kind: spring-boot, source: ../deploy/fine-eu.properties}\n")
            try edited.write(toFile: services, atomically: true, encoding: .utf8)
            let stale = try audreg("export", "oscal", directory, "--today", "2026-06-01", "--drift-report", report)
            #expect(stale.status == 0, "\(stale.stderr)")
            let staleRead = try ControlStatusTests.requirements(stale.stdout)
            let staleFine = try #require(staleRead[ControlStatusTests.component("fine-api")]?["nhi2-2025"])
            #expect(staleFine.props["audreg-status"] == "not-assessed", "\(staleFine.props)")
            #expect(staleFine.statements.contains { ($0["description"] as? String)?.contains("the drift report checked other registry files than these") == true })

            // A report that does not name its registry (an earlier audreg, or a hand-made one) proves nothing either.
            var object = try #require(try JSONSerialization.jsonObject(with: Data(drift.stdout.utf8)) as? [String: Any])
            var run = try #require(object["drift"] as? [String: Any])
            run["registry"] = nil
            object["drift"] = run
            try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: report))
            let unnamed = try audreg("export", "oscal", directory, "--today", "2026-06-01", "--drift-report", report)
            let unnamedFine = try #require(try ControlStatusTests.requirements(unnamed.stdout)[ControlStatusTests.component("fine-api")]?["nhi2-2025"])
            #expect(unnamedFine.props["audreg-status"] == "not-assessed", "\(unnamedFine.props)")
            #expect(unnamedFine.statements.contains { ($0["description"] as? String)?.contains("does not say which registry files it checked") == true })
        }
    }
}

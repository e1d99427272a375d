import Foundation
import Testing
import AudregCore
import AudregDrift
import AudregTestHelpers

/// `DriftRunner` judges findings by the catalog it is given, not by the built-in one: a finding keeps
/// the severity its rule gave it, and only the registry's policy overrides it.
@Suite("Drift: the runner's own catalog")
struct DriftRunnerCatalogTests {
    /// jwks-unreachable at warning by default (the built-in rule's default is error), except where its
    /// check raises a finding to error on purpose: a JWKS URL that the registry names itself.
    struct PickyUnreachableRule: IssuerRule {
        static let description: RuleDescription = {
            var description = JWKSUnreachableRule.description
            description.defaultSeverity = .warning
            return description
        }()
        init() {}

        static func check(_ issuer: IssuerContext) -> [Finding] {
            guard let jwks = issuer.jwks, case .unfetched = jwks.outcome else { return [] }
            let atDefault = issuer.finding(self, "JWKS \(jwks.url.value) cannot be fetched", at: jwks.url.location)
            var chosen = issuer.finding(self, "JWKS \(jwks.url.value) is named by the registry and cannot be fetched", at: jwks.url.location)
            if !jwks.fromDiscovery { chosen.severity = .error }
            return [atDefault, chosen]
        }
    }

    static let catalog = RuleCatalog(rules: RuleCatalog.builtIn.rules.filter { $0.description.id != "jwks-unreachable" }
                                         + [PickyUnreachableRule.self])

    static func unreachable(policy: String = "") async throws -> [Finding] {
        let scratch = DriftScratch()
        scratch.write("registry/issuers.yaml", DriftTest.issuerRegistry(base: "https://idp.example.com", discovery: false) + policy)
        let loaded = try RegistryLoader().load(directory: scratch.path + "/registry")
        let report = await DriftRunner(options: DriftOptions(today: DriftTest.today), catalog: catalog)
            .run(loaded, registryDirectory: scratch.path + "/registry", source: StaticDocumentSource([]))
        return report.findings.filter { $0.ruleID == "jwks-unreachable" }
    }

    @Test("a severity the rule chose is kept, though it is the built-in rule's default and not this catalog's")
    func chosenSeverityIsJudgedByTheRunnersCatalog() async throws {
        #expect(JWKSUnreachableRule.description.defaultSeverity == .error)
        let findings = try await Self.unreachable()
        #expect(findings.map(\.severity).sorted() == [.warning, .error].sorted(), "\(findings.map { "\($0.severity): \($0.message)" })")
        #expect(findings.first { $0.message.contains("is named by the registry") }?.severity == .error)
        #expect(findings.first { !$0.message.contains("is named by the registry") }?.severity == .warning)
    }

    @Test("the registry's policy overrides a drift rule's severity, whatever its rule gave it")
    func policyOverridesApply() async throws {
        let policy = "---\napiVersion: audreg/v1\nkind: Policy\nmetadata: {name: default, owner: platform}\nspec:\n  severity: {jwks-unreachable: note}\n"
        let findings = try await Self.unreachable(policy: policy)
        #expect(findings.count == 2 && findings.allSatisfy { $0.severity == .note })
    }
}

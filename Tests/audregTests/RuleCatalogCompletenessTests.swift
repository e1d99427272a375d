import Foundation
import Testing
@testable import AudregCore
@testable import AudregDrift
import AudregTestHelpers

/// The catalog is the list of rule types. These tests read the sources, so that a rule type left out
/// of the catalog, or a rule ID that code names but no rule declares, fails here rather than vanishing
/// from `rules`, the site and SARIF (or, for drift, stopping the program).
@Suite("Rule catalog against the sources")
struct RuleCatalogCompletenessTests {
    /// Every Swift file of the library, with its path relative to the package.
    static let sources: [(path: String, text: String)] = {
        let root = Paths.packageRoot + "/Sources"
        let files = FileManager.default.enumerator(atPath: root)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }.sorted()
        return files.map { ("Sources/" + $0, try! String(contentsOfFile: root + "/" + $0, encoding: .utf8)) }
    }()

    static func matches(_ pattern: String, in text: String) -> [[String]] {
        let regex = try! NSRegularExpression(pattern: pattern)
        let range = NSRange(text.startIndex..., in: text)
        return regex.matches(in: text, range: range).map { match in
            (0..<match.numberOfRanges).map { index in
                Range(match.range(at: index), in: text).map { String(text[$0]) } ?? ""
            }
        }
    }

    /// The names of the types that conform to `Rule` or to a protocol that refines it, in the sources.
    static var ruleTypeNames: Set<String> {
        let all = sources.map(\.text).joined(separator: "\n")
        var protocols: Set<String> = ["Rule"]
        // Protocols that refine Rule (ServiceRule, DriftRule, ...), however deep.
        while true {
            let found = Set(matches(#"protocol\s+(\w+)\s*:\s*([^{]*)\{"#, in: all)
                .filter { match in conforms(match[2], to: protocols) }.map { $0[1] })
            if found.isSubset(of: protocols) { break }
            protocols.formUnion(found)
        }
        let declared = matches(#"(?:struct|class|enum)\s+(\w+)\s*:\s*([^{]*)\{"#, in: all).filter { conforms($0[2], to: protocols) }.map { $0[1] }
        let extended = matches(#"extension\s+(\w+)\s*:\s*([^{]*)\{"#, in: all).filter { conforms($0[2], to: protocols) }.map { $0[1] }
        return Set(declared + extended)
    }

    static func conforms(_ inheritance: String, to protocols: Set<String>) -> Bool {
        let names = inheritance.split(separator: ",").map { $0.split(separator: " ").last.map(String.init) ?? "" }
        return names.contains { protocols.contains($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    @Test("every rule type in the sources is in the catalog, and the catalog holds nothing else")
    func everyRuleTypeIsCatalogued() {
        let catalogued = Set(RuleCatalog.builtIn.rules.map { String(describing: $0) })
        let declared = Self.ruleTypeNames
        #expect(declared.count >= 40, "the source scan found only \(declared.sorted())")
        #expect(declared.subtracting(catalogued).isEmpty, "rule types missing from RuleCatalog.builtIn: \(declared.subtracting(catalogued).sorted())")
        #expect(catalogued.subtracting(declared).isEmpty, "catalog entries that are no rule type in Sources/: \(catalogued.subtracting(declared).sorted())")
    }

    @Test("each catalog ID is declared by exactly one rule type")
    func oneRulePerID() {
        var owners: [String: [String]] = [:]
        for rule in RuleCatalog.builtIn.rules { owners[rule.description.id, default: []].append(String(describing: rule)) }
        for (id, types) in owners { #expect(types.count == 1, "\(id) is declared by \(types)") }
    }

    /// Rule IDs written as string literals where a finding is made: the drift checkers' `add("…"` and
    /// `finding("…"`, and `ruleID: "…"` anywhere.
    static var namedRuleIDs: [(id: String, path: String)] {
        sources.flatMap { file in
            matches(#"(?:\badd|\bfinding|ruleID:)\s*\(?\s*"([a-z0-9-]+)""#, in: file.text).map { ($0[1], file.path) }
        }
    }

    @Test("drift checkers name rules by type, never by an ID string; other code names only catalog IDs")
    func namedIDsHaveRules() {
        let all = Set(RuleCatalog.builtIn.descriptions.map(\.id))
        for (id, path) in Self.namedRuleIDs {
            #expect(all.contains(id), "\(path) names rule '\(id)', which no rule in the catalog declares")
            #expect(!path.hasPrefix("Sources/AudregDrift/") && !path.hasPrefix("Sources/AudregCore/ConfigReaders/") && !path.hasPrefix("Sources/AudregCore/Rules/Drift/"),
                    "\(path) names drift rule '\(id)' by a string; name its type (\(id)'s rule `.self`), so the compiler checks it")
        }
        for id in [LoaderRuleID.yamlSyntax, LoaderRuleID.duplicateKey, LoaderRuleID.schema] {
            #expect(RuleCatalog.builtIn.rule(id: id)?.stage == .loading, "LoaderRuleID '\(id)'")
        }
    }

    /// A drift rule with no check: it writes a registry check, which finds nothing, to compile at all.
    struct PlantedDriftRule: DriftRule {
        static let description = RuleDescription(id: "planted-drift", name: "Planted", defaultSeverity: .error, stage: .drift,
                                                 summary: "", rationale: "", remediation: "", controls: [],
                                                 triggeringExamples: [], nonTriggeringExamples: [])
        init() {}
        func check(_ context: RuleContext) -> [Finding] { [] }
    }

    @Test("every drift rule in the catalog has a check: a deployment, read or issuer rule, which its checker runs")
    func driftRulesHaveChecks() {
        let catalog = RuleCatalog.builtIn
        let unchecked = catalog.driftRulesWithoutCheck.map { $0.description.id }
        #expect(unchecked.isEmpty, "drift rules without a check (make each a DeploymentRule, DeploymentReadRule or IssuerRule): \(unchecked)")
        let kinds = catalog.deploymentRules.count + catalog.deploymentReadRules.count + catalog.issuerRules.count
        #expect(kinds == DriftRuleIDs(catalog: catalog).rules.count, "a drift rule is of exactly one kind")
        #expect(catalog.issuerRules.map { $0.description.id } == [
            "discovery-issuer-mismatch", "discovery-jwks-mismatch", "jwks-algorithm-mismatch", "jwks-certificate-expiring",
            "jwks-kid-problem", "jwks-private-key-material", "jwks-unreachable", "jwks-weak-key",
        ])
        #expect(catalog.deploymentReadRules.map { $0.description.id } == ["config-provider-missing", "source-outside-root"])
        #expect(catalog.deploymentRules.count >= 8, "deployment rules: \(catalog.deploymentRules)")
        // Only drift rules are of a drift kind: a registry rule there would never run in `validate`.
        for rule in catalog.rules where rule is any DeploymentRule.Type || rule is any DeploymentReadRule.Type || rule is any IssuerRule.Type {
            #expect(rule.description.stage == .drift, "\(rule.description.id) is of a drift kind but not of the drift stage")
        }
    }

    @Test("a drift rule without a check is named, so the test above would fail for it")
    func uncheckedDriftRuleIsNamed() {
        let planted = RuleCatalog(rules: RuleCatalog.builtIn.rules + [PlantedDriftRule.self])
        #expect(planted.driftRulesWithoutCheck.map { $0.description.id } == ["planted-drift"])
    }

    @Test("no drift code outside the rules names a drift rule's ID: checkers dispatch to the catalog's rules")
    func checkersDispatch() {
        for file in Self.sources where file.path.hasPrefix("Sources/AudregDrift/") {
            for rule in DriftRuleIDs(catalog: .builtIn).rules {
                let typeName = String(describing: rule)
                #expect(!file.text.contains("\(typeName).self") && !file.text.contains("\(typeName).id") && !file.text.contains("\"\(rule.description.id)\""),
                        "\(file.path) names \(rule.description.id); its checker should run the catalog's rules, and the rule's file hold the check")
            }
        }
    }
}

@Suite("Drift rules of a given catalog")
struct DriftRuleCatalogTests {
    /// jwks-unreachable at warning instead of the built-in error. It reuses the built-in check, whose
    /// findings carry the built-in rule's severity, so it gives them its own: a finding's severity is
    /// its rule's, and the runner does not change it.
    struct QuietUnreachableRule: IssuerRule {
        static let description: RuleDescription = {
            var description = JWKSUnreachableRule.description
            description.defaultSeverity = .warning
            return description
        }()
        init() {}
        static func check(_ issuer: IssuerContext) -> [Finding] {
            JWKSUnreachableRule.check(issuer).map { finding in
                var finding = finding
                finding.severity = description.defaultSeverity
                return finding
            }
        }
    }

    @Test("DriftRuleIDs reads the catalog it is given")
    func idsFromGivenCatalog() {
        let ids = DriftRuleIDs(catalog: RuleCatalog(rules: [JWKSWeakKeyRule.self, AudienceMissingRule.self]))
        #expect(ids.rules.map { $0.description.id } == ["jwks-weak-key"])
        #expect(ids.severity(of: "jwks-weak-key") == .error)
        #expect(ids.severity(of: "jwks-unreachable") == nil)
        #expect(ids.severity(of: "audience-missing") == nil)
        #expect(DriftRuleIDs(catalog: RuleCatalog(rules: [QuietUnreachableRule.self])).severity(of: "jwks-unreachable") == .warning)
    }

    @Test("DriftRunner reports the drift rules of its own catalog, at that catalog's severities")
    func runnerUsesItsCatalog() async throws {
        let scratch = DriftScratch()
        scratch.write("registry/issuers.yaml", DriftTest.issuerRegistry(base: "https://idp.example.com", discovery: false))
        let loaded = try RegistryLoader().load(directory: scratch.path + "/registry")
        let options = DriftOptions(today: DriftTest.today)
        func unreachable(_ catalog: RuleCatalog) async -> [Finding] {
            await DriftRunner(options: options, catalog: catalog).run(loaded, registryDirectory: scratch.path + "/registry", source: StaticDocumentSource([]))
                .findings.filter { $0.ruleID == "jwks-unreachable" }
        }
        let builtIn = await unreachable(.builtIn)
        #expect(!builtIn.isEmpty && builtIn.allSatisfy { $0.severity == .error })
        let others = RuleCatalog.builtIn.rules.filter { $0.description.id != "jwks-unreachable" }
        #expect(await unreachable(RuleCatalog(rules: others)).isEmpty)
        let quiet = await unreachable(RuleCatalog(rules: others + [QuietUnreachableRule.self]))
        #expect(quiet.count == builtIn.count && quiet.allSatisfy { $0.severity == .warning })
    }
}

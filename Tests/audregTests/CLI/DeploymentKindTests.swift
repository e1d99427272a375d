import Foundation
import Testing
@testable import AudregCore
@testable import AudregDrift
import AudregTestHelpers

/// A config reader is one file and one line in `DeploymentReaders.all`; everything that names a
/// deployment kind is derived from that list. These tests fail when something names a kind no reader
/// declares, or a reader is missing from what users and tools see.
@Suite("Drift: deployment kinds come from the readers")
struct DeploymentKindTests {
    static let corpus = Paths.packageRoot + "/Tests/Fixtures/drift-corpus"

    @Test("every kind has exactly one reader, and its name is the reader's")
    func oneReaderPerKind() {
        let names = DeploymentReaders.all.map { type(of: $0).kindName }
        #expect(Set(names).count == names.count, "a kind name is declared twice: \(names)")
        #expect(DeploymentKind.allCases.map(\.rawValue) == names)
        for name in names {
            let kind = DeploymentKind(rawValue: name)
            #expect(kind != nil, "\(name) is no kind")
            #expect(kind.map { type(of: $0.reader).kindName } == name)
            #expect(name.wholeMatch(of: /[a-z0-9][a-z0-9-]*/) != nil, "\(name) is not a lowercase, hyphenated name")
        }
        #expect(DeploymentKind(rawValue: "envoy") == nil)
        #expect(RegistrySchema.deploymentKinds == names)
    }

    @Test("the committed JSON Schema lists exactly the readers' kinds")
    func committedSchema() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Paths.packageRoot + "/schema/audreg-v1.json"))
        let schema = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let definitions = try #require((schema["$defs"] ?? schema["definitions"]) as? [String: Any])
        let deployment = try #require(definitions["Deployment"] as? [String: Any])
        let kind = try #require((deployment["properties"] as? [String: Any])?["kind"] as? [String: Any])
        let listed = try #require(kind["enum"] as? [String])
        #expect(listed == DeploymentReaders.all.map { type(of: $0).kindName },
                "schema/audreg-v1.json is stale: run .build/debug/audreg schema > schema/audreg-v1.json")
    }

    @Test("every kind the corpus test uses has a reader")
    func corpusKinds() {
        for row in DriftCorpusTests.cases {
            #expect(DeploymentKind(rawValue: row.kind) != nil, "\(row.fixture) names kind \(row.kind), which no reader declares")
        }
    }

    @Test("each reader detects the corpus fixtures written for it and no fixture of another kind")
    func detection() throws {
        var fixturesPerKind: [String: Set<String>] = [:]
        for row in DriftCorpusTests.cases { fixturesPerKind[row.kind, default: []].insert(row.fixture) }
        for reader in DeploymentReaders.all {
            let name = type(of: reader).kindName
            let own = fixturesPerKind[name] ?? []
            #expect(!own.isEmpty, "kind \(name) has no fixture in the drift corpus")
            for (kind, fixtures) in fixturesPerKind {
                for fixture in fixtures.sorted() {
                    let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Self.corpus + "/" + fixture)))
                    let detected = reader.detects(bytes, file: fixture)
                    if kind == name {
                        #expect(detected, "\(name) does not detect its fixture \(fixture)")
                    } else {
                        #expect(!detected, "\(name) detects \(fixture), a \(kind) fixture")
                    }
                }
            }
        }
    }

    @Test("every reader declares its enforcer's audience facts with a reference to the enforcer's documentation")
    func enforcerFacts() {
        let rows = EnforcerTable.rows
        var ids: [String] = []
        for reader in DeploymentReaders.all {
            let kind = type(of: reader).kindName
            #expect(!reader.enforcers.isEmpty)
            #expect(rows.contains { $0.kind == kind }, "kind \(kind) has no row in the enforcer table")
            for facts in reader.enforcers {
                #expect(facts.reference.hasPrefix("https://"), "\(kind): \(facts.name) has no documentation reference")
                #expect(!facts.name.isEmpty && !facts.consequence.isEmpty)
                #expect(facts.whenOmitted == .cannotCheck || !facts.audienceFields.isEmpty, "\(facts.name) names no audience field")
            }
        }
        for row in rows {
            ids.append(row.facts.id)
            #expect(row.facts.reference.hasPrefix("https://"), "\(row.facts.name) has no documentation reference")
        }
        #expect(Set(ids).count == ids.count, "an enforcer id is declared twice: \(ids)")
        #expect(!EnforcerTable.withoutReader.isEmpty)
        #expect(EnforcerTable.withoutReader.allSatisfy { facts in !rows.contains { $0.kind != nil && $0.facts.id == facts.id } })
    }

    @Test("config-audience-unchecked carries the enforcer table: rules show text and rules JSON")
    func enforcerTableShown() throws {
        let rule = try #require(RuleCatalog.builtIn.rule(id: "config-audience-unchecked"))
        #expect(rule.enforcers.count == EnforcerTable.rows.count)
        let text = RuleDocumentation.detail(rule, controls: ControlCatalog.builtIn)
        for row in EnforcerTable.rows {
            #expect(text.contains(row.facts.name) && text.contains(row.facts.reference), "rules show lacks \(row.facts.name)")
        }
        #expect(!text.split(separator: "\n").contains { $0.hasSuffix(" ") }, "a line of rules show ends in a space")
        let shown = try audreg("rules", "show", "config-audience-unchecked")
        #expect(shown.stdout.contains("Enforcers (") && shown.stdout.contains("kind envoy-jwt-authn"), "\(shown.stdout)")
        let json = try audreg("rules", "--format", "json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let rules = try #require(object["rules"] as? [[String: Any]])
        let unchecked = try #require(rules.first { $0["id"] as? String == "config-audience-unchecked" })
        let enforcers = try #require(unchecked["enforcers"] as? [[String: Any]])
        #expect(enforcers.count == EnforcerTable.rows.count)
        #expect(enforcers.allSatisfy { ($0["reference"] as? String)?.hasPrefix("https://") == true })
        #expect(enforcers.contains { $0["kind"] as? String == "kong" && $0["whenOmitted"] as? String == "cannot-check" })
        #expect(rules.filter { $0["enforcers"] != nil }.count == 1, "only config-audience-unchecked carries the table")
    }

    @Test("the unchecked-audience message is the enforcer's consequence from the table")
    func uncheckedMessageFromTable() {
        let istio = IstioRequestAuthenticationReader()
        let provider = DeployedProvider(name: nil, location: SourceLocation(file: "f", line: 1, column: 1))
        #expect(istio.facts(for: provider).consequence == istio.enforcer.consequence)
        var jwt = provider
        jwt.enforcer = "kong-jwt"
        #expect(KongDeclarativeReader().facts(for: jwt).whenOmitted == .cannotCheck)
        #expect(KongDeclarativeReader().facts(for: provider).whenOmitted == .unchecked)
    }
}

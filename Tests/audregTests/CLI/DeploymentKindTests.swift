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
}

import Foundation
import Testing
@testable import AudregCore
import AudregTestHelpers

@Suite("Registry loader")
struct RegistryLoaderTests {
    @Test("a misspelled key gets a suggestion at its position")
    func misspelledKey() throws {
        let result = findings("""
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: orders-api}
            spec:
              audiense: [https://orders.example.com]
            """)
        let finding = try #require(result.first { $0.ruleID == "schema" })
        #expect(finding.message == "unknown key 'audiense' in spec; did you mean 'audiences'?")
        #expect(finding.location.line == 5 && finding.location.column == 3)
        #expect(finding.entity == EntityRef(.service, "orders-api"))
    }

    /// The schema's keys and allowed values are ASCII; Swift's `==` would still match a look-alike that is
    /// canonically equivalent (U+212A KELVIN SIGN decomposes to `K`), so they are compared as bytes.
    @Test("a look-alike of an allowed value or key is refused and shown with its code points")
    func lookAlikesAreRefused() throws {
        let result = findings("""
            apiVersion: audreg/v1
            kind: Issuer
            metadata: {name: corp-idp, labels: {caf\u{E9}: one, cafe\u{301}: two}}
            spec:
              issuer: https://idp.example.com
              algorithms: [ES256\u{212A}]
            """)
        let messages = result.map { "\($0.ruleID) \($0.location.line):\($0.location.column) \($0.message)" }
        #expect(messages.contains("schema 6:16 spec.algorithms[0] 'ES256\\u{212A}' is not allowed; did you mean 'ES256K'?"))
        // The two label keys differ in bytes, so neither is a repeat of the other.
        #expect(!result.contains { $0.ruleID == "duplicate-key" })
    }

    @Test("missing required fields and wrong node kinds are schema findings")
    func requiredAndTypes() {
        let result = findings("""
            apiVersion: audreg/v1
            kind: Issuer
            metadata: {name: corp-idp}
            spec:
              algorithms: RS256
            ---
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: orders-api}
            spec:
              audiences: {primary: https://orders.example.com}
            """)
        let messages = result.filter { $0.ruleID == "schema" }.map { "\($0.location.line):\($0.location.column) \($0.message)" }
        #expect(messages.contains("5:3 spec is missing required key 'issuer'"))
        #expect(messages.contains("5:15 spec.algorithms must be a list, found a scalar"))
        #expect(messages.contains("11:14 spec.audiences must be a list, found a mapping"))
    }

    @Test("names that could escape a folder never pass", arguments: ["../x", "Orders", "a/b", "-lead", "ünicode", String(repeating: "a", count: 64), ""])
    func invalidNames(name: String) {
        let result = findings("apiVersion: audreg/v1\nkind: Team\nmetadata: {name: \"\(name)\"}\n")
        #expect(result.contains { $0.ruleID == "schema" && $0.location.line == 3 })
    }

    @Test("an unknown apiVersion or kind is a schema finding and the document is skipped")
    func unknownKind() {
        let loaded = RegistryLoader().load(text: """
            apiVersion: audreg/v2
            kind: Service
            metadata: {name: a}
            ---
            apiVersion: audreg/v1
            kind: Servise
            metadata: {name: b}
            """)
        #expect(loaded.registry.services.isEmpty)
        let messages = loaded.findings.map(\.message)
        #expect(messages.contains("unsupported apiVersion 'audreg/v2'; this version of audreg reads audreg/v1"))
        #expect(messages.contains("unknown kind 'Servise'; did you mean 'Service'?"))
    }

    @Test("the same name twice for one kind is reported at both definitions")
    func duplicateName() {
        let result = findings("""
            apiVersion: audreg/v1
            kind: Team
            metadata: {name: team-a}
            ---
            apiVersion: audreg/v1
            kind: Team
            metadata: {name: team-a}
            """)
        #expect(positions(result, rule: "duplicate-name") == ["2:1", "6:1"])
        let first = result.first { $0.ruleID == "duplicate-name" }
        #expect(first?.related.first?.location.line == 6)
    }

    @Test("positions survive multi-document files split across folders, sorted by path")
    func filesInOrder() throws {
        let directory = TemporaryDirectory()
        directory.write("z/teams.yaml", "apiVersion: audreg/v1\nkind: Team\nmetadata: {name: team-z}\n")
        directory.write("a/teams.yml", "apiVersion: audreg/v1\nkind: Team\nmetadata: {name: team-a}\n---\napiVersion: audreg/v1\nkind: Team\nmetadata: {name: team-b}\n")
        directory.write(".hidden/x.yaml", "not: [valid")
        directory.write("notes.txt", "ignored")
        let loaded = try RegistryLoader().load(directory: directory.path)
        #expect(loaded.registry.files == ["a/teams.yml", "z/teams.yaml"])
        #expect(loaded.registry.teams.map(\.name) == ["team-a", "team-b", "team-z"])
        #expect(loaded.registry.teams[1].origin.location == SourceLocation(file: "a/teams.yml", line: 6, column: 1, endLine: 6, endColumn: 5))
        #expect(loaded.findings.isEmpty)
    }

    @Test("a duplicate key, a misspelled field and a dangling owner are all reported in one run")
    func threeProblemsOneRun() {
        let result = findings("""
            apiVersion: audreg/v1
            kind: Service
            metadata:
              name: orders-api
              owner: team-nobody
              name: orders-api-2
            spec:
              audiences: [https://orders.api.example.com]
              acepts: []
            """)
        #expect(positions(result, rule: "duplicate-key") == ["6:3"])
        #expect(positions(result, rule: "schema") == ["9:3"])
        #expect(positions(result, rule: "unknown-reference") == ["5:10"])
    }

    @Test("the example registry loads with every entity and validates clean")
    func exampleRegistry() throws {
        let report = try Validator(today: Day("2026-12-01")!).validate(directory: Paths.exampleRegistry)
        #expect(report.findings.map(\.message) == [])
        #expect(report.registry.services.count >= 12)
        #expect(Set(report.registry.services.compactMap { $0.metadata.environment?.value }) == ["production", "staging"])
        #expect(report.registry.issuers.count == 3)
        #expect(report.suppressed.count == 1)
        #expect(report.suppressed.first?.finding.ruleID == "multiple-audiences")
    }

    /// Services share their fields until one copy is changed; the change must not reach the others.
    @Test func servicesKeepValueSemantics() throws {
        let loaded = RegistryLoader().load(text: """
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: orders-api, owner: team-a}
            spec:
              audiences: [https://orders.example.com]
            """, file: "orders.yaml")
        let original = try #require(loaded.registry.services.first)
        var copy = original
        copy.audiences.append(Located("https://other.example.com", at: copy.audiencesLocation))
        copy.metadata.owner = nil
        #expect(original.audiences.map(\.value) == ["https://orders.example.com"])
        #expect(original.metadata.owner?.value == "team-a")
        #expect(copy.audiences.map(\.value) == ["https://orders.example.com", "https://other.example.com"])
        #expect(copy.metadata.owner == nil)
        #expect(loaded.registry.services[0].audiences.count == 1)
    }
}

@Suite("Registry loader: two versions at once")
struct PairedLoadTests {
    static let validator = Validator(today: PRSupport.today)

    /// What a report says about a loaded registry, as bytes: two loads are the same when these are.
    static func reportText(_ loaded: LoadedRegistry) -> String {
        JSONReporter.render(validator.validate(loaded), options: ReportOptions())
    }

    /// File names are bytes: `String`'s `==`, `<`, `hasPrefix` and `hasSuffix` work on canonical
    /// equivalence and `Character`s, which would merge two files, order them by readdir, or skip one.
    @Test("file names are compared, sorted and classified by their bytes")
    func fileNamesAsBytes() throws {
        let team = { (name: String) in "apiVersion: audreg/v1\nkind: Team\nmetadata: {name: \(name)}\n" }
        let composed = "teams-\u{E9}.yaml", decomposed = "teams-e\u{301}.yaml", prepended = "x\u{600}.yaml"
        let directory = TemporaryDirectory()
        directory.write(composed, team("team-composed"))
        directory.write(decomposed, team("team-decomposed"))
        directory.write(prepended, team("team-prepended"))
        directory.write(".\u{301}hidden.yaml", team("team-hidden"))
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).map { Array($0.utf8) }
        try #require(names.contains(Array(composed.utf8)) && names.contains(Array(decomposed.utf8)), "the file system kept both names")
        let loaded = try RegistryLoader().load(directory: directory.path)
        #expect(loaded.registry.files.map { Array($0.utf8) } == [decomposed, composed, prepended].map { Array($0.utf8) })
        #expect(loaded.registry.teams.map(\.name) == ["team-decomposed", "team-composed", "team-prepended"])

        // In a diff, each file is matched with the file of the same bytes on the other side.
        let head = TemporaryDirectory()
        head.write(composed, team("team-composed"))
        head.write(decomposed, team("team-decomposed-renamed"))
        let together = try RegistryLoader().load(base: directory.path, head: head.path)
        let headAlone = try RegistryLoader().load(directory: head.path)
        #expect(together.head.registry.teams.map(\.name) == headAlone.registry.teams.map(\.name))
        #expect(together.head.registry.teams.map(\.name) == ["team-decomposed-renamed", "team-composed"])
        #expect(together.base.registry.teams.map(\.name) == loaded.registry.teams.map(\.name))
        // The trust history picks the files from git's list by the same byte rules as the loader.
        #expect(TrustHistoryReader.isCandidate("services/" + prepended))
        #expect(!TrustHistoryReader.isCandidate(".\u{301}hidden/x.yaml"))
        #expect(!TrustHistoryReader.isCandidate("x.yaml\u{301}"))
    }

    @Test("each side loaded together is what loading it alone gives: edited, removed, added and broken files")
    func sidesMatchSingleLoads() throws {
        let base = try PRSupport.copyOfExampleRegistry()
        let head = try PRSupport.copyOfExampleRegistry()
        defer {
            for copy in [base, head] { try? FileManager.default.removeItem(atPath: (copy as NSString).deletingLastPathComponent) }
        }
        try TrustDiffTests.wideningChange(head)
        try FileManager.default.removeItem(atPath: head + "/services/production/search-api.yaml")
        try PRSupport.read(base + "/services/production/orders-api.yaml")
            .replacingOccurrences(of: "name: orders-api\n", with: "name: orders-api-v2\n")
            .write(toFile: head + "/services/production/orders-api-v2.yaml", atomically: true, encoding: .utf8)
        // Broken the same way on both sides (parsed once, its finding on both), and only in the head.
        for side in [base, head] { try "apiVersion: audreg/v1\nkind: [unclosed\n".write(toFile: side + "/broken.yaml", atomically: true, encoding: .utf8) }
        try "apiVersion: audreg/v1\nkind: Service\nmetadata: {name: x}\nspec: {audiences: [\n".write(toFile: head + "/services/late.yaml", atomically: true, encoding: .utf8)

        let loader = RegistryLoader()
        let together = try loader.load(base: base, head: head)
        let (baseAlone, headAlone) = (try loader.load(directory: base), try loader.load(directory: head))
        #expect(together.base.registry.files == baseAlone.registry.files)
        #expect(together.head.registry.files == headAlone.registry.files)
        #expect(together.head.registry.files.contains("services/production/orders-api-v2.yaml"))
        #expect(!together.head.registry.files.contains("services/production/search-api.yaml"))
        #expect(together.base.directory == base && together.head.directory == head)
        #expect(Self.reportText(together.base) == Self.reportText(baseAlone))
        #expect(Self.reportText(together.head) == Self.reportText(headAlone))
        #expect(Self.reportText(together.base) != Self.reportText(together.head))
        #expect(together.head.findings.contains { $0.location.file == "services/late.yaml" })
        #expect(!together.base.findings.contains { $0.location.file == "services/late.yaml" })
        #expect(together.base.findings.contains { $0.location.file == "broken.yaml" })
    }

    @Test("the index of names lists the names defined twice, which the duplicate-name rule reads")
    func indexListsRepeatedNames() {
        func service(_ name: String) -> String {
            "apiVersion: audreg/v1\nkind: Service\nmetadata: {name: \"\(name)\", owner: t}\nspec: {audiences: [\"https://\(name.unicodeScalars.count).example\"]}\n"
        }
        let text = [service("once"), service("twice"), service("twice"), service("thrice"), service("thrice"), service("thrice")]
            .joined(separator: "---\n")
        let registry = RegistryLoader().load(text: text, file: "test.yaml").registry
        let index = RegistryIndex(registry)
        #expect(index.services.count == 3)
        #expect(index.services["thrice"]?.origin.documentIndex == 3)
        #expect(index.services.repeatedNames == [ExactString("twice"), ExactString("thrice")])
        #expect(index.issuers.repeatedNames.isEmpty)
    }
}


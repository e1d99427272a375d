import Foundation
import Testing
@testable import AudregCore
import AudregTestHelpers

/// A random registry as a list of entity documents, with a random mix of sound and unsound services.
struct RandomRegistry {
    var documents: [(name: String, kind: String, yaml: String)] = []
    var audiences: [String: String] = [:]

    init(seed: UInt64, clean: Bool = false) {
        var random = SplitMix64(seed: seed)
        documents.append(("team-a", "Team", "apiVersion: audreg/v1\nkind: Team\nmetadata: {name: team-a}\n"))
        for environment in ["production", "staging"] {
            documents.append(("idp-\(environment)", "Issuer", """
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: idp-\(environment), owner: team-a, environment: \(environment)}
                spec: {issuer: https://idp-\(environment).example.com, jwksUri: https://idp-\(environment).example.com/keys, algorithms: [RS256]}

                """))
        }
        let count = Int.random(in: 3...14, using: &random)
        for index in 0..<count {
            let name = "svc-\(index)"
            let environment = Bool.random(using: &random) ? "production" : "staging"
            var audience = "https://\(name).\(environment).example.com"
            var extra = ""
            if !clean {
                switch Int.random(in: 0..<8, using: &random) {
                case 0 where index > 0: audience = audiences["svc-\(index - 1)"]!                 // collision
                case 1 where index > 0: audience = audiences["svc-\(index - 1)"]! + "/"           // confusable
                case 2: extra = "  downstream: [{service: svc-0, mode: passthrough}]\n"          // passthrough
                case 3: audience = "internal"                                                      // too broad
                default: break
                }
            }
            audiences[name] = audience
            documents.append((name, "Service", """
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: \(name), owner: team-a, environment: \(environment)}
                spec:
                  audiences: ["\(audience)"]
                  accepts: [{issuer: idp-\(environment), tokenTypes: [at+jwt], algorithms: [RS256], maxLifetime: 10m}]
                \(extra)
                """))
        }
    }

    /// Files for a layout: `perFile` documents per file, in the given order.
    func files(order: [Int], perFile: Int, prefix: String = "f") -> [(path: String, bytes: [UInt8])] {
        stride(from: 0, to: order.count, by: perFile).map { start in
            let chunk = order[start..<min(start + perFile, order.count)]
            let text = chunk.map { documents[$0].yaml }.joined(separator: "\n---\n")
            return ("\(prefix)\(String(start).leftPadded(to: 4)).yaml", Array(text.utf8))
        }
    }
}

/// What a finding means, without where it was written: the property that layout must not change.
func meaning(_ findings: [Finding]) -> [String] {
    findings.map { finding in
        let message = SARIFReporter.withoutPositions(finding.message)
        return "\(finding.ruleID)|\(finding.entity?.description ?? "-")|\(stripFileReferences(message))"
    }.sorted()
}

/// duplicate-name messages name the other definition's file; layout changes those, nothing else.
func stripFileReferences(_ message: String) -> String {
    message.split(separator: " ").filter { !$0.contains(".yaml") }.joined(separator: " ")
}

func validate(_ files: [(path: String, bytes: [UInt8])]) -> [Finding] {
    Validator(today: Day(year: 2026, month: 12, day: 1)!).validate(RegistryLoader().load(sources: files)).findings
}

@Suite("Registry properties")
struct RegistryPropertyTests {
    static let seeds: [UInt64] = Array(1...40)

    @Test("reordering files and documents, or splitting files, changes no finding's meaning", arguments: seeds)
    func layoutDoesNotMatter(seed: UInt64) {
        let registry = RandomRegistry(seed: seed)
        var random = SplitMix64(seed: seed &* 31)
        let order = Array(registry.documents.indices)
        let baseline = meaning(validate(registry.files(order: order, perFile: order.count)))
        let shuffled = order.shuffled(using: &random)
        #expect(meaning(validate(registry.files(order: shuffled, perFile: 1))) == baseline)
        #expect(meaning(validate(registry.files(order: shuffled, perFile: 3, prefix: "z/"))) == baseline)
        #expect(meaning(validate(registry.files(order: order.reversed(), perFile: order.count))) == baseline)
    }

    @Test("renaming a service everywhere changes nothing but the name", arguments: seeds)
    func renaming(seed: UInt64) {
        let registry = RandomRegistry(seed: seed)
        let order = Array(registry.documents.indices)
        let files = registry.files(order: order, perFile: order.count)
        let renamed = files.map { file in
            (file.path, Array(String(decoding: file.bytes, as: UTF8.self).replacingOccurrences(of: "svc-0", with: "renamed-zero").utf8))
        }
        let expected = meaning(validate(files)).map { $0.replacingOccurrences(of: "svc-0", with: "renamed-zero") }
        #expect(meaning(validate(renamed)) == expected)
    }

    @Test("a clean registry stays clean when a service with a fresh audience joins", arguments: seeds)
    func freshServiceStaysClean(seed: UInt64) {
        let registry = RandomRegistry(seed: seed, clean: true)
        let order = Array(registry.documents.indices)
        var files = registry.files(order: order, perFile: 2)
        #expect(validate(files).filter { $0.severity >= .warning }.isEmpty, "the generator's clean registry is not clean")
        files.append(("new.yaml", Array("""
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: newcomer-\(seed), owner: team-a, environment: production}
            spec:
              audiences: [https://newcomer-\(seed).api.example.com]
              accepts: [{issuer: idp-production, tokenTypes: [at+jwt], algorithms: [RS256], maxLifetime: 10m}]
            """.utf8)))
        #expect(validate(files).filter { $0.severity >= .warning }.isEmpty)
    }

    @Test("a service that copies an existing audience always collides with its owner", arguments: seeds)
    func copiedAudienceCollides(seed: UInt64) {
        let registry = RandomRegistry(seed: seed, clean: true)
        var random = SplitMix64(seed: seed)
        let victim = registry.audiences.keys.sorted().randomElement(using: &random)!
        let audience = registry.audiences[victim]!
        var files = registry.files(order: Array(registry.documents.indices), perFile: 4)
        files.append(("copy.yaml", Array("""
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: copycat, owner: team-a}
            spec: {audiences: ["\(audience)"]}
            """.utf8)))
        let collisions = validate(files).filter { $0.ruleID == "audience-collision" }.compactMap(\.entity?.name)
        #expect(Set(collisions) == [victim, "copycat"])
    }
}

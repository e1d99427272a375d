import Foundation
import Testing
@testable import AudregCore
import AudregTestHelpers

/// Audiences are compared as JWT libraries compare them: byte for byte (RFC 7519 §2). These properties
/// run over random values from the whole Unicode range, with pairs biased towards the spellings that
/// Swift's `String ==` takes for equal and libraries do not.
@Suite("Exact audiences")
struct ExactAudienceTests {
    /// A random scalar from the whole range (controls, combining marks, astral planes), surrogates excluded.
    static func randomScalar(_ random: inout SplitMix64) -> Unicode.Scalar {
        let interesting: [UInt32] = [0x00, 0x0A, 0x0D, 0x20, 0x41, 0x61, 0x75, 0xC5, 0xE9, 0xFC, 0x212B, 0x212A, 0x2126,
                                     0x0301, 0x0308, 0x030A, 0x1E9B, 0x0323, 0x0307, 0x037E, 0x3B, 0xFB01, 0xAC00, 0x1100, 0x1161]
        while true {
            let value: UInt32
            switch Int.random(in: 0..<4, using: &random) {
            case 0: value = interesting.randomElement(using: &random)!
            case 1: value = UInt32.random(in: 0..<0x80, using: &random)
            case 2: value = UInt32.random(in: 0x80..<0x3000, using: &random)
            default: value = UInt32.random(in: 0..<0x110000, using: &random)
            }
            if let scalar = Unicode.Scalar(value) { return scalar }
        }
    }

    static func randomText(_ random: inout SplitMix64) -> String {
        var text = ""
        for _ in 0..<Int.random(in: 1...6, using: &random) { text.unicodeScalars.append(randomScalar(&random)) }
        return text
    }

    /// A second audience: the same bytes, a canonically equivalent spelling, a compatibility one, a case
    /// change, or something unrelated.
    static func partner(of text: String, _ random: inout SplitMix64) -> String {
        switch Int.random(in: 0..<6, using: &random) {
        case 0: return String(decoding: Array(text.utf8), as: UTF8.self)
        case 1: return text.decomposedStringWithCanonicalMapping
        case 2: return text.precomposedStringWithCanonicalMapping
        case 3: return text.precomposedStringWithCompatibilityMapping
        case 4: return text.uppercased()
        default: return randomText(&random)
        }
    }

    static func service(_ name: String, audience: String, line: Int) -> Service {
        let location = SourceLocation(file: "services.yaml", line: line, column: 1)
        return Service(metadata: EntityMetadata(name: Located(name, at: location), labels: []),
                       origin: EntityOrigin(file: "services.yaml", location: location, documentIndex: line),
                       audiences: [Located(ExactString(audience), at: location)], audiencesLocation: location,
                       accepts: [], scopes: [], roles: [], downstream: [], deployments: [], exceptions: [])
    }

    @Test("two services collide if and only if their audiences' UTF-8 bytes are equal", arguments: 0..<8)
    func collisionIsByteEquality(seed: UInt64) {
        var random = SplitMix64(seed: 0xA0D1_E7CE + seed)
        var canonicalOnly = 0
        for _ in 0..<250 {
            let first = Self.randomText(&random)
            let second = Self.partner(of: first, &random)
            var registry = Registry()
            registry.services = [Self.service("first", audience: first, line: 1), Self.service("second", audience: second, line: 2)]
            let context = RuleContext(registry: registry, today: RuleExample.defaultToday, knownRuleIDs: [])
            let collides = !AudienceCollisionRule().findings(in: context).isEmpty
            let sameBytes = Array(first.utf8) == Array(second.utf8)
            #expect(collides == sameBytes, "\(first.unicodeScalars.map { String($0.value, radix: 16) }) vs \(second.unicodeScalars.map { String($0.value, radix: 16) })")
            if first == second && !sameBytes { canonicalOnly += 1 }
        }
        // The generator must reach the case this property is about, or it proves nothing.
        #expect(canonicalOnly > 0)
    }

    @Test("ExactString compares, hashes and orders by bytes")
    func exactString() {
        let precomposed = ExactString("b\u{FC}cher")
        let decomposed = ExactString("bu\u{308}cher")
        #expect("b\u{FC}cher" == "bu\u{308}cher") // what Swift does, and why the type exists
        #expect(precomposed != decomposed)
        #expect(Set([precomposed, decomposed]).count == 2)
        #expect(ExactString("\u{212B}") != ExactString("\u{C5}")) // ANGSTROM SIGN vs LATIN CAPITAL A WITH RING
        #expect(ExactString("a") < ExactString("b"))
        #expect(precomposed == ExactString(String(decoding: Array("b\u{FC}cher".utf8), as: UTF8.self)))
        let dictionary = [precomposed: 1, decomposed: 2]
        #expect(dictionary[ExactString("b\u{FC}cher")] == 1)
    }

    @Test("a location's file name compares by bytes, whether or not two locations share its storage")
    func locationFileNames() {
        let shared = SourceFileName("e\u{301}.yaml")
        let first = AudregCore.SourceLocation(file: shared, line: 3, column: 5)
        let sameName = AudregCore.SourceLocation(file: shared, line: 3, column: 5)
        let sameBytes = AudregCore.SourceLocation(file: "e\u{301}.yaml", line: 3, column: 5)
        let composed = AudregCore.SourceLocation(file: "\u{E9}.yaml", line: 3, column: 5)
        #expect(first == sameName && first == sameBytes && first.hashValue == sameBytes.hashValue)
        #expect(!(first < sameBytes) && !(sameBytes < first))
        // Exactly one of <, ==, > holds, the end of the span included (== compares it).
        let longer = AudregCore.SourceLocation(file: shared, line: 3, column: 5, endLine: 3, endColumn: 9)
        #expect(first != longer && (first < longer) != (longer < first))
        #expect(first != composed)
        #expect(Set([first, sameBytes, composed]).count == 2)
        #expect((first < composed) == Array("e\u{301}.yaml".utf8).lexicographicallyPrecedes(Array("\u{E9}.yaml".utf8)))
        var renamed = first
        renamed.file = "other.yaml"
        #expect(renamed.file == "other.yaml" && first.file.utf8.elementsEqual("e\u{301}.yaml".utf8))
        // The file name is one shared reference: a registry holds a location for every value it read
        // (BENCHMARKS.md, "Locations that share their file's name").
        #expect(MemoryLayout<AudregCore.SourceLocation>.size == 24)
    }

    @Test("the loader keeps audience bytes exactly as written")
    func loaderKeepsBytes() {
        let yaml = """
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: a}
            spec: {audiences: ["https://b\\u00FCcher.example.com"]}
            ---
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: b}
            spec: {audiences: ["https://bu\\u0308cher.example.com"]}
            """
        let loaded = RegistryLoader().load(text: yaml)
        let bytes = loaded.registry.services.map { Array($0.audiences[0].value.utf8) }
        #expect(bytes == [Array("https://b\u{FC}cher.example.com".utf8), Array("https://bu\u{308}cher.example.com".utf8)])
        let findings = Validator(today: RuleExample.defaultToday).validate(loaded).findings
        #expect(!findings.contains { $0.ruleID == "audience-collision" })
        #expect(findings.filter { $0.ruleID == "audience-confusable" }.count == 2)
    }

    /// Names are compared with `String ==` and hashed as `String`s, which is exact only because every name
    /// and every reference passes `EntityName.isValid` ([a-z0-9-], ASCII) before it is used: no other
    /// string is canonically equivalent to such a name. This checks that claim over every scalar.
    @Test("no non-ASCII scalar is canonically equivalent to name characters")
    func namesAreExactByConstruction() {
        let nameBytes = Set("abcdefghijklmnopqrstuvwxyz0123456789-".utf8)
        for value in UInt32(0x80)..<0x110000 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let decomposed = String(scalar).decomposedStringWithCanonicalMapping
            #expect(!decomposed.utf8.allSatisfy { nameBytes.contains($0) }, "U+\(String(value, radix: 16)) decomposes to name characters")
        }
        #expect(!EntityName.isValid("orders-\u{212A}"))
    }
}

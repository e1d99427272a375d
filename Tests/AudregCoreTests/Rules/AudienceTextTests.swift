import Testing
@testable import AudregCore
import AudregTestHelpers

/// The audience rules read every audience of the registry, so their text handling works on UTF-8 bytes.
/// These tests hold it to the character-based code it replaced, over random audiences.
@Suite("Audience text, byte by byte")
struct AudienceTextTests {
    static func randomAudiences(seed: UInt64, count: Int = 3_000) -> [String] {
        var random = SplitMix64(seed: seed)
        let starts = ["https://", "http://", "urn:", "HTTPS://[::1]", "", "spiffe://"]
        let pieces = ["api", "API", "internal", "example", "com", ".", "..", "/", "//", ":", "*", "^", "$", ".+", "\\", "(", ")", "|",
                      "{", "}", "[", "]", "é", "日本", "-", "svc-0001", "orders", "localhost", "127.0.0.1", "Services", "all", "+",
                      "microservices", "Backend"]
        return (0..<count).map { _ in
            var text = starts.randomElement(using: &random)!
            for _ in 0..<Int.random(in: 0...7, using: &random) { text += pieces.randomElement(using: &random)! }
            return text
        }
    }

    @Test("runs between separators are split's pieces", arguments: 0..<4)
    func runsAreSplit(seed: UInt64) {
        for text in Self.randomAudiences(seed: seed) {
            for separator in [".", "/", ":"] {
                let pieces = text.split(separator: Character(separator))
                let runs = AudienceTooBroadRule.runs(of: text, between: UInt8(ascii: Unicode.Scalar(separator)!))
                #expect(runs.count == pieces.count && runs.first == pieces.first && runs.last == pieces.last, "\(text.debugDescription)")
            }
        }
    }

    @Test("audience-wildcard and audience-too-broad give the reasons the character-based checks gave", arguments: 0..<4)
    func sameReasons(seed: UInt64) {
        let generic = AudienceTooBroadRule.genericWords.union(["platform"])
        let longest = generic.map(\.utf8.count).max()!
        var fired = 0
        for text in Self.randomAudiences(seed: seed) {
            let url = URLParts(text)
            let wildcard = AudienceWildcardRule.patternSyntax(in: text, url: url)
            #expect(wildcard == CharacterChecks.patternSyntax(in: text, url: url), "\(text.debugDescription)")
            let broad = AudienceTooBroadRule.reason(for: text, url: url, generic: generic, longestGeneric: longest)
            #expect(broad == CharacterChecks.reason(for: text, url: url, generic: generic), "\(text.debugDescription)")
            if wildcard != nil || broad != nil { fired += 1 }
        }
        #expect(fired > 300, "the random audiences should trigger the rules often enough to compare them")
    }

    @Test("claim-value-invalid's ASCII test over bytes agrees with its test over scalars", arguments: 0..<4)
    func claimValueSpaces(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let pieces = ["a", "https://x", ":", " ", "\t", "\n", "\r", "\u{0B}", "\u{0C}", "\u{1F}", "\u{7F}", "~", "\u{A0}", "\u{85}", "é", "\u{3000}"]
        var nonASCII = 0, spaced = 0
        for _ in 0..<3_000 {
            var text = ""
            for _ in 0..<Int.random(in: 0...6, using: &random) { text += pieces.randomElement(using: &random)! }
            let scalarTest = text.unicodeScalars.contains { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }
            if let byteTest = ClaimValueInvalidRule.asciiHasSpaceOrControl(text.utf8) {
                #expect(byteTest == scalarTest, "\(text.debugDescription)")
                if byteTest { spaced += 1 }
            } else {
                #expect(text.utf8.contains { $0 >= 0x80 }, "\(text.debugDescription)")
                nonASCII += 1
            }
        }
        #expect(nonASCII > 100 && spaced > 100, "both paths should be taken often")
    }

    @Test("punycode host labels decode as RFC 3492 says, and a bad or oversized label is left as written")
    func punycodeHosts() {
        #expect(Punycode.decode(Array("mnchen-3ya".utf8)) == "m\u{FC}nchen")
        #expect(Punycode.decode(Array("bcher-kva".utf8)) == "b\u{FC}cher")
        #expect(Punycode.decode(Array("ihqwcrb4cv8a8dqg056pqjye".utf8)) == "\u{4ED6}\u{4EEC}\u{4E3A}\u{4EC0}\u{4E48}\u{4E0D}\u{8BF4}\u{4E2D}\u{6587}")
        #expect(Punycode.decode(Array("abc-!!".utf8)) == nil)
        #expect(Punycode.decode(Array("99999999999999999999".utf8)) == nil)
        #expect(AudienceForms.decodingPunycodeHost("https://XN--bcher-kva.example.com/a").unicodeScalars.elementsEqual("https://b\u{FC}cher.example.com/a".unicodeScalars))
        let long = "https://xn--" + String(repeating: "a", count: 100) + ".example.com"
        #expect(AudienceForms.decodingPunycodeHost(long) == long)
    }

    /// The key the overlap rule groups by, as text, made the way AudienceUse made it before it kept a
    /// `HierarchyKey` (origin, `/`, segments joined by `/`), with its ancestors' ends.
    static func keyText(_ audience: String) -> (key: String, ends: [Int])? {
        guard let url = URLParts(audience), let (origin, segments) = AudienceForms.hierarchy(url) else { return nil }
        var key = origin + "/"
        var ends: [Int] = []
        for (depth, segment) in segments.enumerated() {
            ends.append(key.utf8.count - (depth == 0 ? 0 : 1))
            key += segment + "/"
        }
        if !segments.isEmpty { key.removeLast() }
        return (key, ends)
    }

    @Test("hierarchy keys and their ancestors group exactly as their bytes do, however they share the audience's text", arguments: 0..<4)
    func hierarchyKeysGroupByBytes(seed: UInt64) {
        var audiences = Self.randomAudiences(seed: seed, count: 1_500)
        // The forms the key shares with the text (as written, and without the final slash), and
        // canonically equivalent spellings, which must stay apart.
        audiences += ["https://a.example", "https://a.example/", "https://a.example/x", "https://a.example/x/", "HTTPS://A.example/x",
                      "https://caf\u{E9}.example/x", "https://cafe\u{301}.example/x", "https://a.example:443/x/y"]
        var byKey: [HierarchyKey: Set<ExactString>] = [:]
        var byText: [ExactString: Set<ExactString>] = [:]
        var ancestorsByKey: [HierarchyKey: Set<ExactString>] = [:]
        var ancestorsByText: [ExactString: Set<ExactString>] = [:]
        for audience in audiences {
            let use = AudienceUse(serviceIndex: 0, ref: EntityRef(.service, "s"), environment: nil,
                                  audience: Located(ExactString(audience), at: SourceLocation(file: "f", line: 1, column: 1)))
            guard let (text, ends) = Self.keyText(audience) else {
                #expect(use.hierarchyKey == nil, "\(audience.debugDescription)")
                continue
            }
            guard let key = use.hierarchyKey else {
                Issue.record("no key for \(audience.debugDescription)")
                continue
            }
            #expect(key.text.utf8.elementsEqual(text.utf8), "\(audience.debugDescription)")
            #expect(use.ancestorEnds == ends)
            byKey[key, default: []].insert(ExactString(audience))
            byText[ExactString(text), default: []].insert(ExactString(audience))
            for end in ends {
                ancestorsByKey[key.prefix(end), default: []].insert(ExactString(audience))
                ancestorsByText[ExactString(String(Substring(text.utf8.prefix(end)))), default: []].insert(ExactString(audience))
            }
        }
        #expect(Set(byKey.values) == Set(byText.values))
        #expect(Set(ancestorsByKey.values) == Set(ancestorsByText.values))
        // An ancestor's key (a shorter length of another audience's text) finds the group of the
        // audience whose whole key has those bytes.
        for ancestor in ancestorsByKey.keys {
            #expect(byKey[ancestor] == byText[ExactString(ancestor.text)], "\(ancestor.text.debugDescription)")
        }
    }
}

/// The two checks as they were written before they moved to bytes (2026-11-30), with the per-scheme
/// forms of audience-too-broad added since.
private enum CharacterChecks {
    static func patternSyntax(in audience: String, url: URLParts?) -> String? {
        if audience.hasSubstring("*") { return "'*'" }
        if audience.hasPrefix("^") || audience.hasSuffix("$") { return "regular-expression anchors" }
        if audience.hasSubstring(".+") || audience.hasSubstring("\\") { return "regular-expression syntax" }
        for character in ["(", ")", "|", "{", "}"] where audience.hasSubstring(character) { return "'\(character)'" }
        var brackets = audience.filter { $0 == "[" || $0 == "]" }.count
        if let url, url.host.hasPrefix("[") { brackets -= 2 }
        if brackets > 0 { return "a character class" }
        return nil
    }

    static func reason(for audience: String, url: URLParts?, generic: Set<String>) -> String? {
        let lowered = audience.lowercased()
        if generic.contains(lowered) { return "'\(audience)' is a generic word" }
        if let url {
            let labels = url.host.lowercased().split(separator: ".").map(String.init)
            let segments = url.path.split(separator: "/").map(String.init)
            // Since 2026-12-06 each scheme is judged on its own form: only http(s) has bare domains.
            switch url.scheme.lowercased() {
            case "http", "https":
                if segments.isEmpty, labels.count <= 2, !url.host.hasPrefix("["), !url.isLoopback {
                    return "'\(audience)' is a bare organization domain"
                }
                if segments.isEmpty, let first = labels.first, labels.count > 1, generic.contains(first) {
                    return "its host begins with the generic label '\(first)'"
                }
            case "spiffe":
                if segments.isEmpty { return "'\(audience)' names a whole SPIFFE trust domain, not one workload" }
            default:
                if segments.isEmpty, generic.contains(url.host.lowercased()) { return "it names the generic application '\(url.host)'" }
            }
            if let last = segments.last, generic.contains(last.lowercased()), segments.count == 1, labels.count <= 2 {
                return "its only path segment is the generic word '\(last)'"
            }
            return nil
        }
        if lowered.hasPrefix("urn:"), let last = lowered.split(separator: ":").last, generic.contains(String(last)) {
            return "it ends in the generic word '\(last)'"
        }
        return nil
    }
}

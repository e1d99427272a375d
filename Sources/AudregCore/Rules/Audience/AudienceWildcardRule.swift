/// Consumers match audiences exactly; a pattern in the registry is a misunderstanding or a broad acceptance.
public struct AudienceWildcardRule: Rule {
    public static let description = RuleDescription(
        id: "audience-wildcard",
        name: "Wildcard audience",
        defaultSeverity: .error,
        flagsAudienceValue: true, appliesWhen: .audiences,
        summary: "An audience contains a wildcard, regular expression or glob.",
        rationale: """
            Envoy, Istio, Spring and the common JWT libraries compare audiences exactly, so a pattern either \
            matches nothing (and someone will 'fix' it by turning the check off) or, in the few libraries that \
            accept patterns, accepts tokens for every service the pattern covers.
            """,
        remediation: "List the exact audience string of this service instead of a pattern.",
        references: ["RFC 7519 §4.1.3", "RFC 8707 §2"],
        controls: ["NHI6:2025", "NHI5:2025", "PR.AA-05"],
        triggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec: {audiences: [↓"https://*.api.example.com"]}
                """),
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec:
                  audiences:
                    - ↓^https://orders\\.api\\.example\\.com/.*$
                """),
        ],
        nonTriggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec: {audiences: ["https://orders.api.example.com", "urn:example:orders", "https://[::1]:8443/orders"]}
                """),
        ])

    public init() {}

    /// Characters that only mean something in a pattern. Brackets are allowed around an IPv6 host.
    /// One pass over the UTF-8 bytes finds them all (every one is ASCII); the order of the checks below
    /// decides which one a message names.
    static func patternSyntax(in audience: String, url: URLParts?) -> String? {
        var star = false, regularExpression = false, brackets = 0
        var grouping: [Bool] = [false, false, false, false, false]
        var previous: UInt8 = 0
        for byte in audience.utf8 {
            switch byte {
            case UInt8(ascii: "*"): star = true
            case UInt8(ascii: "\\"): regularExpression = true
            case UInt8(ascii: "+") where previous == UInt8(ascii: "."): regularExpression = true
            case UInt8(ascii: "["), UInt8(ascii: "]"): brackets += 1
            default:
                if let slot = Self.grouping.firstIndex(of: byte) { grouping[slot] = true }
            }
            previous = byte
        }
        if star { return "'*'" }
        // Bytes: "^" followed by a combining mark is one `Character`, and `hasPrefix("^")` would miss it.
        if audience.utf8.first == UInt8(ascii: "^") || audience.utf8.last == UInt8(ascii: "$") { return "regular-expression anchors" }
        if regularExpression { return "regular-expression syntax" }
        if let slot = grouping.firstIndex(of: true) { return "'\(Character(UnicodeScalar(Self.grouping[slot])))'" }
        if let url, url.host.utf8.first == UInt8(ascii: "[") { brackets -= 2 }
        if brackets > 0 { return "a character class" }
        return nil
    }

    private static let grouping: [UInt8] = ["(", ")", "|", "{", "}"].map { UInt8(ascii: $0) }

    public func check(_ context: RuleContext) -> [Finding] {
        context.audiences.compactMap { use in
            guard let syntax = Self.patternSyntax(in: use.text, url: use.url) else { return nil }
            return finding("audience '\(use.value)' of service '\(use.name)' contains \(syntax); consumers compare audiences exactly, so list the exact audience",
                           at: use.location, entity: use.ref)
        }
    }
}

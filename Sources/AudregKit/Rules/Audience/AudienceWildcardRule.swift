/// Consumers match audiences exactly; a pattern in the registry is a misunderstanding or a broad acceptance.
public struct AudienceWildcardRule: Rule {
    public static let description = RuleDescription(
        id: "audience-wildcard",
        name: "Wildcard audience",
        defaultSeverity: .error,
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

    public func check(_ context: RuleContext) -> [Finding] {
        context.audiences.compactMap { use in
            guard let syntax = Self.patternSyntax(in: use.value, url: use.url) else { return nil }
            return finding("audience '\(use.value)' of service '\(use.name)' contains \(syntax); consumers compare audiences exactly, so list the exact audience",
                           at: use.location, entity: use.ref)
        }
    }
}

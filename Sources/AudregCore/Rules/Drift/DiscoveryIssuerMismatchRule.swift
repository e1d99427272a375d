/// The discovery document names another issuer than the registry.
public struct DiscoveryIssuerMismatchRule: IssuerRule {
    public static let description = RuleDescription(
        id: "discovery-issuer-mismatch",
        name: "Discovery issuer mismatch",
        defaultSeverity: .error,
        stage: .drift,
        scope: .issuer, appliesWhen: .discoveryDocuments,
        summary: "The discovery document's issuer is not exactly (code point for code point) the registry's issuer.",
        rationale: """
            Tokens carry the issuer the provider publishes. Services configured from the registry compare iss \
            as an exact string, so a trailing slash, a changed case or a different host means every token is \
            refused, or, worse, that the registry describes a different party than the one services trust.
            """,
        remediation: "Correct the Issuer's issuer in the registry (or the provider's configuration) so both are the same string.",
        references: ["OpenID Connect Discovery 1.0 §4.3", "RFC 8414 §3.3", "RFC 9207"],
        controls: ["DE.CM-09", "PR.AA-04", "NHI6:2025"],
        triggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: corp-idp}
                spec:
                  issuer: ↓https://idp.example.com
                  discoveryUrl: https://idp.example.com/.well-known/openid-configuration
                #> https://idp.example.com/.well-known/openid-configuration
                {"issuer": "https://idp.example.com/"}
                """),
        ],
        nonTriggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: corp-idp}
                spec:
                  issuer: https://idp.example.com
                  discoveryUrl: https://idp.example.com/.well-known/openid-configuration
                #> https://idp.example.com/.well-known/openid-configuration
                {"issuer": "https://idp.example.com"}
                """),
        ])

    public init() {}

    public static func check(_ issuer: IssuerContext) -> [Finding] {
        guard let discovery = issuer.discovery, case .read(let document) = discovery.outcome, let expected = issuer.issuer.issuer else { return [] }
        if let published = document.issuer {
            guard !published.isExactly(expected.value.text) else { return [] }
            return [issuer.finding(Self.self, "the discovery document says issuer '\(published)', the registry '\(expected.value)'; tokens carry the published one, so services configured from the registry refuse them (or trust the wrong party)",
                                   at: expected.location, related: issuer.discoveryRelated)]
        }
        return [issuer.finding(Self.self, "the discovery document at \(discovery.url.value) has no issuer; the registry says '\(expected.value)'",
                               at: expected.location, related: issuer.discoveryRelated)]
    }
}

/// The discovery document names another issuer than the registry.
public struct DiscoveryIssuerMismatchRule: DriftRule {
    public static let description = RuleDescription(
        id: "discovery-issuer-mismatch",
        name: "Discovery issuer mismatch",
        defaultSeverity: .error,
        stage: .drift,
        scope: .issuer,
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
}

/// The discovery document points at other keys than the registry.
public struct DiscoveryJWKSMismatchRule: IssuerRule {
    public static let description = RuleDescription(
        id: "discovery-jwks-mismatch",
        name: "Discovery JWKS URI mismatch",
        defaultSeverity: .error,
        stage: .drift,
        scope: .issuer, appliesWhen: .discoveryDocuments,
        summary: "The discovery document's jwks_uri differs from the registry's jwksUri, or is missing.",
        rationale: """
            Gateways that discover keys (Kong, Spring with issuer-uri) fetch the published jwks_uri; gateways \
            configured with a fixed URI (Envoy, Istio) fetch the registry's. When the two differ, services \
            verify with different keys and a rotation reaches only half of them.
            """,
        remediation: "Update the Issuer's jwksUri to what the provider publishes, or fix the provider.",
        references: ["OpenID Connect Discovery 1.0 §3", "RFC 8414 §2"],
        controls: ["DE.CM-09", "PR.PS-01"],
        triggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: corp-idp}
                spec:
                  issuer: https://idp.example.com
                  discoveryUrl: https://idp.example.com/.well-known/openid-configuration
                  jwksUri: ↓https://idp.example.com/keys
                #> https://idp.example.com/.well-known/openid-configuration
                {"issuer": "https://idp.example.com", "jwks_uri": "https://idp.example.com/v2/keys"}
                #> https://idp.example.com/keys
                {"keys": [{"kty": "EC", "crv": "P-256", "kid": "ec-p256", "alg": "ES256", "use": "sig", "x": "VnYdikpj6kPGtJiKPO6jh4Vv4wVad8U75B7uoP6cLkw", "y": "W3v9dyV03lMzCx8uu1j1NP0McYoC24D0WfXZTzONR2g"}]}
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
                  jwksUri: https://idp.example.com/keys
                #> https://idp.example.com/.well-known/openid-configuration
                {"issuer": "https://idp.example.com", "jwks_uri": "https://idp.example.com/keys"}
                #> https://idp.example.com/keys
                {"keys": [{"kty": "EC", "crv": "P-256", "kid": "ec-p256", "alg": "ES256", "use": "sig", "x": "VnYdikpj6kPGtJiKPO6jh4Vv4wVad8U75B7uoP6cLkw", "y": "W3v9dyV03lMzCx8uu1j1NP0McYoC24D0WfXZTzONR2g"}]}
                """),
        ])

    public init() {}

    public static func check(_ issuer: IssuerContext) -> [Finding] {
        guard let discovery = issuer.discovery, case .read(let document) = discovery.outcome, let jwksUri = issuer.issuer.jwksUri else { return [] }
        guard let published = document.jwksUri else {
            return [issuer.finding(Self.self, "the discovery document has no jwks_uri; the registry says \(jwksUri.value)",
                                   at: jwksUri.location, related: issuer.discoveryRelated)]
        }
        guard !published.isExactly(jwksUri.value) else { return [] }
        return [issuer.finding(Self.self, "the discovery document publishes jwks_uri \(published), the registry \(jwksUri.value); gateways that discover keys use the published one",
                               at: jwksUri.location, related: issuer.discoveryRelated)]
    }
}

/// A deployed config that trusts another issuer or other keys than the registry.
public struct ConfigIssuerMismatchRule: DriftRule {
    public static let description = RuleDescription(
        id: "config-issuer-mismatch",
        name: "Deployed config issuer mismatch",
        defaultSeverity: .error,
        stage: .drift,
        scope: .deployment,
        summary: "The config's issuer or JWKS URI differs from the registry's issuer, it accepts an issuer the registry does not list for the service, or it checks no issuer.",
        rationale: """
            Which issuer a service trusts is as important as which audience it accepts: a gateway that accepts \
            the staging issuer in production, or fetches keys from another URL, trusts tokens nobody reviewed.
            """,
        remediation: "Make the config's issuer and JWKS URI those of an issuer the service accepts in the registry.",
        references: ["RFC 7519 §4.1.1", "RFC 8725 §3.8"],
        controls: ["DE.CM-09", "PR.AA-04", "NHI6:2025"],
        triggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: corp-idp}
                spec: {issuer: https://idp.example.com}
                ---
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: staging-idp}
                spec: {issuer: https://idp.staging.example.com}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec:
                  audiences: [https://orders.example.com]
                  accepts: [{issuer: corp-idp}]
                  deployments:
                    - {kind: istio-request-authentication, source: istio.yaml, provider: orders-api-jwt}
                #> istio.yaml
                apiVersion: security.istio.io/v1beta1
                kind: RequestAuthentication
                metadata: {name: orders-api-jwt}
                spec:
                  jwtRules:
                    - issuer: https://idp.example.com
                      audiences: [https://orders.example.com]
                    - issuer: ↓https://idp.staging.example.com
                      audiences: [https://orders.example.com]
                """),
        ],
        nonTriggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: corp-idp}
                spec: {issuer: https://idp.example.com, jwksUri: https://idp.example.com/keys}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec:
                  audiences: [https://orders.example.com]
                  accepts: [{issuer: corp-idp}]
                  deployments:
                    - {kind: istio-request-authentication, source: istio.yaml, provider: orders-api-jwt}
                #> istio.yaml
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: orders-api-jwt}
                spec:
                  jwtRules:
                    - issuer: https://idp.example.com
                      jwksUri: https://idp.example.com/keys
                      audiences: [https://orders.example.com]
                #> https://idp.example.com/keys
                {"keys": [{"kty": "EC", "crv": "P-256", "kid": "ec-p256", "alg": "ES256", "use": "sig", "x": "VnYdikpj6kPGtJiKPO6jh4Vv4wVad8U75B7uoP6cLkw", "y": "W3v9dyV03lMzCx8uu1j1NP0McYoC24D0WfXZTzONR2g"}]}
                """),
        ])

    public init() {}
}

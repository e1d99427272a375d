/// A JWKS or discovery document that cannot be fetched or is not what it claims to be.
public struct JWKSUnreachableRule: IssuerRule {
    public static let description = RuleDescription(
        id: "jwks-unreachable",
        name: "JWKS or discovery unreachable",
        defaultSeverity: .error,
        stage: .drift,
        scope: .issuer,
        summary: "An issuer's JWKS or discovery document cannot be fetched (refused, DNS, TLS, timeout, HTTP error, too large) or is not a JWKS.",
        rationale: """
            Gateways that cannot fetch keys refuse every token (Envoy answers 401 until the next fetch, istiod \
            falls back to a fake key set), so an unreachable JWKS is an outage waiting for the next cache expiry. \
            A URL that answers with an HTML login page or a redirect to another host is just as broken.
            """,
        remediation: "Fix the URL in the registry or the issuer's publication; for internal PKI pass --ca-bundle.",
        references: ["RFC 7517 §5", "OpenID Connect Discovery 1.0 §4", "envoyproxy/envoy#13705"],
        controls: ["DE.CM-09", "PR.PS-01", "MANAGE 4.1"],
        triggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: corp-idp}
                spec:
                  issuer: https://idp.example.com
                  jwksUri: ↓https://idp.example.com/keys
                #> https://idp.example.com/keys content-type=text/html
                <html><body>Please sign in</body></html>
                """),
            RuleExample("""
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: corp-idp}
                spec:
                  issuer: https://idp.example.com
                  discoveryUrl: ↓https://idp.example.com/.well-known/openid-configuration
                #> https://idp.example.com/.well-known/openid-configuration status=503
                {}
                """),
        ],
        nonTriggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: corp-idp}
                spec:
                  issuer: https://idp.example.com
                  jwksUri: https://idp.example.com/keys
                  algorithms: [ES256]
                #> https://idp.example.com/keys content-type=application/jwk-set+json
                {"keys": [{"kty": "EC", "crv": "P-256", "kid": "ec-p256", "alg": "ES256", "use": "sig",
                  "x": "VnYdikpj6kPGtJiKPO6jh4Vv4wVad8U75B7uoP6cLkw", "y": "W3v9dyV03lMzCx8uu1j1NP0McYoC24D0WfXZTzONR2g"}]}
                """),
        ])

    public init() {}

    public static func check(_ issuer: IssuerContext) -> [Finding] {
        var findings: [Finding] = []
        if let discovery = issuer.discovery, case .unusable(let reason) = discovery.outcome {
            findings.append(issuer.finding(Self.self, "discovery document \(discovery.url.value) cannot be used: \(reason)", at: discovery.url.location))
        }
        if let jwks = issuer.jwks {
            switch jwks.outcome {
            case .unfetched(let reason):
                findings.append(issuer.finding(Self.self, "JWKS \(jwks.url.value)\(jwks.via) cannot be fetched: \(reason)", at: jwks.url.location))
            case .unusable(let reason):
                findings.append(issuer.finding(Self.self, "JWKS \(jwks.url.value)\(jwks.via) cannot be used: \(reason)", at: jwks.url.location))
            case .keySet:
                break
            }
        }
        return findings
    }
}

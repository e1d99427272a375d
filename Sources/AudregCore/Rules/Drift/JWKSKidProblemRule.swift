/// Keys that verifiers cannot tell apart.
public struct JWKSKidProblemRule: KeySetRule {
    public static let description = RuleDescription(
        id: "jwks-kid-problem",
        name: "JWKS kid missing or duplicated",
        defaultSeverity: .warning,
        stage: .drift,
        scope: .issuer,
        summary: "A JWKS key has no kid, two keys share a kid, or the set is empty.",
        rationale: """
            Verifiers pick the key by the token's kid. Without one they try every key or the first one (jwt-kit \
            5.8 verified a token with an unknown kid against the first key added), and a duplicated kid makes \
            the choice depend on order, which breaks key rotation in ways that show up only in production.
            """,
        remediation: "Give every key a unique kid, such as its RFC 7638 thumbprint.",
        references: ["RFC 7517 §4.5", "RFC 7638", "OpenID Connect Core 1.0 §10.1"],
        controls: ["PR.PS-01", "DE.CM-09"],
        triggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: corp-idp}
                spec:
                  issuer: https://idp.example.com
                  jwksUri: ↓https://idp.example.com/keys
                  algorithms: [ES256]
                #> https://idp.example.com/keys
                {"keys": [
                  {"kty": "EC", "crv": "P-256", "kid": "current", "alg": "ES256", "use": "sig",
                   "x": "VnYdikpj6kPGtJiKPO6jh4Vv4wVad8U75B7uoP6cLkw", "y": "W3v9dyV03lMzCx8uu1j1NP0McYoC24D0WfXZTzONR2g"},
                  {"kty": "EC", "crv": "P-256", "kid": "current", "alg": "ES256", "use": "sig",
                   "x": "bDSwydHidmwi1VYcKaMgR1oE5076oLkqcD4uD0FBbp0", "y": "mvjrbca1WtaezZeCihQznEuwC-UPIr1Bj1iBM3o3oBQ"}]}
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
                #> https://idp.example.com/keys
                {"keys": [
                  {"kty": "EC", "crv": "P-256", "kid": "2026-05", "alg": "ES256", "use": "sig",
                   "x": "VnYdikpj6kPGtJiKPO6jh4Vv4wVad8U75B7uoP6cLkw", "y": "W3v9dyV03lMzCx8uu1j1NP0McYoC24D0WfXZTzONR2g"},
                  {"kty": "EC", "crv": "P-256", "kid": "2026-06", "alg": "ES256", "use": "sig",
                   "x": "bDSwydHidmwi1VYcKaMgR1oE5076oLkqcD4uD0FBbp0", "y": "mvjrbca1WtaezZeCihQznEuwC-UPIr1Bj1iBM3o3oBQ"}]}
                """),
        ])

    public init() {}

    public static func check(_ keySet: PublishedKeySet) -> [KeyProblem] {
        var problems: [KeyProblem] = []
        if keySet.keys.isEmpty {
            problems.append(KeyProblem(Self.self, "the key set is empty: no token can be verified"))
        }
        // By exact value: verifiers pick the key whose kid equals the header's byte for byte.
        var kidCounts: [ExactString: Int] = [:]
        for key in keySet.keys where key.isObject {
            if let kid = key.kid { kidCounts[ExactString(kid), default: 0] += 1 } else {
                problems.append(KeyProblem(Self.self, "\(key.name) has no kid, so verifiers cannot pick it by the token's header and rotation breaks"))
            }
        }
        for (kid, count) in kidCounts.sorted(by: { $0.key < $1.key }) where count > 1 {
            problems.append(KeyProblem(Self.self, "kid '\(kid.text)' is used by \(count) keys; a verifier may pick the wrong one"))
        }
        return problems
    }
}

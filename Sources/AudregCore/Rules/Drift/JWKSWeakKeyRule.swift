/// A key too weak or too strange to verify tokens safely.
public struct JWKSWeakKeyRule: DriftRule {
    public static let description = RuleDescription(
        id: "jwks-weak-key",
        name: "Weak or unusable JWKS key",
        defaultSeverity: .error,
        stage: .drift,
        scope: .issuer,
        summary: "A JWKS key is an RSA key under 2048 bits, an EC key whose curve does not match its alg, an unknown kty, or a key jwt-kit rejects.",
        rationale: """
            RSA keys under 2048 bits can be factored by well-funded attackers, and libraries increasingly refuse \
            them, so services disagree about which tokens are valid. A curve that does not match the algorithm, or \
            an unknown key type, is skipped by some verifiers and rejected by others.
            """,
        remediation: "Publish RSA keys of at least 2048 bits, EC keys on the curve their alg names, and only key types verifiers support.",
        references: ["RFC 7518 §3.3, §3.4", "RFC 8037", "NIST SP 800-131A"],
        controls: ["PR.PS-01", "NHI6:2025", "DE.CM-09"],
        triggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: corp-idp}
                spec:
                  issuer: https://idp.example.com
                  jwksUri: ↓https://idp.example.com/keys
                  algorithms: [RS256]
                #> https://idp.example.com/keys
                {"keys": [{"kty": "RSA", "kid": "rsa-1024", "alg": "RS256", "use": "sig", "e": "AQAB",
                  "n": "zKOZVwhFwYpV6Vm0NCRYhLpCiOo7wybvt8eqxIoBKFzja7z-0LuZsErRV65X5bzX-wAi6he8KlG6APwAtnXwyl-Zeh6f2a5L12QIWzAkOjkS1j0RuErUH2CQjLnQmQ4V-UB601Cb0EV0CTCrj9S-YqWAWpS5s6DFTzQfQarYXE8"}]}
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
                  algorithms: [EdDSA]
                #> https://idp.example.com/keys
                {"keys": [{"kty": "OKP", "crv": "Ed25519", "kid": "ed25519", "alg": "EdDSA", "use": "sig",
                  "x": "tfQazRnrkIG_x0pX3_OJryVDwa35_aXZUh0CNzHlPK4"}]}
                """),
        ])

    public init() {}
}

/// A published key set that holds private key material.
public struct JWKSPrivateKeyMaterialRule: DriftRule {
    public static let description = RuleDescription(
        id: "jwks-private-key-material",
        name: "Private key material in a JWKS",
        defaultSeverity: .error,
        stage: .drift,
        scope: .issuer,
        summary: "A JWKS key carries private members (d, p, q, dp, dq, qi, oth) or is an oct key with its secret k.",
        rationale: """
            A JWKS is public by design. A key published with its private part lets anyone sign tokens that every \
            service trusting the issuer accepts; the usual cause is exporting the key pair instead of its public half.
            """,
        remediation: "Remove the key from the JWKS, rotate the signing key, and publish only public members.",
        references: ["RFC 7517 §4", "RFC 7518 §6.2.2, §6.3.2"],
        controls: ["NHI2:2025", "PR.AA-01", "DE.CM-09"],
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
                {"keys": [{"kty": "EC", "crv": "P-256", "kid": "signing", "alg": "ES256", "use": "sig",
                  "x": "bDSwydHidmwi1VYcKaMgR1oE5076oLkqcD4uD0FBbp0", "y": "mvjrbca1WtaezZeCihQznEuwC-UPIr1Bj1iBM3o3oBQ",
                  "d": "TJCs4CprP5kVrerFbYxZTfE-LSspzmGmH_F1rB987rI"}]}
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
                {"keys": [{"kty": "EC", "crv": "P-256", "kid": "signing", "alg": "ES256", "use": "sig",
                  "x": "bDSwydHidmwi1VYcKaMgR1oE5076oLkqcD4uD0FBbp0", "y": "mvjrbca1WtaezZeCihQznEuwC-UPIr1Bj1iBM3o3oBQ"}]}
                """),
        ])

    public init() {}
}

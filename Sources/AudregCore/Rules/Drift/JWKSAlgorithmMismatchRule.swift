/// A key published for an algorithm the registry does not allow, or without the alg that binds it.
public struct JWKSAlgorithmMismatchRule: KeySetRule {
    public static let description = RuleDescription(
        id: "jwks-algorithm-mismatch",
        name: "JWKS algorithm mismatch",
        defaultSeverity: .warning,
        stage: .drift,
        scope: .issuer,
        summary: "A JWKS key's alg is not among the Issuer's algorithms (or the policy's), does not fit its key type, or is missing; or use is missing where the set mixes signing and encryption keys.",
        rationale: """
            The registry says which algorithms an issuer signs with, and services are configured from it. A key \
            for another algorithm means either the registry is stale or the issuer signs in a way services were \
            not told about. A key without alg can be used with any algorithm its type allows, which is how \
            algorithm-confusion attacks start.
            """,
        remediation: "Update the Issuer's algorithms, or have the issuer publish alg (and use) on every key.",
        references: ["RFC 8725 §2.1, §3.1", "RFC 7517 §4.2, §4.4", "OpenID Connect Discovery 1.0 §3 (jwks_uri)"],
        controls: ["PR.PS-01", "NHI6:2025"],
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
                {"keys": [{"kty": "EC", "crv": "P-256", "kid": "ec-p256", "alg": "ES256", "use": "sig",
                  "x": "VnYdikpj6kPGtJiKPO6jh4Vv4wVad8U75B7uoP6cLkw", "y": "W3v9dyV03lMzCx8uu1j1NP0McYoC24D0WfXZTzONR2g"}]}
                """),
            // Marked for encryption, but its alg is a signature one: Envoy and Istio ignore use.
            RuleExample("""
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: corp-idp}
                spec:
                  issuer: https://idp.example.com
                  jwksUri: ↓https://idp.example.com/keys
                  algorithms: [RS256]
                #> https://idp.example.com/keys
                {"keys": [{"kty": "EC", "crv": "P-256", "kid": "ec-p256", "alg": "ES256", "use": "enc",
                  "x": "VnYdikpj6kPGtJiKPO6jh4Vv4wVad8U75B7uoP6cLkw", "y": "W3v9dyV03lMzCx8uu1j1NP0McYoC24D0WfXZTzONR2g"}]}
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
                  algorithms: [RS256, ES256]
                #> https://idp.example.com/keys
                {"keys": [{"kty": "EC", "crv": "P-256", "kid": "ec-p256", "alg": "ES256", "use": "sig",
                  "x": "VnYdikpj6kPGtJiKPO6jh4Vv4wVad8U75B7uoP6cLkw", "y": "W3v9dyV03lMzCx8uu1j1NP0McYoC24D0WfXZTzONR2g"}]}
                """),
        ])

    public init() {}

    public static func check(_ keySet: PublishedKeySet) -> [KeyProblem] {
        let mixesUses = keySet.holdsEncryptionKeys
        var problems: [KeyProblem] = []
        for key in keySet.keys where key.isObject {
            let typeName = key.typeName
            // Envoy and Istio (jwt_verify_lib) never read `use`: a key marked for encryption still
            // verifies signatures unless its alg is a JWE one, which no JWS header can name.
            let signsDespiteUse = key.alg.map { alg in keyTypeForAlgorithm[alg] != nil || keySet.allowedAlgorithms.contains(alg) } ?? true
            if key.use != "enc" || signsDespiteUse {
                if let alg = key.alg {
                    if let kty = key.kty, let expectedType = keyTypeForAlgorithm[alg], expectedType != kty {
                        problems.append(KeyProblem(Self.self, "\(typeName) says alg \(alg), which needs a \(expectedType) key"))
                    } else if !keySet.allowedAlgorithms.contains(alg) {
                        problems.append(KeyProblem(Self.self,
                                                   "\(typeName) is for \(alg), which is not among the \(keySet.allowedFrom) (\(keySet.allowedAlgorithms.joined(separator: ", ")))"))
                    }
                } else if key.kty != nil {
                    problems.append(KeyProblem(Self.self,
                                               "\(typeName) has no alg, so a verifier may accept it with any algorithm its type allows (RFC 8725 §3.1); publish alg"))
                }
            }
            if key.use == nil, mixesUses {
                problems.append(KeyProblem(Self.self,
                                           "\(typeName) has no use although the set holds encryption keys; OpenID Connect Discovery requires use on every key then"))
            }
        }
        return problems
    }

    static let keyTypeForAlgorithm: [String: String] = [
        "RS256": "RSA", "RS384": "RSA", "RS512": "RSA", "PS256": "RSA", "PS384": "RSA", "PS512": "RSA",
        "ES256": "EC", "ES384": "EC", "ES512": "EC", "ES256K": "EC", "EdDSA": "OKP", "Ed25519": "OKP", "Ed448": "OKP",
        "HS256": "oct", "HS384": "oct", "HS512": "oct",
    ]
}

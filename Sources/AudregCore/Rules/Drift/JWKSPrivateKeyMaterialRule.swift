/// A published key set that holds private key material.
public struct JWKSPrivateKeyMaterialRule: KeySetRule {
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

    public static func check(_ issuer: IssuerContext) -> [Finding] {
        var findings: [Finding] = []
        if let discovery = issuer.discovery, case .read(let document) = discovery.outcome {
            for leak in document.leaks {
                findings.append(issuer.finding(Self.self, "the discovery document at \(discovery.url.value) holds private key members (\(leak.members.joined(separator: ", "))) at \(leak.path): anyone who reads it can sign tokens; rotate the key now",
                                               at: discovery.url.location))
            }
        }
        if let jwks = issuer.jwks {
            for leak in jwks.leaks {
                findings.append(issuer.finding(Self.self, "JWKS \(jwks.url.value)\(jwks.via) holds private key members (\(leak.members.joined(separator: ", "))) at \(leak.path): anyone who reads it can sign tokens; rotate the key now",
                                               at: jwks.url.location))
            }
        }
        return findings + issuer.keyFindings(check)
    }

    /// The keys of the key set that publish private members, named by kid and type.
    public static func check(_ keySet: PublishedKeySet) -> [KeyProblem] {
        keySet.keys.flatMap { key -> [KeyProblem] in
            guard key.isObject else { return [] }
            var problems: [KeyProblem] = []
            if !key.privateMembers.isEmpty {
                problems.append(KeyProblem(Self.self,
                                           "\(key.typeName) publishes private members \(key.privateMembers.joined(separator: ", ")): anyone can sign tokens with it; rotate the key now"))
            }
            if key.kty == "oct", key.hasSecretMember {
                problems.append(KeyProblem(Self.self, "\(key.typeName) is a symmetric key published with its secret 'k': anyone can sign tokens with it"))
            }
            return problems
        }
    }
}

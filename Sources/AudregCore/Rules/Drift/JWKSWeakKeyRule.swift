/// A key too weak or too strange to verify tokens safely.
public struct JWKSWeakKeyRule: KeySetRule {
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

    public static func check(_ keySet: PublishedKeySet) -> [KeyProblem] {
        keySet.keys.flatMap { key -> [KeyProblem] in
            guard key.isObject else { return [KeyProblem(Self.self, "\(key.name) is not a JSON object")] }
            let shape = shape(of: key)
            var problems = shape.problems.map { KeyProblem(Self.self, $0) }
            // A library's view of the public key: what jwt-kit refuses, verifiers built on it refuse too.
            if key.asksLibrary, let reason = key.libraryRejection {
                problems.append(KeyProblem(Self.self, "\(key.typeName) is rejected by jwt-kit: \(reason)"))
            }
            return problems
        }
    }

    static let curveForAlgorithm = ["ES256": "P-256", "ES384": "P-384", "ES512": "P-521", "ES256K": "secp256k1"]

    /// Whether the key has a shape a verifier can load (`loadable`), and what is wrong with its shape.
    /// An `oct` key is never loadable; it is reported here without its secret and by
    /// jwks-private-key-material with it.
    static func shape(of key: PublishedKey) -> (loadable: Bool, problems: [String]) {
        let typeName = key.typeName
        switch key.kty {
        case "RSA":
            guard let bits = key.modulusBits else { return (false, ["\(typeName) has no valid base64url 'n'"]) }
            if bits < 2048 { return (false, ["\(typeName) has a \(bits)-bit modulus; at least 2048 bits are required (RFC 7518 §3.3)"]) }
            return (true, [])
        case "EC":
            let crv = key.crv
            if let alg = key.alg, let expected = curveForAlgorithm[alg], crv != expected {
                return (false, ["\(typeName) is on curve \(crv ?? "(none)") but says alg \(alg), which needs \(expected)"])
            }
            guard let crv, ["P-256", "P-384", "P-521", "secp256k1"].contains(crv) else {
                return (false, ["\(typeName) has unknown curve '\(crv ?? "(none)")'"])
            }
            return (true, [])
        case "OKP":
            guard ["Ed25519", "Ed448"].contains(key.crv ?? "") else {
                return (false, ["\(typeName) has curve '\(key.crv ?? "(none)")', which cannot verify EdDSA signatures"])
            }
            return (true, [])
        case "oct":
            return (false, key.hasSecretMember ? [] : ["\(typeName) is a symmetric key in a public key set; public verifiers cannot use it"])
        default:
            return (false, ["\(key.name) has \(key.kty.map { "unknown kty '\($0)'" } ?? "no kty"); verifiers will skip or reject it"])
        }
    }
}

extension PublishedKey {
    /// Whether jwt-kit's verdict on the key is wanted: a key of a loadable shape, without private
    /// members, with a kid. AudregDrift asks jwt-kit only about these (`libraryRejection`).
    public var asksLibrary: Bool {
        isObject && JWKSWeakKeyRule.shape(of: self).loadable && privateMembers.isEmpty && hasKidMember
    }
}

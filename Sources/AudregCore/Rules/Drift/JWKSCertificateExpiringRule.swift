/// An x5c certificate that expired, expires soon, or does not hold the key beside it.
public struct JWKSCertificateExpiringRule: KeySetRule {
    public static let description = RuleDescription(
        id: "jwks-certificate-expiring",
        name: "JWKS certificate expiring",
        defaultSeverity: .warning,
        stage: .drift,
        scope: .issuer,
        summary: "A JWKS key's x5c certificate has expired or expires within --cert-warn-days (default 30), cannot be parsed, or holds a different key than the JWK.",
        rationale: """
            Verifiers that check x5c (mutual-TLS-bound tokens, some SAML bridges, FAPI profiles) refuse keys whose \
            certificate has expired, so an expiring certificate is a dated outage. A certificate for another key \
            means the issuer's publication is broken and whichever half a verifier reads decides what it trusts.
            """,
        remediation: "Have the issuer renew the certificate before it expires, or drop x5c if no verifier needs it.",
        references: ["RFC 7517 §4.7", "RFC 5280 §4.1.2.5"],
        controls: ["PR.PS-01", "DE.CM-09", "MANAGE 4.1"],
        triggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: corp-idp}
                spec:
                  issuer: https://idp.example.com
                  jwksUri: ↓https://idp.example.com/keys
                  algorithms: [EdDSA]
                #> https://idp.example.com/keys
                {"keys": [{"kty": "OKP", "crv": "Ed25519", "kid": "ed-2026", "alg": "EdDSA", "use": "sig",
                  "x": "jtwCsMSMhQ1qhaHywWBcp60VY--uI0_bNVEWuMfuNvM",
                  "x5c": ["MIHHMHugAwIBAgIBATAFBgMrZXAwDjEMMAoGA1UEAwwDaWRwMB4XDTI2MDEwMTAwMDAwMFoXDTI2MDYyMDAwMDAwMFowDjEMMAoGA1UEAwwDaWRwMCowBQYDK2VwAyEAjtwCsMSMhQ1qhaHywWBcp60VY++uI0/bNVEWuMfuNvMwBQYDK2VwA0EAAglaWznP4iDzrOO5U+RkRB1d29zo5kWHhjrlYSbVwL0YhTTu8dR96PbydKMWLrxCEpw/amv9c2lX8u8B0+xtCA=="]}]}
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
                {"keys": [{"kty": "OKP", "crv": "Ed25519", "kid": "ed-2026", "alg": "EdDSA", "use": "sig",
                  "x": "jtwCsMSMhQ1qhaHywWBcp60VY--uI0_bNVEWuMfuNvM",
                  "x5c": ["MIHHMHugAwIBAgIBATAFBgMrZXAwDjEMMAoGA1UEAwwDaWRwMB4XDTI2MDEwMTAwMDAwMFoXDTM2MDEwMTAwMDAwMFowDjEMMAoGA1UEAwwDaWRwMCowBQYDK2VwAyEAjtwCsMSMhQ1qhaHywWBcp60VY++uI0/bNVEWuMfuNvMwBQYDK2VwA0EAlhKciMVM/TbcltmXx5K02a1pf1WbfN5WJklU8epAPhOh+r7OhTOU1PTFNMb0RK6CW3usOqv55fx94fVwlyheAw=="]}]}
                """),
        ])

    public init() {}

    public static func check(_ keySet: PublishedKeySet) -> [KeyProblem] {
        keySet.keys.flatMap { key -> [KeyProblem] in
            guard key.isObject, let certificate = key.certificate else { return [] }
            let name = key.typeName
            let facts: PublishedCertificateFacts
            switch certificate {
            case .notBase64:
                return [KeyProblem(Self.self, "\(name): x5c[0] is not base64 (x5c uses standard base64, not base64url)")]
            case .notDER(let reason):
                return [KeyProblem(Self.self, "\(name): x5c[0] is not a DER X.509 certificate (swift-certificates: \(reason))")]
            case .parsed(let parsed):
                facts = parsed
            }
            var problems: [KeyProblem] = []
            let today = keySet.today
            let expiryDay = Day.today(now: facts.notAfter)
            let left = today.days(until: expiryDay)
            // notAfter is the last instant of validity (RFC 5280), so one at 00:00:00Z today is over for the day.
            if facts.notAfter <= Double(today.ordinal) * 86_400 || left < 0 {
                problems.append(KeyProblem(Self.self, "\(name): its x5c certificate expired on \(expiryDay)"))
            } else if left <= keySet.certificateWarnDays {
                problems.append(KeyProblem(Self.self,
                                           "\(name): its x5c certificate expires on \(expiryDay), in \(left) day\(left == 1 ? "" : "s") (warning at \(keySet.certificateWarnDays))"))
            }
            if facts.keyMatches == false {
                problems.append(KeyProblem(Self.self, "\(name): its x5c certificate holds a different public key than the JWK beside it"))
            }
            return problems
        }
    }
}

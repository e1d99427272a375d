/// Without a required `typ`, an ID token or any other JWT from the same issuer passes as an access token.
public struct TokenTypeUncheckedRule: ServiceRule {
    public static let description = RuleDescription(
        id: "token-type-unchecked",
        name: "Token type unchecked",
        defaultSeverity: .warning, appliesWhen: .acceptedIssuers,
        summary: "A service accepts tokens without requiring an explicit `typ` such as at+jwt.",
        rationale: """
            One issuer usually mints several kinds of JWT: access tokens, ID tokens, logout tokens. A service \
            that does not require `typ: at+jwt` accepts the others too, so a browser's ID token, whose audience \
            is a client ID that may equal the service's, becomes an access token (cross-JWT confusion).
            """,
        remediation: "Require `tokenTypes: [at+jwt]` (or your issuer's explicit access-token type) and enforce it in the service's validation.",
        references: ["RFC 8725 §2.8", "RFC 8725 §3.11", "RFC 9068 §4"],
        controls: ["NHI4:2025", "PR.AA-04"],
        triggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec:
                  audiences: [https://orders.api.example.com]
                  accepts:
                    - ↓issuer: corp-idp
                      algorithms: [RS256]
                    - issuer: partner-idp
                      tokenTypes: [↓JWT]
                """),
        ],
        nonTriggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec:
                  audiences: [https://orders.api.example.com]
                  accepts: [{issuer: corp-idp, tokenTypes: [at+jwt, application/at+jwt]}]
                """),
        ])

    public init() {}

    static let genericTypes: Set<String> = ["jwt", "application/jwt"]

    public func check(_ service: Service, at position: Int, in context: RuleContext, into findings: inout [Finding]) {
        for accepted in service.accepts {
            let types = accepted.tokenTypes ?? []
            if types.isEmpty {
                findings.append(finding("service '\(service.name)' accepts tokens from '\(accepted.issuer.value)' without requiring a token type, so ID tokens and other JWTs pass too",
                                        at: accepted.location, entity: service.ref))
            } else if types.allSatisfy({ Self.genericTypes.contains($0.value.lowercased()) }) {
                findings.append(finding("service '\(service.name)' requires only the generic type '\(types[0].value)' from '\(accepted.issuer.value)', which every kind of JWT may carry; require at+jwt",
                                        at: types[0].location, entity: service.ref))
            }
        }
    }
}

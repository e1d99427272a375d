/// A service that checks signatures but not `aud` accepts every token its issuers mint for anyone.
public struct AudienceMissingRule: ServiceRule {
    public static let description = RuleDescription(
        id: "audience-missing",
        name: "Audience missing",
        defaultSeverity: .error,
        flagsAudienceValue: true, appliesWhen: .acceptedIssuersWithReadableAudiences,
        summary: "A service accepts tokens but lists no audience, so only the signature is checked.",
        rationale: """
            The `aud` claim is how a service knows a token was issued for it. Without an audience of its own, \
            a service accepts any token its issuers sign, including tokens minted for every other service, so \
            one leaked token opens all of them.
            """,
        remediation: "Give the service its own audience (an absolute URI that names it) and configure its token validation to require it.",
        references: ["RFC 7519 §4.1.3", "RFC 8725 §3.9", "RFC 9068 §4"],
        controls: ["NHI6:2025", "PR.AA-04", "PR.AA-05", "MEASURE 2.7"],
        triggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                ↓spec:
                  accepts:
                    - issuer: corp-idp
                """),
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec:
                  ↓audiences: []
                  accepts: [{issuer: corp-idp}]
                """),
        ],
        nonTriggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api, description: A scalar where a list belongs is the schema's one finding; the audience is unknown, not missing.}
                spec:
                  audiences: https://orders.api.example.com
                  accepts: [{issuer: corp-idp}]
                """),
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec:
                  audiences: [https://orders.api.example.com]
                  accepts: [{issuer: corp-idp}]
                """),
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: static-site, description: Takes no tokens at all.}
                spec: {}
                """),
        ])

    public init() {}

    public func check(_ service: Service, at position: Int, in context: RuleContext, into findings: inout [Finding]) {
        guard !service.accepts.isEmpty, service.audiences.isEmpty, service.audiencesAreKnown else { return }
        findings.append(finding("service '\(service.name)' accepts tokens from \(service.accepts.map { "'\($0.issuer.value)'" }.joined(separator: ", ")) but lists no audience; any token those issuers sign would be accepted",
                                at: service.audiencesLocation, entity: service.ref))
    }
}

/// A stolen token is useful until it expires.
public struct LifetimeTooLongRule: ServiceRule {
    public static let description = RuleDescription(
        id: "lifetime-too-long",
        name: "Token lifetime too long",
        defaultSeverity: .warning, appliesWhen: .acceptedIssuers,
        summary: "A service sets no maxLifetime for an issuer's tokens, or one above the policy's maxTokenLifetime.",
        rationale: """
            A bearer token works for whoever holds it until `exp`. Long lifetimes turn every leak (a log line, a \
            proxy, a crash dump) into lasting access; a bound on `exp - iat` keeps a leaked token short-lived \
            even when an issuer is misconfigured.
            """,
        remediation: "Set maxLifetime on every accepts entry, at or below the policy's maxTokenLifetime (access tokens of 5 to 15 minutes are typical).",
        references: ["RFC 9068 §2.2", "RFC 8725 §3.10"],
        controls: ["NHI7:2025", "PR.AA-01", "PR.AA-04"],
        triggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec:
                  audiences: [https://orders.api.example.com]
                  accepts:
                    - ↓issuer: corp-idp
                    - issuer: partner-idp
                      maxLifetime: ↓24h
                """),
        ],
        nonTriggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api, description: A lifetime that is not a duration is the schema's one finding.}
                spec:
                  audiences: [https://orders.api.example.com]
                  accepts: [{issuer: corp-idp, maxLifetime: 15 minutes}]
                """),
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec:
                  audiences: [https://orders.api.example.com]
                  accepts: [{issuer: corp-idp, maxLifetime: 15m}, {issuer: partner-idp, maxLifetime: 1h}]
                """),
        ])

    public init() {}

    public func check(_ service: Service, at position: Int, in context: RuleContext, into findings: inout [Finding]) {
        let limit = context.policy.effectiveMaxTokenLifetime
        for accepted in service.accepts {
            guard let lifetime = accepted.maxLifetime else {
                if accepted.maxLifetimeIsInvalid { continue } // the schema finding says what is wrong with it
                findings.append(finding("service '\(service.name)' sets no maxLifetime for tokens from '\(accepted.issuer.value)'; the policy allows at most \(limit)",
                                        at: accepted.location, entity: service.ref))
                continue
            }
            if lifetime.value > limit {
                findings.append(finding("service '\(service.name)' accepts tokens from '\(accepted.issuer.value)' living \(lifetime.value); the policy allows at most \(limit)",
                                        at: lifetime.location, entity: service.ref))
            }
        }
    }
}

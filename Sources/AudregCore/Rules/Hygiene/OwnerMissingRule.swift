/// Trust relationships nobody owns are never reviewed, rotated or retired.
public struct OwnerMissingRule: ServiceRule {
    public static let description = RuleDescription(
        id: "owner-missing",
        name: "Owner missing",
        defaultSeverity: .warning,
        summary: "A Service or Issuer has no owner.",
        rationale: """
            Every audience and every trusted issuer is a standing grant of access. Without an owning team, \
            nobody answers for a finding, approves an exception, or retires the entry when the service goes \
            away, and stale trust accumulates.
            """,
        remediation: "Set metadata.owner to the Team responsible for the entity.",
        references: [],
        controls: ["GOVERN 2.1", "NHI1:2025", "PR.AA-01"],
        triggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                ↓kind: Service
                metadata: {name: orders-api}
                spec: {audiences: [https://orders.api.example.com]}
                ---
                apiVersion: audreg/v1
                ↓kind: Issuer
                metadata: {name: corp-idp}
                spec: {issuer: https://idp.example.com}
                """),
        ],
        nonTriggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api, owner: team-orders}
                spec: {audiences: [https://orders.api.example.com]}
                ---
                apiVersion: audreg/v1
                kind: Team
                metadata: {name: team-orders}
                """),
        ])

    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        context.registry.issuers.filter { $0.metadata.owner == nil }
            .map { finding("issuer '\($0.name)' has no owner; set metadata.owner to a Team", at: $0.origin.location, entity: $0.ref) }
    }

    public func check(_ service: Service, at position: Int, in context: RuleContext, into findings: inout [Finding]) {
        guard service.metadata.owner == nil else { return }
        findings.append(finding("service '\(service.name)' has no owner; set metadata.owner to a Team", at: service.origin.location, entity: service.ref))
    }
}

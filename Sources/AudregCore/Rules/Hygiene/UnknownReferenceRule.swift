/// A reference to nothing is a trust relationship nobody can review.
public struct UnknownReferenceRule: ServiceRule {
    public static let description = RuleDescription(
        id: "unknown-reference",
        name: "Unknown reference",
        defaultSeverity: .error,
        summary: "An owner, issuer or downstream service names an entity that does not exist.",
        rationale: """
            The registry's value is that every trust relationship points at something reviewable. An owner \
            that is not a Team, an issuer that is not defined, or a hop to an unknown service means a typo or \
            an entity that was deleted while something still depends on it.
            """,
        remediation: "Fix the name, or add the missing Team, Issuer or Service.",
        references: [],
        controls: ["GOVERN 1.6", "ID.AM-03", "PR.AA-01"],
        triggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api, owner: ↓team-ordres}
                spec:
                  audiences: [https://orders.api.example.com]
                  accepts: [{issuer: ↓corp-idpp}]
                  downstream: [{service: ↓inventroy-api, mode: token-exchange}]
                ---
                apiVersion: audreg/v1
                kind: Team
                metadata: {name: team-orders}
                """),
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api, description: A misspelled mode does not hide the misspelled target.}
                spec:
                  audiences: [https://orders.api.example.com]
                  downstream: [{service: ↓inventroy-api, mode: pass-through}]
                """),
        ],
        nonTriggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Team
                metadata: {name: team-orders}
                ---
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: corp-idp, owner: team-orders}
                spec: {issuer: https://idp.example.com}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api, owner: team-orders}
                spec:
                  audiences: [https://orders.api.example.com]
                  accepts: [{issuer: corp-idp}]
                  downstream: [{service: orders-api, mode: new-token}]
                """),
        ])

    public init() {}

    /// The candidates for "did you mean" come from the context, which sorts each kind's names the first
    /// time a reference is missing: a registry without a dangling reference never pays for the sort.
    func missing(_ kind: EntityKind, _ name: Located<String>, from ref: EntityRef, role: String, in context: RuleContext) -> Finding {
        let hint = Suggestion.closest(to: name.value, in: context.sortedNames(of: kind)).map { "; did you mean '\($0)'?" } ?? ""
        return finding("\(role) '\(name.value)' of \(ref) is not a defined \(kind.rawValue)\(hint)", at: name.location, entity: ref)
    }

    public func check(_ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        func checkOwner(_ metadata: EntityMetadata, of ref: EntityRef) {
            if let owner = metadata.owner, context.index.teams[owner.value] == nil {
                findings.append(missing(.team, owner, from: ref, role: "owner", in: context))
            }
        }
        for issuer in context.registry.issuers { checkOwner(issuer.metadata, of: issuer.ref) }
        for team in context.registry.teams { checkOwner(team.metadata, of: team.ref) }
        for policy in context.registry.policies {
            if let metadata = policy.metadata, policy.origin != nil { checkOwner(metadata, of: EntityRef(.policy, metadata.name.value)) }
        }
        return findings
    }

    public func check(_ service: Service, at position: Int, in context: RuleContext, into findings: inout [Finding]) {
        if let owner = service.metadata.owner, context.index.teams[owner.value] == nil {
            findings.append(missing(.team, owner, from: service.ref, role: "owner", in: context))
        }
        for accepted in service.accepts where context.index.issuers[accepted.issuer.value] == nil {
            findings.append(missing(.issuer, accepted.issuer, from: service.ref, role: "issuer", in: context))
        }
        for hop in service.downstream where context.index.services[hop.service.value] == nil {
            findings.append(missing(.service, hop.service, from: service.ref, role: "downstream service", in: context))
        }
        for target in service.hopsWithUnknownMode where context.index.services[target.value] == nil {
            findings.append(missing(.service, target, from: service.ref, role: "downstream service", in: context))
        }
    }
}

/// A reference to nothing is a trust relationship nobody can review.
public struct UnknownReferenceRule: Rule {
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

    func missing(_ kind: EntityKind, _ name: Located<String>, known: [String], from ref: EntityRef, role: String) -> Finding {
        let hint = Suggestion.closest(to: name.value, in: known).map { "; did you mean '\($0)'?" } ?? ""
        return finding("\(role) '\(name.value)' of \(ref) is not a defined \(kind.rawValue)\(hint)", at: name.location, entity: ref)
    }

    public func check(_ context: RuleContext) -> [Finding] {
        // The sorted names only feed suggestions, so they are made when the first reference is missing:
        // sorting 50,000 service names for a registry without a dangling reference is wasted.
        var teams: [String]?
        var issuers: [String]?
        var services: [String]?
        var findings: [Finding] = []
        context.forEachEntity { ref, metadata, _ in
            if let owner = metadata.owner, context.index.teams[owner.value] == nil {
                teams = teams ?? context.index.teams.keys.sorted()
                findings.append(missing(.team, owner, known: teams!, from: ref, role: "owner"))
            }
        }
        for service in context.registry.services {
            for accepted in service.accepts where context.index.issuers[accepted.issuer.value] == nil {
                issuers = issuers ?? context.index.issuers.keys.sorted()
                findings.append(missing(.issuer, accepted.issuer, known: issuers!, from: service.ref, role: "issuer"))
            }
            for hop in service.downstream where context.index.services[hop.service.value] == nil {
                services = services ?? context.index.services.keys.sorted()
                findings.append(missing(.service, hop.service, known: services!, from: service.ref, role: "downstream service"))
            }
        }
        return findings
    }
}

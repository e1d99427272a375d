/// A deployed config that checks no audience at all.
public struct ConfigAudienceUncheckedRule: DeploymentRule {
    public static let description = RuleDescription(
        id: "config-audience-unchecked",
        name: "Deployed config checks no audience",
        defaultSeverity: .error,
        stage: .drift,
        scope: .deployment,
        summary: "The deployed config checks no audience: the audience list is omitted or empty where the enforcer then accepts every audience, or the enforcer cannot check one.",
        rationale: """
            Many enforcers accept every audience when none is configured, so a token minted for any other \
            service of the same issuer is accepted: the confused-deputy problem the registry exists to \
            prevent. What each enforcer does when the audience is left out, and where its audiences are \
            written, is in the enforcer table below, from each enforcer's own documentation; the finding's \
            message says it for the enforcer at hand.
            """,
        remediation: "Set the audience list in the config to the registry's audiences for the service, in the field the enforcer table names for its kind.",
        references: ["RFC 8725 §3.9", "RFC 9068 §4", "spring-projects/spring-security#8334"],
        controls: ["DE.CM-09", "PR.AA-05", "NHI6:2025"],
        triggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: corp-idp}
                spec: {issuer: https://idp.example.com}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: payments-api}
                spec:
                  audiences: [https://payments.example.com]
                  accepts: [{issuer: corp-idp}]
                  deployments:
                    - {kind: spring-boot, source: application.yml}
                #> application.yml
                spring:
                  security:
                    oauth2:
                      resourceserver:
                        jwt:
                          issuer-uri: https://idp.example.com
                          ↓audiences: []
                """),
        ],
        nonTriggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: corp-idp}
                spec: {issuer: https://idp.example.com}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: payments-api}
                spec:
                  audiences: [https://payments.example.com]
                  accepts: [{issuer: corp-idp}]
                  deployments:
                    - {kind: spring-boot, source: application.properties}
                #> application.properties
                spring.security.oauth2.resourceserver.jwt.issuer-uri=https://idp.example.com
                spring.security.oauth2.resourceserver.jwt.audiences=https://payments.example.com
                """),
        ],
        enforcers: EnforcerTable.rows)

    public init() {}

    public static func check(_ deployment: DeploymentContext) -> [Finding] {
        deployment.audienceLists.compactMap { list -> Finding? in
            let consequence = deployment.reader.facts(for: list.provider).consequence
            if !list.isOverride, list.audiences == nil, let caveat = list.provider.audienceCaveat {
                return deployment.finding(self, "\(list.label) checks no audience: \(caveat.value); \(consequence)",
                                          at: caveat.location, related: deployment.audiencesRelated)
            }
            guard list.audiences?.isEmpty ?? true else { return nil }
            let how = list.audiences == nil ? "sets no audiences" : "has an empty audience list"
            return deployment.finding(self, "\(list.label) \(how): \(consequence)", at: list.location, related: deployment.audiencesRelated)
        }
    }
}

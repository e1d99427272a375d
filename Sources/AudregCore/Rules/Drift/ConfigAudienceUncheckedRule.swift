/// A deployed config that checks no audience at all.
public struct ConfigAudienceUncheckedRule: DriftRule {
    public static let description = RuleDescription(
        id: "config-audience-unchecked",
        name: "Deployed config checks no audience",
        defaultSeverity: .error,
        stage: .drift,
        scope: .deployment,
        summary: "The deployed config checks no audience: empty or missing audiences in Envoy, Istio or Spring, Kong without audience_required (its audience option is not validated) or Kong's jwt plugin.",
        rationale: """
            Envoy, Spring Boot and Kong accept every audience when none is configured, so a token minted for any \
            other service of the same issuer is accepted: the confused-deputy problem the registry exists to \
            prevent. Kong's openid-connect `audience` option looks like a check but is only sent to the \
            authorization endpoint.
            """,
        remediation: "Set the audience list in the config to the registry's audiences for the service (Kong: audience_required).",
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
        ])

    public init() {}
}

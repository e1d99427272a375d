/// A deployed value written with a placeholder that drift cannot resolve, so it was not compared.
public struct ConfigValueUnresolvedRule: DeploymentRule {
    public static let description = RuleDescription(
        id: "config-value-unresolved",
        name: "Deployed value not resolved",
        defaultSeverity: .note,
        stage: .drift,
        summary: "A Spring `${…}` placeholder in the deployed config is defined neither in the file nor by --spring-property / --spring-env-file, or a value is set by a profile document while no active profile is known, so that value was not compared with the registry.",
        rationale: """
            Spring fills `${name}` and `${name:default}` from the environment, the command line and the \
            configuration itself. A placeholder compared as literal text would be reported as a mismatch \
            that is not there; one left out silently would look checked. Likewise a document for a \
            profile (`spring.config.activate.on-profile`) applies only when that profile runs, which the \
            file may not say. A note says which value drift could not compare.
            """,
        remediation: "Give the value to drift: `audreg drift --spring-property NAME=VALUE` or `--spring-env-file FILE` (the deployment's environment), or write a default (`${NAME:value}`); for profile documents, `--spring-profile NAME` (or `spring.profiles.active` in the file).",
        references: ["Spring Boot reference: Externalized Configuration, Property Placeholders"],
        controls: ["DE.CM-09"],
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
                    - {kind: spring-boot, source: application.properties}
                #> application.properties
                spring.security.oauth2.resourceserver.jwt.issuer-uri=↓${IDP_URL}
                spring.security.oauth2.resourceserver.jwt.audiences=https://payments.example.com
                """),
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
                spring.security.oauth2.resourceserver.jwt.audiences=https://payments.example.com
                #---
                spring.config.activate.on-profile=prod
                ↓spring.security.oauth2.resourceserver.jwt.issuer-uri=https://idp.example.com
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
                idp.base=https://idp.example.com
                spring.security.oauth2.resourceserver.jwt.issuer-uri=${IDP_URL:${idp.base}}
                spring.security.oauth2.resourceserver.jwt.audiences=https://payments.example.com
                """),
        ])

    public init() {}

    public static func check(_ deployment: DeploymentContext) -> [Finding] {
        deployment.providers.flatMap { provider in
            provider.unresolved.map { unresolved in
                let label = deployment.label(of: provider)
                return deployment.finding(self, unresolved.reason.map { "\(label): \(unresolved.setting) \($0)" }
                                            ?? "\(label): \(unresolved.setting) uses \(unresolved.placeholder), which neither the file nor --spring-property / --spring-env-file defines, so that value was not compared",
                                          at: unresolved.location)
            }
        } + deployment.requirements.filter { $0.mode == .unknown }.map { requirement in
            deployment.finding(self, "\(requirement.label) of \(deployment.file) \(requirement.explained); its providers' settings are not taken as enforced there",
                               at: requirement.location)
        }
    }
}

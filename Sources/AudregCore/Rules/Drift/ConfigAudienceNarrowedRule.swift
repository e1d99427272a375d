/// A deployed config that refuses audiences the registry lists.
public struct ConfigAudienceNarrowedRule: DeploymentRule {
    public static let description = RuleDescription(
        id: "config-audience-narrowed",
        name: "Deployed config refuses listed audiences",
        defaultSeverity: .note,
        stage: .drift,
        scope: .deployment,
        summary: "The registry lists an audience for the service that the deployed config does not accept: callers using it will be refused.",
        rationale: """
            Narrower than the registry is safe but surprising: clients that request tokens for the listed \
            audience get 401s. Either the registry still lists an audience that was retired, or a deployment \
            lost one it should have.
            """,
        remediation: "Remove the audience from the registry if it is retired; otherwise add it to the config.",
        references: ["RFC 7519 §4.1.3"],
        controls: ["DE.CM-09", "MANAGE 4.1"],
        triggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: corp-idp}
                spec: {issuer: https://idp.example.com}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec:
                  audiences: [https://orders.example.com, https://orders-legacy.example.com]
                  accepts: [{issuer: corp-idp}]
                  deployments:
                    - {kind: istio-request-authentication, source: istio.yaml, provider: orders-api-jwt}
                #> istio.yaml
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: orders-api-jwt, namespace: orders}
                spec:
                  jwtRules:
                    - issuer: https://idp.example.com
                      ↓audiences: [https://orders.example.com]
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
                metadata: {name: orders-api}
                spec:
                  audiences: [https://orders.example.com]
                  accepts: [{issuer: corp-idp}]
                  deployments:
                    - {kind: istio-request-authentication, source: istio.yaml, provider: orders-api-jwt}
                #> istio.yaml
                apiVersion: security.istio.io/v1
                kind: RequestAuthentication
                metadata: {name: orders-api-jwt, namespace: orders}
                spec:
                  jwtRules:
                    - issuer: https://idp.example.com
                      audiences: [https://orders.example.com]
                ---
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: orders-api-require-jwt, namespace: orders}
                spec:
                  rules: [{from: [{source: {requestPrincipals: ["*"]}}]}]
                """),
        ])

    public init() {}

    public static func check(_ deployment: DeploymentContext) -> [Finding] {
        let service = deployment.service
        return deployment.audienceLists.flatMap { list -> [Finding] in
            guard let audiences = list.audiences, !audiences.isEmpty else { return [] }
            let deployed = Set(audiences.map(\.value))
            return service.audiences.filter { !deployed.contains($0.value) }.map { audience in
                deployment.finding(self, "\(list.label) does not accept audience '\(audience.value)', which the registry lists: callers using it will be refused",
                                   at: list.location, related: [RelatedLocation(audience.location, entity: service.ref, message: "the audience in the registry")])
            }
        }
    }
}

/// A deployed config that accepts audiences the registry does not list.
public struct ConfigAudienceBroadenedRule: DeploymentRule {
    public static let description = RuleDescription(
        id: "config-audience-broadened",
        name: "Deployed config accepts extra audiences",
        defaultSeverity: .error,
        stage: .drift,
        scope: .deployment,
        summary: "The deployed config accepts an audience the registry does not list for that service.",
        rationale: """
            Every extra audience in a gateway is a set of tokens, minted for someone else, that the service now \
            accepts without anyone reviewing it. The registry is where audiences are reviewed; a config that \
            drifted from it bypasses that review.
            """,
        remediation: "Remove the audience from the config, or add it to the registry through review.",
        references: ["RFC 7519 §4.1.3", "RFC 8725 §3.9"],
        controls: ["DE.CM-09", "PR.AA-05", "NHI5:2025", "NHI6:2025"],
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
                  audiences: [https://orders.example.com]
                  accepts: [{issuer: corp-idp}]
                  deployments:
                    - {kind: envoy-jwt-authn, source: envoy.yaml, provider: corp_idp}
                #> envoy.yaml
                providers:
                  corp_idp:
                    issuer: https://idp.example.com
                    audiences:
                      - https://orders.example.com
                      - ↓https://admin.example.com
                rules: [{match: {prefix: /}, requires: {provider_name: corp_idp}}]
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
                    - {kind: envoy-jwt-authn, source: envoy.yaml, provider: corp_idp}
                #> envoy.yaml
                providers:
                  corp_idp:
                    issuer: https://idp.example.com
                    audiences: [https://orders.example.com]
                rules: [{match: {prefix: /}, requires: {provider_name: corp_idp}}]
                """),
        ])

    public init() {}

    public static func check(_ deployment: DeploymentContext) -> [Finding] {
        let registry = deployment.service.audiences
        let expected = Set(registry.map(\.value))
        let listed = registry.map { "'\($0.value)'" }.joined(separator: ", ")
        return deployment.audienceLists.flatMap { list -> [Finding] in
            guard let audiences = list.audiences, !audiences.isEmpty else { return [] }
            return audiences.filter { !expected.contains($0.value) }.map { audience in
                deployment.finding(self, "\(list.label) accepts audience '\(audience.value)', which the registry does not list for this service (it lists \(listed))",
                                   at: audience.location, related: deployment.audiencesRelated)
            }
        }
    }
}

/// A gateway that forwards the caller's token where the registry says it exchanges tokens.
public struct ConfigTokenForwardedRule: DeploymentRule {
    public static let description = RuleDescription(
        id: "config-token-forwarded",
        name: "Deployed config forwards the caller's token",
        defaultSeverity: .error,
        stage: .drift,
        scope: .deployment,
        summary: "The config forwards the original token upstream (Envoy forward: true, Istio forwardOriginalToken: true, Kong openid-connect unless upstream_access_token_header is null) although the registry says the service exchanges tokens.",
        rationale: """
            The registry says this service exchanges the caller's token for one issued to each backend, so no \
            backend ever sees a token with the gateway's audience. Forwarding the original token undoes that: \
            every backend receives a bearer token it could replay against the gateway.
            """,
        remediation: "Set forward / forwardOriginalToken to false, or change the registry's downstream mode after review.",
        references: ["RFC 8693", "RFC 8725 §3.10"],
        controls: ["NHI2:2025", "PR.AA-05", "DE.CM-09"],
        triggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: corp-idp}
                spec: {issuer: https://idp.example.com}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: storefront-gateway}
                spec:
                  audiences: [https://shop.example.com]
                  accepts: [{issuer: corp-idp}]
                  downstream:
                    - {service: orders-api, mode: token-exchange}
                  deployments:
                    - {kind: envoy-jwt-authn, source: envoy.yaml, provider: corp_idp}
                #> envoy.yaml
                providers:
                  corp_idp:
                    issuer: https://idp.example.com
                    audiences: [https://shop.example.com]
                    forward: ↓true
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
                metadata: {name: storefront-gateway}
                spec:
                  audiences: [https://shop.example.com]
                  accepts: [{issuer: corp-idp}]
                  downstream:
                    - {service: orders-api, mode: token-exchange}
                  deployments:
                    - {kind: envoy-jwt-authn, source: envoy.yaml, provider: corp_idp}
                #> envoy.yaml
                providers:
                  corp_idp:
                    issuer: https://idp.example.com
                    audiences: [https://shop.example.com]
                    forward: false
                rules: [{match: {prefix: /}, requires: {provider_name: corp_idp}}]
                """),
        ])

    public init() {}

    public static func check(_ deployment: DeploymentContext) -> [Finding] {
        guard let hop = deployment.service.downstream.first(where: { $0.mode.value == .tokenExchange }) else { return [] }
        return deployment.enforcedProviders.compactMap { provider in
            guard let forward = provider.forwardsToken, forward.value else { return nil }
            return deployment.finding(self, "\(deployment.label(of: provider)) forwards the caller's token upstream although the registry says the service exchanges tokens (e.g. for '\(hop.service.value)'); the original token, with its audience, leaves the gateway",
                                      at: forward.location, related: [RelatedLocation(hop.location, entity: deployment.service.ref, message: "token-exchange hop")])
        }
    }
}

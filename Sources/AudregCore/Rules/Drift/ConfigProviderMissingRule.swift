/// The config the registry names is missing, unreadable, or lacks the named provider.
public struct ConfigProviderMissingRule: DriftRule {
    public static let description = RuleDescription(
        id: "config-provider-missing",
        name: "Deployed config or provider missing",
        defaultSeverity: .error,
        stage: .drift,
        scope: .deployment,
        summary: "The deployment's config file is missing or unreadable, or the named provider, RequestAuthentication or Kong service is not in it.",
        rationale: """
            A registry entry that points at nothing cannot be checked, and usually means the config moved or \
            the provider was renamed without the registry following, so nobody reviews what is deployed now.
            """,
        remediation: "Fix the deployment's source path or provider name in the registry, or restore the config.",
        references: [],
        controls: ["DE.CM-09", "ID.AM-03"],
        triggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: corp-idp}
                spec: {issuer: https://idp.example.com}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: shipping-api}
                spec:
                  audiences: [https://shipping.example.com]
                  accepts: [{issuer: corp-idp}]
                  deployments:
                    - {kind: kong, source: kong.yaml, provider: shipping-api}
                #> kong.yaml
                _format_version: "3.0"
                ↓services:
                  - name: shipping
                    url: http://shipping.internal:8080
                    plugins:
                      - name: openid-connect
                        config:
                          issuer: https://idp.example.com/.well-known/openid-configuration
                          audience_required: [https://shipping.example.com]
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
                metadata: {name: shipping-api}
                spec:
                  audiences: [https://shipping.example.com]
                  accepts: [{issuer: corp-idp}]
                  deployments:
                    - {kind: kong, source: kong.yaml, provider: shipping-api}
                #> kong.yaml
                _format_version: "3.0"
                services:
                  - name: shipping-api
                    url: http://shipping.internal:8080
                    plugins:
                      - name: openid-connect
                        config:
                          issuer: https://idp.example.com/.well-known/openid-configuration
                          audience_required: [https://shipping.example.com]
                """),
        ])

    public init() {}
}

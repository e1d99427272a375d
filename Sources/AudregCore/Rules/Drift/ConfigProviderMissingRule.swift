/// The config the registry names is missing, unreadable, or lacks the named provider.
public struct ConfigProviderMissingRule: DeploymentReadRule {
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

    public static func check(_ failure: DeploymentReadFailure) -> [Finding] {
        let source = failure.deployment.source.location
        let kind = failure.kindName
        switch failure.problem {
        case .unfetched(let url, let reason):
            return [failure.finding(Self.self, "the config at \(url) cannot be fetched: \(reason)", at: source)]
        case .outsideRoot:
            return []
        case .missing(let file):
            return [failure.finding(Self.self, "the \(kind) config \(file) does not exist", at: source)]
        case .unreadable(let file, let message):
            return [failure.finding(Self.self, "the \(kind) config \(file) cannot be read: \(message)", at: source)]
        case .unparsable(let file, let message, let location):
            return [failure.finding(Self.self, "\(file) cannot be read as \(kind) config: \(message)", at: location ?? source,
                                    related: location == nil ? [] : [RelatedLocation(source, entity: failure.service.ref, message: "named here")])]
        case .providerNotFound(let file, let noun, let wanted, let found, let location):
            return [failure.finding(Self.self,
                                    "\(noun) '\(wanted.value)' is not in \(file)" + (found.isEmpty ? " (it has none)" : " (found: \(found.joined(separator: ", ")))"),
                                    at: location,
                                    related: [RelatedLocation(wanted.location, entity: failure.service.ref, message: "the provider the registry names")])]
        case .noProviders(let file, let noun, let location):
            return [failure.finding(Self.self, "\(file) has no \(noun)", at: location)]
        }
    }
}

/// Envoy Gateway `SecurityPolicy` (`gateway.envoyproxy.io/v1alpha1`) in multi-document Kubernetes YAML
/// or a `kind: List`. Each `spec.jwt.providers[]` item is a provider named by its `name`, also selected
/// by the policy's `metadata.name` and its targets' names (`spec.targetRefs[].name`, the deprecated
/// `spec.targetRef.name`). Envoy Gateway builds Envoy's jwt_authn from it (api/v1alpha1/jwt_types.go):
/// an omitted `issuer` or `audiences` is not checked, `remoteJWKS.uri` is where keys come from, and
/// `jwt.optional: true` lets requests without a token through (Envoy's `allow_missing`).
public struct EnvoyGatewaySecurityPolicyReader: DeploymentConfigReader {
    public static let kindName = "envoy-gateway-security-policy"
    static let apiVersion = "gateway.envoyproxy.io/v1alpha1"

    public let enforcer = EnforcerFacts(
        id: "envoy-gateway-security-policy", name: "Envoy Gateway SecurityPolicy JWT",
        audienceFields: ["spec.jwt.providers[].audiences"],
        whenOmitted: .unchecked, matching: .any,
        reference: "https://gateway.envoyproxy.io/docs/api/extension_types/#jwtprovider",
        verified: "JWTProvider.Audiences in envoyproxy/gateway api/v1alpha1/jwt_types.go: unchecked when omitted or empty",
        notes: "built on Envoy's jwt_authn; jwt.optional: true lets requests without a token through")

    public init() {}

    public func read(_ bytes: [UInt8], file: String, settings: DeploymentReadSettings) throws(DeploymentReadError) -> DeployedConfig {
        var providers: [DeployedProvider] = []
        var requirements: [DeployedRequirement] = []
        var firstLocation: SourceLocation?
        var objects: [YAMLNode] = []
        for document in try ConfigYAML.documents(bytes, file: file) {
            // `kubectl get -o yaml` writes a List whose items are the objects.
            if document.root["kind"]?.scalar == "List" { objects += document.root["items"]?.sequence ?? [] } else { objects.append(document.root) }
        }
        var overriding: [(policy: YAMLNode, target: YAMLNode)] = []
        var gatewayProviders: [DeployedProvider] = []
        for policy in objects where policy["kind"]?.scalar == "SecurityPolicy" {
            if let version = policy["apiVersion"], let value = version.scalar, value != Self.apiVersion {
                throw DeploymentReadError("SecurityPolicy with apiVersion '\(value)'; expected \(Self.apiVersion)",
                                          at: SourceLocation(file: file, node: version))
            }
            let targetRefs = (policy["spec"]?["targetRefs"]?.sequence ?? []) + [policy["spec"]?["targetRef"]].compactMap { $0 }
            guard let jwt = policy["spec"]?["jwt"], let items = jwt["providers"]?.sequence, !items.isEmpty else {
                // A policy on a route (or a Gateway's listener) replaces the Gateway's policy there, even
                // when it sets no jwt: Envoy Gateway applies only the most specific one.
                if let narrower = targetRefs.first(where: Self.isNarrowerThanGateway) { overriding.append((policy, narrower)) }
                continue
            }
            let onGateway = !targetRefs.isEmpty && targetRefs.allSatisfy { !Self.isNarrowerThanGateway($0) && $0["kind"]?.scalar?.isExactly("Gateway") == true }
            if firstLocation == nil, let kind = policy["kind"] { firstLocation = ConfigYAML.location(kind, file: file) }
            let spec = policy["spec"]
            let targets = ((spec?["targetRefs"]?.sequence ?? []) + [spec?["targetRef"]].compactMap { $0 }).compactMap { $0["name"]?.scalar }
            var policyProviders: [DeployedProvider] = []
            for item in items {
                var provider = DeployedProvider(name: ConfigYAML.string(item["name"], file: file), location: ConfigYAML.location(item, file: file))
                provider.aliases = [policy["metadata"]?["name"]?.scalar].compactMap { $0 } + targets
                provider.issuer = ConfigYAML.string(item["issuer"], file: file).flatMap { $0.value.isEmpty ? nil : $0 }
                provider.jwksUri = ConfigYAML.string(item["remoteJWKS"]?["uri"], file: file)
                // localJWKS (inline or from a ConfigMap) replaces remoteJWKS: those keys are not compared.
                if let local = item["localJWKS"], !local.isNull {
                    provider.jwksUri = nil
                    provider.unresolved.append(UnresolvedValue(setting: "keys", placeholder: "localJWKS", location: ConfigYAML.location(ConfigYAML.keyNode(item, "localJWKS") ?? local, file: file),
                                                               reason: "are the provider's localJWKS, which drift does not compare with the issuer's key set"))
                }
                if let audiences = item["audiences"], !audiences.isNull {
                    provider.setAudiences(ConfigYAML.strings(audiences, file: file) ?? [])
                    provider.audiencesLocation = ConfigYAML.location(ConfigYAML.keyNode(item, "audiences") ?? audiences, file: file)
                }
                policyProviders.append(provider)
            }
            providers += policyProviders
            if onGateway { gatewayProviders += policyProviders }
            if let optional = ConfigYAML.bool(jwt["optional"], file: file), optional.value {
                var requirement = DeployedRequirement(
                    mode: .optional, label: "SecurityPolicy '\(policy["metadata"]?["name"]?.scalar ?? "?")'",
                    location: ConfigYAML.keyNode(jwt, "optional").map { ConfigYAML.location($0, file: file) } ?? optional.location,
                    providers: policyProviders.compactMap { $0.name.map { DeployedRequirement.ProviderUse(name: $0, audiences: nil, audiencesLocation: nil) } })
                requirement.explanation = "sets jwt.optional: true, so requests without a token pass (Envoy Gateway configures allow_missing)"
                requirements.append(requirement)
            }
        }
        for (policy, target) in overriding where !gatewayProviders.isEmpty {
            let name = policy["metadata"]?["name"]?.scalar ?? "?"
            let targetText = "\(target["kind"]?.scalar ?? "?") '\(target["name"]?.scalar ?? "?")'\(target["sectionName"]?.scalar.map { " section '\($0)'" } ?? "")"
            var requirement = DeployedRequirement(
                mode: .disabled, label: "SecurityPolicy '\(name)' on \(targetText)", location: ConfigYAML.location(policy["kind"] ?? policy, file: file),
                providers: gatewayProviders.compactMap { $0.name.map { DeployedRequirement.ProviderUse(name: $0, audiences: nil, audiencesLocation: nil) } })
            requirement.coversEveryPath = false
            requirement.explanation = "sets no jwt but targets \(targetText), so it replaces the Gateway's SecurityPolicy there (Envoy Gateway applies only the most specific policy) and requests to it are not checked for a token"
            requirements.append(requirement)
        }
        var config = DeployedConfig(file: file, providers: providers,
                                    providersLocation: firstLocation ?? SourceLocation(file: file, line: 1, column: 1),
                                    providerNoun: "Envoy Gateway SecurityPolicy JWT provider")
        config.requirements = requirements
        return config
    }
}

extension EnvoyGatewaySecurityPolicyReader {
    /// A target more specific than a whole Gateway: a route, or one listener of a Gateway.
    static func isNarrowerThanGateway(_ target: YAMLNode) -> Bool {
        guard let kind = target["kind"]?.scalar else { return false }
        if kind.isExactly("Gateway") { return target["sectionName"] != nil }
        return ["HTTPRoute", "GRPCRoute", "TCPRoute", "TLSRoute", "UDPRoute"].contains { $0.isExactly(kind) }
    }
}

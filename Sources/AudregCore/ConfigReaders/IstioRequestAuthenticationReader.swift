/// Istio `RequestAuthentication` (`security.istio.io/v1` and `v1beta1`) in multi-document Kubernetes
/// YAML. Each `jwtRules` item is a provider named after its RequestAuthentication's `metadata.name`.
public struct IstioRequestAuthenticationReader: DeploymentConfigReader {
    public static let kindName = "istio-request-authentication"
    static let apiVersions: Set<String> = ["security.istio.io/v1", "security.istio.io/v1beta1"]

    public init() {}

    public let enforcer = EnforcerFacts(
        id: "istio-request-authentication", name: "Istio RequestAuthentication",
        audienceFields: ["spec.jwtRules[].audiences"],
        whenOmitted: .fallsBack(to: "the service name, as the docs say; reports say aud is not checked at all (istio/api#1151)"), matching: .any,
        consequence: "Istio then does not restrict aud to the registry's list (the docs say the service name is accepted; reports say aud is not checked)",
        reference: "https://istio.io/latest/docs/reference/config/security/request_authentication/",
        notes: "a request without a token passes unless an AuthorizationPolicy requires a principal; request.auth.audiences matched only the first audience (kyma-project/api-gateway#201)")

    public func read(_ bytes: [UInt8], file: String, settings: DeploymentReadSettings) throws(DeploymentReadError) -> DeployedConfig {
        var providers: [DeployedProvider] = []
        var firstLocation: SourceLocation?
        for document in try ConfigYAML.documents(bytes, file: file) {
            let root = document.root
            guard root["kind"]?.scalar == "RequestAuthentication" else { continue }
            if let version = root["apiVersion"], let value = version.scalar, !Self.apiVersions.contains(value) {
                throw DeploymentReadError("RequestAuthentication with apiVersion '\(value)'; expected security.istio.io/v1 or v1beta1",
                                          at: SourceLocation(file: file, node: version))
            }
            let kindLocation = ConfigYAML.location(root["kind"]!, file: file)
            if firstLocation == nil { firstLocation = kindLocation }
            let name = ConfigYAML.string(root["metadata"]?["name"], file: file)
            let rules = root["spec"]?["jwtRules"]?.sequence ?? []
            if rules.isEmpty {
                // Istio validates no JWT for a RequestAuthentication without jwtRules; keep it so the name is
                // found, and say so instead of comparing issuers it does not have.
                let spec = root["spec"]
                let at = (ConfigYAML.keyNode(spec ?? root, "jwtRules") ?? ConfigYAML.keyNode(root, "spec")).map { ConfigYAML.location($0, file: file) }
                    ?? name?.location ?? kindLocation
                var provider = DeployedProvider(name: name, location: at)
                provider.audiences = nil
                provider.verifiesNothing = Located("has no jwtRules, so Istio validates no JWT for the workloads it selects", at: at)
                providers.append(provider)
            }
            for rule in rules {
                var provider = DeployedProvider(name: name, location: ConfigYAML.location(rule, file: file))
                provider.issuer = ConfigYAML.string(rule["issuer"], file: file)
                provider.jwksUri = ConfigYAML.string(rule["jwksUri"], file: file)
                if let audiences = rule["audiences"] {
                    provider.setAudiences(ConfigYAML.strings(audiences, file: file) ?? [])
                    provider.audiencesLocation = ConfigYAML.location(ConfigYAML.keyNode(rule, "audiences") ?? audiences, file: file)
                }
                provider.forwardsToken = ConfigYAML.bool(rule["forwardOriginalToken"], file: file)
                providers.append(provider)
            }
        }
        return DeployedConfig(file: file, providers: providers,
                              providersLocation: firstLocation ?? SourceLocation(file: file, line: 1, column: 1),
                              providerNoun: "Istio RequestAuthentication")
    }
}

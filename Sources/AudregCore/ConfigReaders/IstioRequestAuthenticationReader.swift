/// Istio `RequestAuthentication` (`security.istio.io/v1` and `v1beta1`) in multi-document Kubernetes
/// YAML. Each `jwtRules` item is a provider named after its RequestAuthentication's `metadata.name`.
/// A RequestAuthentication only rejects invalid tokens; a request without one passes unless an
/// AuthorizationPolicy requires a request principal (istio.io, "Authorization policy": `requestPrincipals`
/// in an ALLOW rule, or `notRequestPrincipals` in a DENY rule). One that has no such policy beside it in
/// the file is an optional requirement, reported as a warning because the policy may be in another file.
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
        var requirements: [DeployedRequirement] = []
        var firstLocation: SourceLocation?
        let documents = try ConfigYAML.documents(bytes, file: file)
        let principalPolicies = documents.map(\.root).filter(Self.requiresPrincipal)
        for document in documents {
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
            if !rules.isEmpty, let name, !principalPolicies.contains(where: { Self.policy($0, covers: root) }) {
                var requirement = DeployedRequirement(mode: .optional, label: "RequestAuthentication '\(name.value)'", location: kindLocation,
                                                      providers: [DeployedRequirement.ProviderUse(name: name, audiences: nil, audiencesLocation: nil)])
                requirement.explanation = "has no AuthorizationPolicy beside it that requires a request principal (requestPrincipals in an ALLOW rule, or notRequestPrincipals in a DENY rule), so Istio lets requests without a token through; if one in another file does, keep it in this file so drift sees it"
                requirement.inferredFromAbsence = true
                requirements.append(requirement)
            }
            for rule in rules {
                var provider = DeployedProvider(name: name, location: ConfigYAML.location(rule, file: file))
                provider.issuer = ConfigYAML.string(rule["issuer"], file: file)
                provider.jwksUri = ConfigYAML.string(rule["jwksUri"], file: file)
                // Istio uses inline `jwks` whenever it is set and never fetches jwksUri then.
                if let inline = ConfigYAML.string(rule["jwks"], file: file), !inline.value.isEmpty {
                    provider.jwksUri = nil
                    provider.unresolved.append(UnresolvedValue(setting: "keys", placeholder: "jwks", location: inline.location,
                                                               reason: "are the inline jwks, which Istio uses instead of jwksUri; drift does not compare inline keys with the issuer's key set"))
                }
                if let audiences = rule["audiences"] {
                    provider.setAudiences(ConfigYAML.strings(audiences, file: file) ?? [])
                    provider.audiencesLocation = ConfigYAML.location(ConfigYAML.keyNode(rule, "audiences") ?? audiences, file: file)
                }
                provider.forwardsToken = ConfigYAML.bool(rule["forwardOriginalToken"], file: file)
                providers.append(provider)
            }
        }
        var config = DeployedConfig(file: file, providers: providers,
                                    providersLocation: firstLocation ?? SourceLocation(file: file, line: 1, column: 1),
                                    providerNoun: "Istio RequestAuthentication")
        config.requirements = requirements
        return config
    }

    /// An AuthorizationPolicy that refuses requests without a principal: ALLOW (the default action) with
    /// a rule whose source lists `requestPrincipals`, or DENY with one that lists `notRequestPrincipals`.
    static func requiresPrincipal(_ root: YAMLNode) -> Bool {
        guard root["kind"]?.scalar == "AuthorizationPolicy", let spec = root["spec"] else { return false }
        let action = spec["action"]?.scalar ?? "ALLOW"
        let field: String
        switch action {
        case "ALLOW": field = "requestPrincipals"
        case "DENY": field = "notRequestPrincipals"
        default: return false
        }
        return (spec["rules"]?.sequence ?? []).contains { rule in
            (rule["from"]?.sequence ?? []).contains { from in !(from["source"]?[field]?.sequence ?? []).isEmpty }
        }
    }

    /// Whether `policy` applies to every workload `requestAuthentication` selects: the same namespace
    /// (or either leaves it out; or a policy without selector in istio-system, the default root namespace, which applies to the
    /// mesh), and a selector whose labels the RequestAuthentication's selector also requires, byte for byte.
    static func policy(_ policy: YAMLNode, covers requestAuthentication: YAMLNode) -> Bool {
        let policyNamespace = policy["metadata"]?["namespace"]?.scalar
        let namespace = requestAuthentication["metadata"]?["namespace"]?.scalar
        let policyLabels = labels(policy)
        let meshWide = policyNamespace.map { $0.isExactly("istio-system") } ?? false && policyLabels.isEmpty
        let sameNamespace: Bool
        switch (policyNamespace, namespace) {
        case let (.some(a), .some(b)): sameNamespace = a.isExactly(b)
        // A file that leaves the namespace out is applied into one chosen at `kubectl apply` time, the
        // same for every document in it.
        default: sameNamespace = true
        }
        guard meshWide || sameNamespace else { return false }
        let selected = labels(requestAuthentication)
        return policyLabels.allSatisfy { key, value in selected.contains { $0.key.isExactly(key) && $0.value.isExactly(value) } }
    }

    static func labels(_ root: YAMLNode) -> [(key: String, value: String)] {
        (root["spec"]?["selector"]?["matchLabels"]?.mapping ?? []).compactMap { pair in
            guard let key = pair.key.scalar, let value = pair.value.scalar else { return nil }
            return (key, value)
        }
    }
}

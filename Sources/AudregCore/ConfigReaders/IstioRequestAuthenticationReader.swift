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
        // Only Istio's: other meshes have an AuthorizationPolicy kind too (policy.linkerd.io), which
        // Istio never reads.
        let authorizationPolicies = documents.map(\.root).filter {
            $0["kind"]?.scalar?.isExactly("AuthorizationPolicy") == true && Self.isIstioVersion($0["apiVersion"]?.scalar)
        }
        for document in documents {
            let root = document.root
            guard root["kind"]?.scalar?.isExactly("RequestAuthentication") == true else { continue }
            if let version = root["apiVersion"], let value = version.scalar, !Self.isIstioVersion(value) {
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
            if !rules.isEmpty, let name, !Self.requiresPrincipal(authorizationPolicies, covering: root) {
                var requirement = DeployedRequirement(mode: .optional, label: "RequestAuthentication '\(name.value)'", location: kindLocation,
                                                      providers: [DeployedRequirement.ProviderUse(name: name, audiences: nil, audiencesLocation: nil)])
                requirement.explanation = "has no AuthorizationPolicy beside it that requires a request principal on every path (requestPrincipals in every source of every rule of its ALLOW policies, or notRequestPrincipals alone in a DENY rule without to or when), so Istio lets requests without a token through; if one in another file does, keep it in this file so drift sees it"
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

    /// Whether the AuthorizationPolicies that cover `requestAuthentication` refuse every request without
    /// a principal, as Istio evaluates them: a DENY rule with no `to` or `when` whose source is only
    /// `notRequestPrincipals` refuses them everywhere; otherwise ALLOW policies are ORed and a rule
    /// matches when any of its sources does, so every source of every rule of every covering ALLOW policy
    /// must list `requestPrincipals`. A policy with `targetRef(s)` applies to a gateway or service, not
    /// to the selected workloads, and is left out.
    static func requiresPrincipal(_ policies: [YAMLNode], covering requestAuthentication: YAMLNode) -> Bool {
        // A policy with `targetRef(s)` applies to a gateway or service, not to the selected workloads.
        let workloadPolicies = policies.filter { policy in
            guard let spec = policy["spec"] else { return false }
            return spec["targetRef"] == nil && spec["targetRefs"] == nil
        }
        let covering = workloadPolicies.filter { Self.policy($0, covers: requestAuthentication) }
        func action(_ policy: YAMLNode) -> String { policy["spec"]?["action"]?.scalar ?? "ALLOW" }
        func rules(_ policy: YAMLNode) -> [YAMLNode] { policy["spec"]?["rules"]?.sequence ?? [] }
        let deniesEverywhere = covering.filter { action($0).isExactly("DENY") }.contains { policy in
            rules(policy).contains { rule in
                rule["to"] == nil && rule["when"] == nil && (rule["from"]?.sequence ?? []).contains { from in
                    guard let source = from["source"], let pairs = source.mapping, pairs.count == 1 else { return false }
                    return !(source["notRequestPrincipals"]?.sequence ?? []).isEmpty
                }
            }
        }
        if deniesEverywhere { return true }
        func allowsOnlyPrincipals(_ policy: YAMLNode) -> Bool {
            rules(policy).allSatisfy { rule in
                let sources = rule["from"]?.sequence ?? []
                return !sources.isEmpty && sources.allSatisfy { !($0["source"]?["requestPrincipals"]?.sequence ?? []).isEmpty }
            }
        }
        let allows = covering.filter { action($0).isExactly("ALLOW") }
        guard !allows.isEmpty, allows.allSatisfy(allowsOnlyPrincipals) else { return false }
        // ALLOW policies are ORed: one that may apply (a namespace left to `kubectl apply`, a selector that
        // picks some of the same pods) and admits requests without a principal spoils the claim.
        return !workloadPolicies.contains { policy in
            action(policy).isExactly("ALLOW") && Self.policy(policy, mayApplyTo: requestAuthentication) && !allowsOnlyPrincipals(policy)
        }
    }

    /// Whether `policy` may apply to some workload `requestAuthentication` selects: the namespaces are not
    /// known to differ, and no label both selectors name has two values.
    static func policy(_ policy: YAMLNode, mayApplyTo requestAuthentication: YAMLNode) -> Bool {
        let policyLabels = labels(policy)
        if let policyNamespace = namespace(policy), let namespace = namespace(requestAuthentication), !policyNamespace.isExactly(namespace),
           !(policyNamespace.isExactly("istio-system") && policyLabels.isEmpty) {
            return false
        }
        let selected = labels(requestAuthentication)
        return !policyLabels.contains { key, value in selected.contains { $0.key.isExactly(key) && !$0.value.isExactly(value) } }
    }

    /// Whether `policy` applies to every workload `requestAuthentication` selects: the same namespace
    /// (both named alike, byte for byte, or both left out; or a policy without selector in istio-system, the default root
    /// namespace, which applies to the mesh), and a selector whose labels the RequestAuthentication's selector also requires, byte for byte.
    static func policy(_ policy: YAMLNode, covers requestAuthentication: YAMLNode) -> Bool {
        let policyNamespace = namespace(policy)
        let namespace = namespace(requestAuthentication)
        let policyLabels = labels(policy)
        let meshWide = policyNamespace.map { $0.isExactly("istio-system") } ?? false && policyLabels.isEmpty
        let sameNamespace: Bool
        switch (policyNamespace, namespace) {
        case let (.some(a), .some(b)): sameNamespace = a.isExactly(b)
        // A file that leaves the namespace out is applied into one chosen at `kubectl apply` time, the
        // same for every document in it.
        case (.none, .none): sameNamespace = true
        // One named and one left to `kubectl apply`: nothing in the file says they meet.
        default: sameNamespace = false
        }
        guard meshWide || sameNamespace else { return false }
        let selected = labels(requestAuthentication)
        return policyLabels.allSatisfy { key, value in selected.contains { $0.key.isExactly(key) && $0.value.isExactly(value) } }
    }

    static func isIstioVersion(_ value: String?) -> Bool {
        guard let value else { return false }
        return apiVersions.contains { $0.isExactly(value) }
    }

    /// `metadata.namespace`; nil when left out, null or empty, which Kubernetes all read as unset.
    static func namespace(_ root: YAMLNode) -> String? {
        guard let node = root["metadata"]?["namespace"], !node.isNull, let value = node.scalar, !value.isEmpty else { return nil }
        return value
    }

    static func labels(_ root: YAMLNode) -> [(key: String, value: String)] {
        (root["spec"]?["selector"]?["matchLabels"]?.mapping ?? []).compactMap { pair in
            guard let key = pair.key.scalar, let value = pair.value.scalar else { return nil }
            return (key, value)
        }
    }
}

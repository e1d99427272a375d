/// Kubernetes, on both sides of its tokens, from manifests or `kubectl get … -o yaml` dumps (`kind: List`):
///
/// - The API server's structured authentication config, `AuthenticationConfiguration`
///   (`apiserver.config.k8s.io/v1`, `v1beta1`, `v1alpha1`; KEP-3331): each `jwt[]` authenticator is a
///   provider named by its issuer URL (also `jwt[<index>]`), with `issuer.url`, `issuer.audiences` and
///   `issuer.audienceMatchPolicy`. The API server refuses an authenticator without audiences, and with
///   more than one it requires `audienceMatchPolicy: MatchAny`; both are read errors here.
/// - Projected service-account tokens: `serviceAccountToken` sources of `projected` volumes in the Pod
///   templates of Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs and Pods. Each is
///   the token a workload is issued to present to a service: a provider named by the workload (also by
///   its volume and `<workload>/<volume>`) whose audience is compared with the registry's. An omitted
///   audience "defaults to the identifier of the apiserver": such a token is for the API server, and
///   is `config-audience-unchecked` here since every service that accepts API-server tokens accepts it.
///   The token's issuer is the cluster's `--service-account-issuer`, which no manifest names: a note.
public struct KubernetesAuthenticationReader: DeploymentConfigReader {
    public static let kindName = "kubernetes"
    static let apiVersions: Set<String> = ["apiserver.config.k8s.io/v1", "apiserver.config.k8s.io/v1beta1", "apiserver.config.k8s.io/v1alpha1"]

    public let enforcer = EnforcerFacts(
        id: "kubernetes-authentication-configuration", name: "Kubernetes API server AuthenticationConfiguration (JWT authenticators)",
        audienceFields: ["jwt[].issuer.audiences", "jwt[].issuer.audienceMatchPolicy"],
        whenOmitted: .required, matching: .any,
        consequence: "the API server refuses the configuration",
        reference: "https://kubernetes.io/docs/reference/access-authn-authz/authentication/#using-authentication-configuration",
        notes: "audiences must hold at least one value; with several, audienceMatchPolicy must be MatchAny (any one matches)")

    static let projectedToken = EnforcerFacts(
        id: "kubernetes-projected-service-account-token", name: "Kubernetes projected service-account token",
        audienceFields: ["volumes[].projected.sources[].serviceAccountToken.audience"],
        whenOmitted: .fallsBack(to: "the API server's identifier (--api-audiences)"), matching: .none,
        consequence: "the token is minted for the API server's audience, so every service that accepts API-server tokens accepts it",
        reference: "https://kubernetes.io/docs/concepts/storage/projected-volumes/#serviceaccounttoken",
        notes: "this is the token a workload is issued, not a check: its audience should be the one the receiving service lists")

    public var otherEnforcers: [EnforcerFacts] { [Self.projectedToken] }

    public init() {}

    /// An AuthenticationConfiguration is this kind's even when the API server would refuse it (and
    /// reading it fails, to say why).
    public func detects(_ bytes: [UInt8], file: String) -> Bool {
        if let documents = try? ConfigYAML.documents(bytes, file: file),
           documents.contains(where: { $0.root["kind"]?.scalar == "AuthenticationConfiguration" }) {
            return true
        }
        return (try? read(bytes, file: file, settings: DeploymentReadSettings()))?.providers.isEmpty == false
    }

    public func read(_ bytes: [UInt8], file: String, settings: DeploymentReadSettings) throws(DeploymentReadError) -> DeployedConfig {
        var objects: [YAMLNode] = []
        for document in try ConfigYAML.documents(bytes, file: file) {
            if document.root["kind"]?.scalar == "List" { objects += document.root["items"]?.sequence ?? [] } else { objects.append(document.root) }
        }
        var providers: [DeployedProvider] = []
        for object in objects {
            switch object["kind"]?.scalar {
            case "AuthenticationConfiguration":
                providers += try authenticators(object, file: file)
            case let kind?:
                providers += projectedTokens(object, kind: kind, file: file)
            default: break
            }
        }
        return DeployedConfig(file: file, providers: providers,
                              providersLocation: providers.first?.location ?? SourceLocation(file: file, line: 1, column: 1),
                              providerNoun: "Kubernetes JWT authenticator or projected token")
    }

    func authenticators(_ object: YAMLNode, file: String) throws(DeploymentReadError) -> [DeployedProvider] {
        if let version = object["apiVersion"], let value = version.scalar, !Self.apiVersions.contains(value) {
            throw DeploymentReadError("AuthenticationConfiguration with apiVersion '\(value)'; expected apiserver.config.k8s.io/v1, v1beta1 or v1alpha1",
                                      at: SourceLocation(file: file, node: version))
        }
        var result: [DeployedProvider] = []
        for (index, item) in (object["jwt"]?.sequence ?? []).enumerated() {
            let issuerNode = item["issuer"]
            let url = ConfigYAML.string(issuerNode?["url"], file: file)
            let at = ConfigYAML.location(item, file: file)
            var provider = DeployedProvider(name: url ?? Located("jwt[\(index)]", at: at), location: at)
            provider.aliases = ["jwt[\(index)]"]
            provider.issuer = url
            // discoveryURL replaces where the API server fetches discovery, and so the keys, from; the
            // document there must only name `url` as its issuer, which any server can.
            if let discovery = ConfigYAML.string(issuerNode?["discoveryURL"], file: file), !discovery.value.isEmpty,
               !discovery.value.isExactly(URLParts.discoveryURL(issuer: url?.value ?? "")) {
                provider.unresolved.append(UnresolvedValue(setting: "keys", placeholder: "discoveryURL", location: discovery.location,
                                                           reason: "come from discoveryURL \(discovery.value), not from the issuer's own discovery document, and drift does not compare that source"))
            }
            let audiences = ConfigYAML.strings(issuerNode?["audiences"], file: file) ?? []
            let audiencesKey = issuerNode.flatMap { ConfigYAML.keyNode($0, "audiences") }.map { ConfigYAML.location($0, file: file) }
            guard !audiences.isEmpty else {
                throw DeploymentReadError("jwt[\(index)] has no issuer.audiences; the API server requires at least one and refuses this configuration",
                                          at: audiencesKey ?? issuerNode.map { ConfigYAML.location($0, file: file) } ?? at)
            }
            if audiences.count > 1 {
                let policy = ConfigYAML.string(issuerNode?["audienceMatchPolicy"], file: file)
                guard policy?.value == "MatchAny" else {
                    throw DeploymentReadError("jwt[\(index)] lists \(audiences.count) audiences without audienceMatchPolicy: MatchAny, which the API server requires",
                                              at: policy?.location ?? audiencesKey ?? at)
                }
            }
            provider.setAudiences(audiences)
            provider.audiencesLocation = audiencesKey ?? at
            result.append(provider)
        }
        return result
    }

    func projectedTokens(_ object: YAMLNode, kind: String, file: String) -> [DeployedProvider] {
        let podSpec: YAMLNode?
        switch kind {
        case "Pod": podSpec = object["spec"]
        case "CronJob": podSpec = object["spec"]?["jobTemplate"]?["spec"]?["template"]?["spec"]
        case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job": podSpec = object["spec"]?["template"]?["spec"]
        default: podSpec = nil
        }
        guard let podSpec, let workload = ConfigYAML.string(object["metadata"]?["name"], file: file) else { return [] }
        var result: [DeployedProvider] = []
        for volume in podSpec["volumes"]?.sequence ?? [] {
            let volumeName = volume["name"]?.scalar
            for source in volume["projected"]?["sources"]?.sequence ?? [] {
                guard let token = source["serviceAccountToken"], let key = ConfigYAML.keyNode(source, "serviceAccountToken") else { continue }
                let at = ConfigYAML.location(key, file: file)
                var provider = DeployedProvider(name: workload, location: at)
                provider.enforcer = Self.projectedToken.id
                provider.aliases = [volumeName, volumeName.map { "\(workload.value)/\($0)" }].compactMap { $0 }
                provider.unresolved.append(UnresolvedValue(setting: "issuer", placeholder: "--service-account-issuer", location: at,
                                                           reason: "is the cluster's --service-account-issuer, which no manifest names, so it was not compared"))
                if let audience = ConfigYAML.string(token["audience"], file: file), !audience.value.isEmpty {
                    provider.setAudiences([audience])
                    provider.audiencesLocation = audience.location
                } else {
                    provider.audienceCaveat = Located("its serviceAccountToken sets no audience, so the token gets the API server's (--api-audiences)", at: at)
                }
                result.append(provider)
            }
        }
        return result
    }
}

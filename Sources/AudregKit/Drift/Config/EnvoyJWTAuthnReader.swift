/// Envoy's `envoy.filters.http.jwt_authn` (v3 `JwtAuthentication`), from a static bootstrap in YAML or
/// JSON, a bare `JwtAuthentication` message, or an admin `/config_dump` JSON. Every JwtAuthentication
/// found anywhere in the tree is read; providers are named by their key under `providers`.
public struct EnvoyJWTAuthnReader: DeploymentConfigReader {
    public static let kind = DeploymentKind.envoy
    static let typeSuffix = "envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication"

    public init() {}

    public func read(_ bytes: [UInt8], file: String) throws(DeploymentReadError) -> DeployedConfig {
        let documents = try ConfigYAML.documents(bytes, file: file)
        var blocks: [YAMLNode] = []
        for document in documents { collect(document.root, into: &blocks, parentIsFilter: false) }
        // A file that is just the JwtAuthentication message.
        if blocks.isEmpty {
            blocks = documents.map(\.root).filter { $0["providers"]?.mapping != nil }
        }
        var providers: [DeployedProvider] = []
        var providersLocation = SourceLocation(file: file, line: 1, column: 1)
        for (index, block) in blocks.enumerated() {
            guard let providersNode = block["providers"] else { continue }
            if index == 0, let key = ConfigYAML.keyNode(block, "providers") { providersLocation = ConfigYAML.location(key, file: file) }
            for pair in providersNode.mapping ?? [] {
                providers.append(provider(pair, file: file))
            }
        }
        return DeployedConfig(file: file, providers: providers, providersLocation: providersLocation, providerNoun: "Envoy jwt_authn provider")
    }

    func collect(_ node: YAMLNode, into blocks: inout [YAMLNode], parentIsFilter: Bool) {
        switch node.content {
        case .scalar: return
        case .sequence(let items):
            for item in items { collect(item, into: &blocks, parentIsFilter: false) }
        case .mapping(let pairs):
            if let type = node["@type"]?.scalar, type.hasSuffix(Self.typeSuffix) {
                blocks.append(node)
                return
            }
            let isFilter = node["name"]?.scalar == "envoy.filters.http.jwt_authn"
            if isFilter, let typed = node["typed_config"], typed["@type"] == nil, typed["providers"] != nil {
                blocks.append(typed)
                return
            }
            for pair in pairs { collect(pair.value, into: &blocks, parentIsFilter: isFilter) }
        }
    }

    func provider(_ pair: YAMLPair, file: String) -> DeployedProvider {
        let body = pair.value
        var provider = DeployedProvider(name: ConfigYAML.string(pair.key, file: file), location: ConfigYAML.location(pair.key, file: file))
        provider.issuer = ConfigYAML.string(body["issuer"], file: file)
        provider.jwksUri = ConfigYAML.string(body["remote_jwks"]?["http_uri"]?["uri"], file: file)
        if let audiences = body["audiences"] {
            provider.setAudiences(ConfigYAML.strings(audiences, file: file) ?? [])
            provider.audiencesLocation = ConfigYAML.location(ConfigYAML.keyNode(body, "audiences") ?? audiences, file: file)
        }
        provider.forwardsToken = ConfigYAML.bool(body["forward"], file: file)
        return provider
    }
}

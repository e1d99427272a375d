/// Envoy's `envoy.filters.http.jwt_authn` (v3 `JwtAuthentication`), from a static bootstrap in YAML or
/// JSON, a bare `JwtAuthentication` message, or an admin `/config_dump` JSON. Every JwtAuthentication
/// found anywhere in the tree is read; providers are named by their key under `providers`. Every field
/// is read under its proto name or its lowerCamelCase JSON name (`ProtoFields`), as Envoy accepts both
/// and generated configs (Envoy Gateway, ESPv2, config dumps) use the JSON names.
///
/// `rules[].requires` (or `requirement_name`) and `requirement_map` are read into requirements:
/// `provider_name`, `provider_and_audiences` (whose audiences replace the provider's for that rule),
/// `requires_any`, `requires_all`, `allow_missing`, `allow_missing_or_failed` and
/// `extract_only_without_validation`. A rule with neither `requires` nor `requirement_name` disables
/// verification for its match. Route configurations in the same file are read for per-route
/// `typed_per_filter_config` (`PerRouteConfig`): `disabled: true` on a route or virtual host, and
/// `requirement_name`, which selects a `requirement_map` entry for the route.
///
/// A filter protects only the HTTP connection manager it is in: each listener (filter chain) of the
/// file whose connection manager has no jwt_authn is a path with no token check, and one whose
/// connection manager, or whose listeners, Envoy fetches over xDS is not compared.
/// A jwt_authn filter that is off by default (HttpFilter `disabled: true`) protects only the routes
/// whose `typed_per_filter_config` turns it on; when the routes are not in the file, it is not compared.
public struct EnvoyJWTAuthnReader: DeploymentConfigReader {
    public static let kindName = "envoy-jwt-authn"

    public let enforcer = EnforcerFacts(
        id: "envoy-jwt-authn", name: "Envoy jwt_authn HTTP filter",
        audienceFields: ["providers.<name>.audiences", "requirement_map / rules provider_and_audiences.audiences (replace the provider's for that requirement)"],
        whenOmitted: .unchecked, matching: .any,
        reference: "https://www.envoyproxy.io/docs/envoy/latest/api-v3/extensions/filters/http/jwt_authn/v3/config.proto",
        verified: "JwtProvider.audiences: \"If not specified, will not check audiences in the token\"",
        notes: "exact byte comparison; allow_missing, allow_missing_or_failed and extract_only_without_validation weaken or skip verification")
    static let typeSuffix = "envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication"
    static let filterNames: Set<String> = ["envoy.filters.http.jwt_authn", "envoy.filters.http.jwtAuthn"]

    public init() {}

    public func read(_ bytes: [UInt8], file: String, settings: DeploymentReadSettings) throws(DeploymentReadError) -> DeployedConfig {
        let documents = try ConfigYAML.documents(bytes, file: file)
        try ProtoFields.refuseDoubleSpellings(documents, file: file)
        var blocks: [YAMLNode] = []
        var discovered: [YAMLNode] = []
        for document in documents { collect(document.root, into: &blocks, discovered: &discovered) }
        // A file that is just the JwtAuthentication message.
        if blocks.isEmpty {
            blocks = documents.map(\.root).filter { ProtoFields.value($0, "providers")?.mapping != nil }
        }
        var providers: [DeployedProvider] = []
        var requirements: [DeployedRequirement] = []
        var providersLocation = SourceLocation(file: file, line: 1, column: 1)
        // Blocks with a requirement_map but no rules: only a route selecting an entry requires a token.
        var mapOnly: [SourceLocation] = []
        // The routes, when the file holds all of them: a path no route takes gets the router's 404, so a
        // rule set that takes in every route leaves nothing open. Routes fetched over RDS may be any.
        var fileRoutes: [YAMLNode?]?
        // Listeners whose connection manager has no jwt_authn: their routes are reported with the
        // listener, and no filter's rules or per-route config applies to them.
        let listeners = listenerRequirements(documents, file: file)
        if !documents.contains(where: { Self.hasKey($0.root, "rds") }) {
            var configs: [YAMLNode] = []
            for document in documents { collectRouteConfigs(document.root, into: &configs) }
            configs.removeAll { listeners.unguardedRouteConfigs.contains($0.index) }
            let matches = configs.flatMap { config in
                (ProtoFields.value(config, "virtual_hosts")?.sequence ?? []).flatMap { host in
                    (ProtoFields.value(host, "routes")?.sequence ?? []).map { ProtoFields.value($0, "match") }
                }
            }
            if !matches.isEmpty { fileRoutes = matches }
        }
        for (index, block) in blocks.enumerated() {
            guard let providersNode = ProtoFields.value(block, "providers") else { continue }
            if index == 0, let key = ProtoFields.key(block, "providers") { providersLocation = ConfigYAML.location(key, file: file) }
            var blockProviders: [DeployedProvider] = []
            for pair in providersNode.mapping ?? [] {
                blockProviders.append(provider(pair, file: file))
            }
            providers += blockProviders
            requirements += self.requirements(block, file: file)
            let rules = ProtoFields.value(block, "rules")?.sequence ?? []
            let hasMap = !(ProtoFields.value(block, "requirement_map")?.mapping ?? []).isEmpty
            let providersAt = ConfigYAML.location(ProtoFields.key(block, "providers") ?? providersNode, file: file)
            guard !blockProviders.isEmpty else { continue }
            if rules.isEmpty, !hasMap {
                // With neither `rules` nor `requirement_map`, no route requires a token (and no per-route
                // `requirement_name` can name one): the providers are defined, but Envoy verifies nothing.
                requirements.append(DeployedRequirement(
                    mode: .failureAccepted, label: "the filter (it has no rules and no requirement_map, so no request requires a token)",
                    location: providersAt,
                    providers: blockProviders.compactMap { provider in provider.name.map { DeployedRequirement.ProviderUse(name: $0, audiences: nil, audiencesLocation: nil) } }))
            } else if rules.isEmpty {
                mapOnly.append(providersAt)
            } else if !rules.contains(where: { Self.matchesEveryRequest(ProtoFields.value($0, "match")) }),
                      !(fileRoutes.map { routes in routes.allSatisfy { route in rules.contains { Self.rule(ProtoFields.value($0, "match"), takesIn: route) } } } ?? false) {
                // Envoy's filter lets a request that matches no rule through unverified ("If no rule
                // matches, the request is not required to have a JWT"), so the paths no rule takes in are open.
                var unmatched = DeployedRequirement(mode: .disabled, label: "requests that no rule matches",
                                                    location: ConfigYAML.location(ProtoFields.key(block, "rules") ?? block, file: file), providers: [])
                // Every path is open when the only thing that narrows a catch-all rule is a header or
                // query condition: the client decides whether it is sent.
                let clientChosen = rules.contains { Self.coversEveryPath(ProtoFields.value($0, "match")) && ProtoFields.value($0, "match") != nil }
                unmatched.explanation = "pass without a token: no rule's match takes in every request\(clientChosen ? " (a rule for every path also has conditions the client chooses, such as headers)" : ""), and Envoy verifies no token for a request that matches none"
                unmatched.coversEveryPath = clientChosen
                requirements.append(unmatched)
            }
        }
        // A jwt_authn filter whose config Envoy fetches over xDS (ECDS): its providers are not in the
        // file, so whatever it checks was not compared.
        for filter in discovered {
            let at = ConfigYAML.location(ProtoFields.key(filter, "config_discovery") ?? filter, file: file)
            let name = ConfigYAML.string(filter["name"], file: file) ?? Located("jwt_authn (config_discovery)", at: at)
            var placeholder = DeployedProvider(name: name, location: at)
            placeholder.unresolved.append(UnresolvedValue(setting: "audiences", placeholder: "config_discovery", location: at,
                                                          reason: "come from the filter config Envoy fetches over xDS (config_discovery), which drift does not read, so they were not compared"))
            providers.append(placeholder)
        }
        if !blocks.isEmpty {
            var routeConfigs: [YAMLNode] = []
            for document in documents { collectRouteConfigs(document.root, into: &routeConfigs) }
            routeConfigs.removeAll { listeners.unguardedRouteConfigs.contains($0.index) }
            var names = Set(Self.filterNames.map { ExactString($0) })
            for document in documents { collectFilterNames(document.root, into: &names) }
            let noRules = !blocks.contains { !(ProtoFields.value($0, "rules")?.sequence ?? []).isEmpty }
            let routed = perRoute(routeConfigs, requirements: requirements, filterNames: names, unselectedRoutesPass: noRules && !mapOnly.isEmpty, file: file)
            requirements = routed.requirements
            if !mapOnly.isEmpty, !routed.selectsEntry {
                var unselected = DeployedRequirement(mode: .disabled, label: "the filter (it has a requirement_map but no rules, and no route in this file selects an entry by requirement_name)",
                                                     location: mapOnly[0], providers: [])
                unselected.explanation = "requires a token for no request it is given: a requirement_map entry applies only to routes that select it, and Envoy verifies no token for a request that matches no rule"
                // Generated listeners (Envoy Gateway, ESPv2) serve their routes over RDS, from another file.
                unselected.inferredFromAbsence = true
                requirements.append(unselected)
            }
        }
        var offElsewhere: [SourceLocation] = []
        for document in documents { collectOffByDefault(document.root, skipping: listeners.filterEntries, file: file, into: &offElsewhere) }
        for at in offElsewhere {
            var unknown = DeployedRequirement(mode: .unknown, label: "the jwt_authn filter", location: at, providers: [])
            unknown.explanation = "is disabled by default (disabled: true) and runs only on routes that enable it, which are not in this file, so whether they require a token was not compared"
            requirements.append(unknown)
        }
        var config = DeployedConfig(file: file, providers: providers, providersLocation: providersLocation, providerNoun: "Envoy jwt_authn provider")
        config.requirements = requirements + listeners.requirements
        return config
    }

    static let typedStructSuffixes = ["xds.type.v3.TypedStruct", "udpa.type.v1.TypedStruct"]

    func collect(_ node: YAMLNode, into blocks: inout [YAMLNode], discovered: inout [YAMLNode]) {
        switch node.content {
        case .scalar: return
        case .sequence(let items):
            for item in items { collect(item, into: &blocks, discovered: &discovered) }
        case .mapping(let pairs):
            if let type = node["@type"]?.scalar, type.hasByteSuffix(Self.typeSuffix) {
                blocks.append(node)
                return
            }
            // A TypedStruct wrapping the message: Envoy unpacks `value` as the `type_url`'s type.
            if let type = node["@type"]?.scalar, Self.typedStructSuffixes.contains(where: { type.hasByteSuffix($0) }),
               ProtoFields.value(node, "type_url")?.scalar?.hasByteSuffix(Self.typeSuffix) == true, let value = node["value"] {
                blocks.append(value)
                return
            }
            if let discovery = ProtoFields.value(node, "config_discovery"),
               (ProtoFields.value(discovery, "type_urls")?.sequence ?? []).contains(where: { $0.scalar?.hasByteSuffix(Self.typeSuffix) == true }) {
                discovered.append(node)
                return
            }
            // A filter entry named jwt_authn whose typed config omits `@type` (hand-written configs and
            // some generators' YAML): the name says what it is.
            if let name = node["name"]?.scalar, Self.filterNames.contains(name),
               let typed = ProtoFields.value(node, "typed_config"), typed["@type"] == nil, ProtoFields.has(typed, "providers") {
                blocks.append(typed)
                return
            }
            for pair in pairs { collect(pair.value, into: &blocks, discovered: &discovered) }
        }
    }

    /// The names the file gives its jwt_authn filters (`http_filters: [{name: jwt, typed_config: …}]`):
    /// `typed_per_filter_config` is keyed by the filter's name, whatever it is.
    func collectFilterNames(_ node: YAMLNode, into names: inout Set<ExactString>) {
        if let items = node.sequence {
            for item in items { collectFilterNames(item, into: &names) }
            return
        }
        guard let pairs = node.mapping else { return }
        if let name = node["name"]?.scalar, let typed = ProtoFields.value(node, "typed_config"),
           typed["@type"]?.scalar?.hasByteSuffix(Self.typeSuffix) == true {
            names.insert(ExactString(name))
        }
        for pair in pairs { collectFilterNames(pair.value, into: &names) }
    }

    func provider(_ pair: YAMLPair, file: String) -> DeployedProvider {
        let body = pair.value
        var provider = DeployedProvider(name: ConfigYAML.string(pair.key, file: file), location: ConfigYAML.location(pair.key, file: file))
        provider.issuer = ConfigYAML.string(ProtoFields.value(body, "issuer"), file: file)
        provider.jwksUri = ConfigYAML.string(ProtoFields.value(body, ["remote_jwks", "http_uri", "uri"]), file: file)
        // `local_jwks` (a DataSource: inline_string, inline_bytes, filename or environment_variable) is the
        // other arm of Envoy's jwks_source_specifier: Envoy verifies with those keys and fetches nothing,
        // so who can sign was not compared with the issuer's key set.
        if let local = ProtoFields.value(body, "local_jwks"), !local.isNull {
            let source = ["inline_string", "inline_bytes", "filename", "environment_variable"].first { ProtoFields.has(local, $0) }
            provider.jwksUri = nil
            provider.unresolved.append(UnresolvedValue(
                setting: "keys", placeholder: "local_jwks", location: ConfigYAML.location(ProtoFields.key(body, "local_jwks") ?? local, file: file),
                reason: "are the provider's local_jwks\(source.map { " (\($0))" } ?? ""), which Envoy uses instead of fetching a key set; drift does not compare local keys with the issuer's key set"))
        }
        if let audiences = ProtoFields.value(body, "audiences") {
            provider.setAudiences(ConfigYAML.strings(audiences, file: file) ?? [])
            provider.audiencesLocation = ConfigYAML.location(ProtoFields.key(body, "audiences") ?? audiences, file: file)
        }
        provider.forwardsToken = ConfigYAML.bool(ProtoFields.value(body, "forward"), file: file)
        return provider
    }

    // MARK: per-route config

    static let perRouteTypeSuffix = "envoy.extensions.filters.http.jwt_authn.v3.PerRouteConfig"
    static let filterConfigTypeSuffix = "envoy.config.route.v3.FilterConfig"

    /// Every RouteConfiguration (a mapping with `virtual_hosts`): in an HTTP connection manager's
    /// `route_config`, a bootstrap's or config dump's route configs.
    func collectRouteConfigs(_ node: YAMLNode, into configs: inout [YAMLNode]) {
        switch node.content {
        case .scalar: return
        case .sequence(let items):
            for item in items { collectRouteConfigs(item, into: &configs) }
        case .mapping(let pairs):
            if ProtoFields.value(node, "virtual_hosts")?.sequence != nil {
                configs.append(node)
                return
            }
            for pair in pairs { collectRouteConfigs(pair.value, into: &configs) }
        }
    }

    /// What a `typed_per_filter_config` says about jwt_authn.
    enum PerRoute {
        case disabled(SourceLocation)
        case requirement(Located<String>)
    }

    /// The jwt_authn entry of a `typed_per_filter_config`, found by its key (the filter's name) or by
    /// the PerRouteConfig type, and unwrapped from a route `FilterConfig` (whose own `disabled: true`
    /// also turns the filter off). nil when there is none or its form is unknown.
    func perRouteConfig(_ holder: YAMLNode, filterNames: Set<ExactString>, file: String) -> PerRoute? {
        for pair in ProtoFields.value(holder, "typed_per_filter_config")?.mapping ?? [] {
            var value = pair.value
            if let type = value["@type"]?.scalar, type.hasSuffix(Self.filterConfigTypeSuffix) {
                if let disabled = ConfigYAML.bool(ProtoFields.value(value, "disabled"), file: file), disabled.value {
                    guard filterNames.contains(ExactString(pair.key.scalar ?? ""))
                        || ProtoFields.value(value, "config")?["@type"]?.scalar?.hasSuffix(Self.perRouteTypeSuffix) == true else { continue }
                    return .disabled(disabled.location)
                }
                guard let inner = ProtoFields.value(value, "config") else { continue }
                value = inner
            }
            let typed = value["@type"]?.scalar
            guard typed?.hasByteSuffix(Self.perRouteTypeSuffix) == true || (typed == nil && filterNames.contains(ExactString(pair.key.scalar ?? ""))) else { continue }
            if let disabled = ConfigYAML.bool(ProtoFields.value(value, "disabled"), file: file), disabled.value {
                return .disabled(disabled.location)
            }
            if let name = ConfigYAML.string(ProtoFields.value(value, "requirement_name"), file: file) {
                return .requirement(name)
            }
        }
        return nil
    }

    /// Routes whose per-route config disables jwt_authn become requirements of their own (Envoy then
    /// skips the filter's `rules` for them); a route's `requirement_name` selects a `requirement_map`
    /// entry, whose audiences are already compared, and the entry's label names the routes using it.
    /// A route's own config wins over its virtual host's, which wins over the route configuration's.
    /// With `unselectedRoutesPass` (the filters have no rules), a route that selects no entry and does not
    /// disable the filter is matched by nothing, so Envoy verifies no token for it either.
    func perRoute(_ routeConfigs: [YAMLNode], requirements: [DeployedRequirement], filterNames: Set<ExactString>,
                  unselectedRoutesPass: Bool = false, file: String) -> (requirements: [DeployedRequirement], selectsEntry: Bool) {
        var result = requirements
        var users: [String: [String]] = [:]
        var unselectedRoutes: [DeployedRequirement] = []
        for routeConfig in routeConfigs {
            let configLevel = perRouteConfig(routeConfig, filterNames: filterNames, file: file)
            for (hostIndex, host) in (ProtoFields.value(routeConfig, "virtual_hosts")?.sequence ?? []).enumerated() {
                let hostName = ProtoFields.value(host, "name")?.scalar.map { "virtual host '\($0)'" } ?? "virtual host \(hostIndex + 1)"
                let hostLevel = perRouteConfig(host, filterNames: filterNames, file: file) ?? configLevel
                let routes = ProtoFields.value(host, "routes")?.sequence ?? []
                for (routeIndex, route) in routes.enumerated() {
                    let own = perRouteConfig(route, filterNames: filterNames, file: file)
                    let match = ProtoFields.value(route, "match")
                    let label = "route \(routeIndex + 1)\(Self.describe(match: match)) of \(hostName)"
                    guard let effective = own ?? hostLevel else {
                        if unselectedRoutesPass {
                            var unselected = DeployedRequirement(mode: .disabled, label: label, location: ConfigYAML.location(route, file: file), providers: [])
                            unselected.explanation = "selects no requirement_map entry (typed_per_filter_config requirement_name) and the filter has no rules, so Envoy verifies no token for it"
                            unselected.coversEveryPath = Self.coversEveryPath(match)
                            unselectedRoutes.append(unselected)
                        }
                        continue
                    }
                    switch effective {
                    case .disabled:
                        var skipped = DeployedRequirement(mode: .disabled, label: label, location: ConfigYAML.location(route, file: file), providers: [])
                        skipped.explanation = "disables jwt_authn (typed_per_filter_config, PerRouteConfig disabled: true\(own == nil ? ", set on the virtual host" : "")), so Envoy verifies no token for it"
                        skipped.coversEveryPath = Self.coversEveryPath(match)
                        result.append(skipped)
                    case .requirement(let name):
                        users[name.value, default: []].append(label)
                    }
                }
                if routes.isEmpty, case .disabled = hostLevel {
                    var skipped = DeployedRequirement(mode: .disabled, label: hostName, location: ConfigYAML.location(host, file: file), providers: [])
                    skipped.explanation = "disables jwt_authn (typed_per_filter_config, PerRouteConfig disabled: true), so Envoy verifies no token for it"
                    result.append(skipped)
                }
            }
        }
        for index in result.indices {
            if let name = result[index].mapName, let labels = users[name] {
                result[index].label += " (selected by \(labels.joined(separator: ", ")))"
            }
        }
        // Only when some route selects an entry: otherwise the filter as a whole is reported.
        if !users.isEmpty { result += unselectedRoutes }
        return (result, !users.isEmpty)
    }

    // MARK: listeners

    static let connectionManagerTypeSuffix = "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager"
    static let connectionManagerNames = ["envoy.filters.network.http_connection_manager", "envoy.http_connection_manager"]
    static let tcpProxyTypeSuffix = "envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy"
    static let tcpProxyNames = ["envoy.filters.network.tcp_proxy", "envoy.tcp_proxy"]

    /// A listener of the file, and the config dump state it was listed under (`warming_state`), if any.
    struct Listener {
        var node: YAMLNode
        var state: String?
    }

    /// Every Listener (a mapping with `filter_chains` or `default_filter_chain`): a bootstrap's
    /// `static_resources.listeners`, a config dump's `static_listeners[].listener` and
    /// `dynamic_listeners[].active_state.listener` (and its warming and draining states). A dump's
    /// `error_state` holds a listener Envoy refused, which serves nothing.
    func collectListeners(_ node: YAMLNode, state: String? = nil, into listeners: inout [Listener]) {
        switch node.content {
        case .scalar: return
        case .sequence(let items):
            for item in items { collectListeners(item, state: state, into: &listeners) }
        case .mapping(let pairs):
            if ProtoFields.value(node, "filter_chains")?.sequence != nil || ProtoFields.value(node, "default_filter_chain")?.mapping != nil {
                listeners.append(Listener(node: node, state: state))
                return
            }
            for pair in pairs {
                let key = pair.key.scalar ?? ""
                func named(_ field: String) -> Bool { key.isExactly(field) || key.isExactly(ProtoFields.jsonName(field)) }
                if named("error_state") { continue }
                let inner = ["warming_state", "draining_state"].first(where: named) ?? state
                collectListeners(pair.value, state: inner, into: &listeners)
            }
        }
    }

    /// A filter's message and its type: `typed_config` as written, or the `value` of a TypedStruct
    /// with the TypedStruct's `type_url`.
    static func typedMessage(_ filter: YAMLNode) -> (type: String?, message: YAMLNode?) {
        guard let typed = ProtoFields.value(filter, "typed_config") else { return (nil, nil) }
        let type = typed["@type"]?.scalar
        if let type, typedStructSuffixes.contains(where: { type.hasByteSuffix($0) }) {
            return (ProtoFields.value(typed, "type_url")?.scalar, typed["value"])
        }
        return (type, typed)
    }

    /// One network filter of a filter chain, as far as tokens go.
    enum NetworkFilter {
        /// An HTTP connection manager written in the file.
        case connectionManager(YAMLNode)
        /// An HTTP connection manager Envoy fetches over xDS (`config_discovery`).
        case discoveredConnectionManager
        /// A TCP proxy and the clusters it forwards to (nil when they are not plain names).
        case tcpProxy(Set<ExactString>?)
        case other
    }

    func classify(_ filter: YAMLNode) -> NetworkFilter {
        let name = filter["name"]?.scalar ?? ""
        if let discovery = ProtoFields.value(filter, "config_discovery") {
            let types = (ProtoFields.value(discovery, "type_urls")?.sequence ?? []).compactMap(\.scalar)
            let isManager = types.contains { $0.hasByteSuffix(Self.connectionManagerTypeSuffix) }
                || Self.connectionManagerNames.contains { $0.isExactly(name) }
            return isManager ? .discoveredConnectionManager : .other
        }
        let (type, message) = Self.typedMessage(filter)
        guard let message else { return .other }
        // By type, or by the filter's name when the typed config does not say its type.
        func isType(_ suffix: String, _ names: [String]) -> Bool {
            type.map { $0.hasByteSuffix(suffix) } ?? names.contains { $0.isExactly(name) }
        }
        if isType(Self.connectionManagerTypeSuffix, Self.connectionManagerNames) { return .connectionManager(message) }
        if isType(Self.tcpProxyTypeSuffix, Self.tcpProxyNames) {
            if let cluster = ProtoFields.value(message, "cluster")?.scalar { return .tcpProxy([ExactString(cluster)]) }
            return .tcpProxy(Self.clusterNames(ProtoFields.value(message, "weighted_clusters")))
        }
        return .other
    }

    /// A route that answers the request itself (`direct_response`, `redirect`, `non_forwarding_action`)
    /// and reaches no upstream.
    static func answersItself(_ route: YAMLNode) -> Bool {
        ["direct_response", "redirect", "non_forwarding_action"].contains { ProtoFields.has(route, $0) }
    }

    /// The cluster names of a `weighted_clusters`; nil when it has none or one is not a plain name.
    static func clusterNames(_ weighted: YAMLNode?) -> Set<ExactString>? {
        guard let clusters = ProtoFields.value(weighted, "clusters")?.sequence, !clusters.isEmpty else { return nil }
        var names = Set<ExactString>()
        for cluster in clusters {
            guard let name = ProtoFields.value(cluster, "name")?.scalar else { return nil }
            names.insert(ExactString(name))
        }
        return names
    }

    /// What an HTTP connection manager of the file does with tokens, and where its requests go.
    struct ConnectionManager {
        /// Its `http_filters` hold a jwt_authn filter with providers, or one Envoy fetches over xDS.
        var verifies: Bool
        /// Its only jwt_authn filters define no providers, so they verify nothing.
        var emptyFilter: Bool
        /// When every verifying jwt_authn filter of it is off by default (HttpFilter `disabled: true`):
        /// their names, which a route's `typed_per_filter_config` enables them by, and where the first
        /// says so. Empty when one runs on every route.
        var offByDefault: [(name: String, location: SourceLocation)] = []
        /// The index of each verifying jwt_authn entry of its `http_filters`.
        var filterEntries: Set<Int> = []
        /// Its inline `route_config`, if any.
        var routeConfig: YAMLNode?
        /// The matches of the routes that forward a request upstream (not `direct_response`, `redirect`
        /// or `non_forwarding_action`); nil when the routes are not in the file.
        var forwarding: [YAMLNode?]?
        /// The clusters those routes reach; nil when one is not a plain name (`cluster_header`, a
        /// cluster specifier plugin) or the routes are not in the file.
        var clusters: Set<ExactString>?
    }

    func connectionManager(_ message: YAMLNode, file: String) -> ConnectionManager {
        var blocks: [YAMLNode] = []
        var discovered: [YAMLNode] = []
        if let filters = ProtoFields.value(message, "http_filters") { collect(filters, into: &blocks, discovered: &discovered) }
        let withProviders = blocks.contains { !(ProtoFields.value($0, "providers")?.mapping ?? []).isEmpty }
        var manager = ConnectionManager(verifies: withProviders || !discovered.isEmpty, emptyFilter: !blocks.isEmpty && !withProviders && discovered.isEmpty)
        var runsOnEveryRoute = false
        for entry in ProtoFields.value(message, "http_filters")?.sequence ?? [] {
            guard let off = offByDefault(entry, file: file) else { continue }
            manager.filterEntries.insert(entry.index)
            if let off { manager.offByDefault.append(off) } else { runsOnEveryRoute = true }
        }
        if runsOnEveryRoute { manager.offByDefault = [] }
        let inline = ProtoFields.value(message, "route_config")
        manager.routeConfig = inline
        guard let inline, !ProtoFields.has(message, "rds"), !ProtoFields.has(message, "scoped_routes") else { return manager }
        var matches: [YAMLNode?] = []
        var clusters: Set<ExactString>? = []
        for host in ProtoFields.value(inline, "virtual_hosts")?.sequence ?? [] {
            for route in ProtoFields.value(host, "routes")?.sequence ?? [] {
                guard !Self.answersItself(route) else { continue }
                matches.append(ProtoFields.value(route, "match"))
                let action = ProtoFields.value(route, "route")
                if let cluster = ProtoFields.value(action, "cluster")?.scalar {
                    clusters?.insert(ExactString(cluster))
                } else if let names = Self.clusterNames(ProtoFields.value(action, "weighted_clusters")) {
                    clusters?.formUnion(names)
                } else {
                    clusters = nil
                }
            }
        }
        manager.forwarding = matches
        manager.clusters = clusters
        return manager
    }

    /// Requirements for the file's listeners that bypass jwt_authn: a filter chain whose HTTP connection
    /// manager has no jwt_authn filter (with providers) serves its routes with no token check, however
    /// well the other listeners' filters are set; one whose connection manager Envoy fetches over xDS,
    /// and listeners fetched over LDS, are not compared. A TCP proxy is no HTTP path for tokens, but one
    /// to a cluster a verifying listener routes to reaches that upstream without any. Also gives the
    /// route configurations of the connection managers without jwt_authn, which no filter's rules or
    /// per-route config govern.
    func listenerRequirements(_ documents: [YAMLDocument], file: String) -> (requirements: [DeployedRequirement], unguardedRouteConfigs: Set<Int>, filterEntries: Set<Int>) {
        var listeners: [Listener] = []
        for document in documents { collectListeners(document.root, into: &listeners) }
        var requirements: [DeployedRequirement] = []
        var unguarded = Set<Int>()
        var filterEntries = Set<Int>()
        // Each filter chain's terminal filter with its label and location, read once.
        var chains: [(label: String, location: SourceLocation, filter: NetworkFilter, manager: ConnectionManager?)] = []
        for listener in listeners {
            let nameKey = ProtoFields.key(listener.node, "name")
            let name = ProtoFields.value(listener.node, "name")?.scalar
            let listenerLocation = ConfigYAML.location(nameKey ?? listener.node, file: file)
            let listenerLabel = (name.map { "listener '\($0)'" } ?? "the listener at line \(listenerLocation.line)")
                + (listener.state.map { " (\($0) of the config dump)" } ?? "")
            var filterChains: [(label: String?, chain: YAMLNode)] = []
            let listed = ProtoFields.value(listener.node, "filter_chains")?.sequence ?? []
            for (index, chain) in listed.enumerated() {
                let chainName = ProtoFields.value(chain, "name")?.scalar
                filterChains.append((chainName.map { "filter chain '\($0)'" } ?? "filter chain \(index + 1)", chain))
            }
            if let fallback = ProtoFields.value(listener.node, "default_filter_chain"), fallback.mapping != nil {
                filterChains.append(("the default filter chain", fallback))
            }
            for (label, chain) in filterChains {
                for filter in ProtoFields.value(chain, "filters")?.sequence ?? [] {
                    let kind = classify(filter)
                    if case .other = kind { continue }
                    // One chain of several is named, and found at its own filter entry.
                    let single = filterChains.count == 1
                    let at = single ? listenerLocation : ConfigYAML.location(filter, file: file)
                    let chainLabel = single ? listenerLabel : "\(label ?? "a filter chain") of \(listenerLabel)"
                    var manager: ConnectionManager?
                    if case .connectionManager(let message) = kind { manager = connectionManager(message, file: file) }
                    chains.append((chainLabel, at, kind, manager))
                }
            }
        }
        // The clusters that verifying connection managers route to; nil when one of them routes where
        // the file does not say.
        var guarded: Set<ExactString>? = []
        for chain in chains {
            guard let manager = chain.manager, manager.verifies else { continue }
            if let clusters = manager.clusters { guarded?.formUnion(clusters) } else { guarded = nil }
        }
        func named(_ clusters: Set<ExactString>) -> String {
            (clusters.count == 1 ? "cluster " : "clusters ") + clusters.sorted().map { "'\($0.text)'" }.joined(separator: ", ")
        }
        for chain in chains {
            switch chain.filter {
            case .other:
                continue
            case .discoveredConnectionManager:
                var unknown = DeployedRequirement(mode: .unknown, label: chain.label, location: chain.location, providers: [])
                unknown.explanation = "gets its HTTP connection manager over xDS (config_discovery), which drift does not read, so whether it requires a token was not compared"
                requirements.append(unknown)
            case .tcpProxy(let clusters):
                // Raw TCP to an upstream that only verified HTTP requests should reach.
                guard let clusters, let guarded, !clusters.isDisjoint(with: guarded) else { continue }
                var open = DeployedRequirement(mode: .disabled, label: chain.label, location: chain.location, providers: [])
                open.explanation = "forwards connections with tcp_proxy to \(named(clusters.intersection(guarded))), which a listener with jwt_authn routes to, so a client reaches it without a token"
                requirements.append(open)
            case .connectionManager:
                guard let manager = chain.manager else { continue }
                filterEntries.formUnion(manager.filterEntries)
                if manager.verifies {
                    requirements += offByDefaultRequirements(manager, label: chain.label, file: file)
                    continue
                }
                if let routeConfig = manager.routeConfig { unguarded.insert(routeConfig.index) }
                // Routes that only answer themselves (direct_response, redirect) reach no upstream.
                if let forwarding = manager.forwarding, forwarding.isEmpty { continue }
                var open = DeployedRequirement(mode: .disabled, label: chain.label, location: chain.location, providers: [])
                var why = manager.emptyFilter
                    ? "has an HTTP connection manager whose jwt_authn filter defines no providers, so Envoy verifies no token for the requests it takes in"
                    : "has an HTTP connection manager without a jwt_authn filter, so Envoy verifies no token for the requests it takes in"
                // Every path, unless each route that forwards is narrower (a metrics or health path).
                open.coversEveryPath = manager.forwarding.map { $0.contains { Self.coversEveryPath($0) } } ?? true
                if let clusters = manager.clusters, let guarded {
                    let shared = clusters.intersection(guarded)
                    if !shared.isEmpty {
                        why += ", among them requests to \(named(shared)), which a listener with jwt_authn routes to"
                    } else if !guarded.isEmpty {
                        // Every upstream of both sides is known and none is shared: this listener may
                        // well serve another service, so it is worth a look, not a failure.
                        why += "; its routes reach only \(named(clusters)), which no listener with jwt_authn routes to, so it may serve another upstream"
                        open.coversEveryPath = false
                    }
                }
                open.explanation = why
                requirements.append(open)
            }
        }
        // Listeners fetched over LDS are not in a bootstrap; a config dump lists the ones Envoy serves
        // (unless it was cut down to other resources), beside the bootstrap it was started with.
        let dumpsListeners = documents.contains { Self.hasKey($0.root, "dynamic_listeners") || Self.hasKey($0.root, "dynamicListeners")
            || Self.hasKey($0.root, "static_listeners") || Self.hasKey($0.root, "staticListeners") }
        if !dumpsListeners {
            let bootstraps = documents.flatMap { document in
                [document.root] + (ProtoFields.value(document.root, "configs")?.sequence ?? []).compactMap { ProtoFields.value($0, "bootstrap") }
            }
            for bootstrap in bootstraps {
                let dynamic = ProtoFields.value(bootstrap, "dynamic_resources")
                guard let key = ProtoFields.key(dynamic, "lds_config") ?? ProtoFields.key(dynamic, "lds_resources_locator") else { continue }
                var unknown = DeployedRequirement(mode: .unknown, label: "the listeners Envoy fetches over LDS (dynamic_resources \(key.scalar ?? "lds_config"))",
                                                  location: ConfigYAML.location(key, file: file), providers: [])
                unknown.explanation = "are not in this file, so whether they require a token was not compared"
                requirements.append(unknown)
            }
        }
        return (requirements, unguarded, filterEntries)
    }

    // MARK: filters off by default

    /// For an `http_filters` entry that is a jwt_authn filter verifying something (with providers, or
    /// over xDS): its name and its `disabled` key when it is off by default (HttpFilter `disabled:
    /// true`), or `.some(nil)` when it runs on every route. nil for any other entry.
    func offByDefault(_ entry: YAMLNode, file: String) -> (name: String, location: SourceLocation)?? {
        guard entry.mapping != nil else { return nil }
        let typed = ProtoFields.value(entry, "typed_config")
        let isJWT = Self.typedMessage(entry).type?.hasByteSuffix(Self.typeSuffix) == true
            || (typed != nil && typed?["@type"] == nil && Self.filterNames.contains(entry["name"]?.scalar ?? ""))
            || (ProtoFields.value(ProtoFields.value(entry, "config_discovery"), "type_urls")?.sequence ?? []).contains { $0.scalar?.hasByteSuffix(Self.typeSuffix) == true }
        guard isJWT else { return nil }
        var blocks: [YAMLNode] = []
        var discovered: [YAMLNode] = []
        collect(entry, into: &blocks, discovered: &discovered)
        guard blocks.contains(where: { !(ProtoFields.value($0, "providers")?.mapping ?? []).isEmpty }) || !discovered.isEmpty else { return nil }
        guard let disabled = ConfigYAML.bool(ProtoFields.value(entry, "disabled"), file: file), disabled.value,
              let key = ProtoFields.key(entry, "disabled"), let name = entry["name"]?.scalar else { return .some(nil) }
        return (name, ConfigYAML.location(key, file: file))
    }

    /// The entry of a `typed_per_filter_config` under one of `names`: whether it turns the filter on
    /// (Envoy runs a filter off by default where any config is given under its name, except a
    /// FilterConfig with `disabled: true`); nil when there is none.
    func enables(_ holder: YAMLNode, names: Set<ExactString>, file: String) -> Bool? {
        for pair in ProtoFields.value(holder, "typed_per_filter_config")?.mapping ?? [] {
            guard let key = pair.key.scalar, names.contains(ExactString(key)) else { continue }
            if pair.value["@type"]?.scalar?.hasByteSuffix(Self.filterConfigTypeSuffix) == true,
               ConfigYAML.bool(ProtoFields.value(pair.value, "disabled"), file: file)?.value == true { return false }
            return true
        }
        return nil
    }

    /// A connection manager whose jwt_authn filters are all off by default runs them only on the routes
    /// whose `typed_per_filter_config` (the route's, else its virtual host's, else its route
    /// configuration's) enables one; Envoy verifies no token on the others. A route that disables it
    /// explicitly is `perRoute`'s. Routes over RDS or SRDS are not in the file: not compared.
    func offByDefaultRequirements(_ manager: ConnectionManager, label: String, file: String) -> [DeployedRequirement] {
        guard let first = manager.offByDefault.first else { return [] }
        let names = Set(manager.offByDefault.map { ExactString($0.name) })
        guard let routeConfig = manager.routeConfig, manager.forwarding != nil else {
            var unknown = DeployedRequirement(mode: .unknown, label: label, location: first.location, providers: [])
            unknown.explanation = "has its jwt_authn filter disabled by default (http_filters disabled: true), and its routes, which Envoy fetches over RDS, are not in this file, so which of them enable it, and so whether they require a token, was not compared"
            return [unknown]
        }
        var open: [DeployedRequirement] = []
        var enabled = false
        let configLevel = enables(routeConfig, names: names, file: file)
        for (hostIndex, host) in (ProtoFields.value(routeConfig, "virtual_hosts")?.sequence ?? []).enumerated() {
            let hostName = ProtoFields.value(host, "name")?.scalar.map { "virtual host '\($0)'" } ?? "virtual host \(hostIndex + 1)"
            let hostLevel = enables(host, names: names, file: file) ?? configLevel
            for (routeIndex, route) in (ProtoFields.value(host, "routes")?.sequence ?? []).enumerated() {
                guard !Self.answersItself(route) else { continue }
                switch enables(route, names: names, file: file) ?? hostLevel {
                case true?: enabled = true
                case false?: continue
                case nil:
                    let match = ProtoFields.value(route, "match")
                    var skipped = DeployedRequirement(mode: .disabled, label: "route \(routeIndex + 1)\(Self.describe(match: match)) of \(hostName) of \(label)",
                                                      location: ConfigYAML.location(ProtoFields.key(route, "match") ?? route, file: file), providers: [])
                    skipped.explanation = "does not enable jwt_authn, which is disabled by default there (http_filters disabled: true): no typed_per_filter_config of the route, its virtual host or its route configuration turns it on, so Envoy verifies no token for it"
                    skipped.coversEveryPath = Self.coversEveryPath(match)
                    open.append(skipped)
                }
            }
        }
        guard !enabled, !open.isEmpty else { return open }
        // No route turns the filter on: the listener as a whole verifies nothing.
        var off = DeployedRequirement(mode: .disabled, label: label, location: first.location, providers: [])
        off.explanation = "has its jwt_authn filter disabled by default (http_filters disabled: true) and no route enables it (typed_per_filter_config), so Envoy verifies no token for the requests it takes in"
        off.coversEveryPath = open.contains { $0.coversEveryPath }
        return [off]
    }

    /// jwt_authn filters off by default outside the connection managers of the file's listeners (a
    /// bare HttpFilter entry, a connection manager on its own): their routes are not in the file.
    func collectOffByDefault(_ node: YAMLNode, skipping: Set<Int>, file: String, into found: inout [SourceLocation]) {
        switch node.content {
        case .scalar: return
        case .sequence(let items):
            for item in items { collectOffByDefault(item, skipping: skipping, file: file, into: &found) }
        case .mapping(let pairs):
            if !skipping.contains(node.index), let off = offByDefault(node, file: file), let off {
                found.append(off.location)
                return
            }
            for pair in pairs { collectOffByDefault(pair.value, skipping: skipping, file: file, into: &found) }
        }
    }

    // MARK: requirements

    func requirements(_ block: YAMLNode, file: String) -> [DeployedRequirement] {
        var result: [DeployedRequirement] = []
        let map = ProtoFields.value(block, "requirement_map")?.mapping ?? []
        for pair in map {
            guard let name = pair.key.scalar else { continue }
            let parsed = requirement(pair.value, file: file)
            var named = DeployedRequirement(mode: parsed.mode, label: "requirement_map entry '\(name)'", location: parsed.location, providers: parsed.providers)
            named.explanation = parsed.explanation
            named.mapName = name
            result.append(named)
        }
        for (index, rule) in (ProtoFields.value(block, "rules")?.sequence ?? []).enumerated() {
            let match = ProtoFields.value(rule, "match")
            let label = "rule \(index + 1)" + Self.describe(match: match)
            if let requires = ProtoFields.value(rule, "requires") {
                let parsed = requirement(requires, file: file)
                var used = DeployedRequirement(mode: parsed.mode, label: label, location: parsed.location, providers: parsed.providers)
                used.explanation = parsed.explanation
                used.coversEveryPath = Self.coversEveryPath(match)
                result.append(used)
            } else if !ProtoFields.has(rule, "requirement_name") {
                // RequirementRule.requires: "If not specified, Jwt verification is disabled." Often a
                // deliberate health-check exemption, but still a route no token protects. (A rule
                // naming a requirement_map entry is covered by that entry.)
                var skipped = DeployedRequirement(mode: .disabled, label: label, location: ConfigYAML.location(rule, file: file), providers: [])
                skipped.explanation = "has no requires, so Envoy verifies no token for the requests it matches"
                skipped.coversEveryPath = Self.coversEveryPath(match)
                result.append(skipped)
            }
        }
        return result
    }

    struct ParsedRequirement {
        var mode: DeployedRequirement.Mode
        var location: SourceLocation
        var providers: [DeployedRequirement.ProviderUse]
        var explanation: String?
        /// Which providers' verification lets a request through; `providers` alone loses whether they
        /// are alternatives (requires_any) or all needed (requires_all).
        var gate: Gate = .open
    }

    /// A requirement as a formula over its providers.
    indirect enum Gate {
        case provider(ExactString)
        /// Passes with no provider verifying (allow_missing, allow-all).
        case open
        case any([Gate])
        case all([Gate])

        /// The providers that take part in some way through the gate that does not need `name`; nil
        /// when every way needs it. In `requires_any: [corp, legacy]` a legacy token alone passes, so
        /// legacy is there for corp; in `requires_all: [corp, legacy]` nothing is.
        func admitting(without name: ExactString) -> Set<ExactString>? {
            switch self {
            case .provider(let provider): return provider == name ? nil : [provider]
            case .open: return []
            case .any(let gates):
                let ways = gates.compactMap { $0.admitting(without: name) }
                return ways.isEmpty ? nil : ways.reduce(into: Set<ExactString>()) { $0.formUnion($1) }
            case .all(let gates):
                var union = Set<ExactString>()
                for gate in gates {
                    guard let way = gate.admitting(without: name) else { return nil }
                    union.formUnion(way)
                }
                return union
            }
        }
    }

    /// Above this many distinct providers in one requirement, every other provider in it is taken as an
    /// alternative: that compares more providers than Envoy may admit through, never fewer, and keeps
    /// a hostile file from costing a walk of the whole formula per provider.
    static let alternativesWalkLimit = 64

    /// Fills each provider use's `alternatives` from the requirement's formula.
    static func markAlternatives(_ parsed: inout ParsedRequirement) {
        var seen = Set<ExactString>()
        let names = parsed.providers.map(\.name).filter { seen.insert(ExactString($0.value)).inserted }
        guard names.count > 1 else { return }
        let exhaustive = names.count <= alternativesWalkLimit
        for index in parsed.providers.indices {
            let own = ExactString(parsed.providers[index].name.value)
            let admitting = exhaustive ? parsed.gate.admitting(without: own) ?? [] : Set(names.map { ExactString($0.value) })
            parsed.providers[index].alternatives = names.filter { ExactString($0.value) != own && admitting.contains(ExactString($0.value)) }
        }
    }

    /// One `JwtRequirement`. A form this reader does not know is `.unknown`, so that it is reported as
    /// not compared, never as weaker or stronger than it is, and never dropped (a dropped rule would
    /// leave its paths to the others, read as enforced).
    func requirement(_ node: YAMLNode, file: String, depth: Int = 0) -> ParsedRequirement {
        let location = ConfigYAML.location(node, file: file)
        func unknown(_ why: String) -> ParsedRequirement {
            ParsedRequirement(mode: .unknown, location: location, providers: [],
                              explanation: "\(why), a form drift does not read, so whether it requires a token was not compared")
        }
        guard depth < 32 else { return unknown("nests requirements more than 32 deep") }
        // A JwtRequirement with none of its fields set (`{}`, or null) is REQUIRES_TYPE_NOT_SET, for which
        // Envoy builds its AllowAllVerifierImpl: every request passes, with or without a token.
        if node.isNull || node.mapping?.isEmpty == true {
            return ParsedRequirement(mode: .disabled, location: location, providers: [],
                                     explanation: "sets no requirement (\(node.isNull ? "null" : "{}")), which Envoy treats as allow-all, so it verifies no token for the requests it matches")
        }
        guard node.mapping != nil else { return unknown("is not a mapping") }
        if let name = ConfigYAML.string(ProtoFields.value(node, "provider_name"), file: file) {
            return ParsedRequirement(mode: .required, location: location, providers: [.init(name: name)], gate: .provider(ExactString(name.value)))
        }
        if let pair = ProtoFields.pair(node, "provider_and_audiences") {
            guard let name = ConfigYAML.string(ProtoFields.value(pair.value, "provider_name"), file: file) else {
                return unknown("has a provider_and_audiences without a provider_name")
            }
            var use = DeployedRequirement.ProviderUse(name: name)
            if let audiences = ProtoFields.value(pair.value, "audiences") {
                use.audiences = ConfigYAML.strings(audiences, file: file) ?? []
                use.audiencesLocation = ConfigYAML.location(ProtoFields.key(pair.value, "audiences") ?? audiences, file: file)
            }
            return ParsedRequirement(mode: .required, location: location, providers: [use], gate: .provider(ExactString(name.value)))
        }
        let modes: [(String, DeployedRequirement.Mode)] = [("allow_missing_or_failed", .failureAccepted), ("allow_missing", .optional),
                                                            ("extract_only_without_validation", .extractOnly)]
        for (field, mode) in modes {
            if let key = ProtoFields.key(node, field) {
                return ParsedRequirement(mode: mode, location: ConfigYAML.location(key, file: file), providers: [])
            }
        }
        for (field, any) in [("requires_any", true), ("requires_all", false)] {
            guard ProtoFields.has(node, field) else { continue }
            guard let list = ProtoFields.value(ProtoFields.value(node, field), "requirements")?.sequence, !list.isEmpty else {
                return unknown("has a \(field) without requirements")
            }
            let children = list.map { requirement($0, file: file, depth: depth + 1) }
            // One branch drift cannot read makes the whole unknown: it may be the one that decides.
            if let unread = children.first(where: { $0.mode == .unknown }) { return unread }
            // requires_any passes when its weakest branch does; requires_all only when every branch does.
            let decisive = any ? children.max { $0.mode < $1.mode }! : children.min { $0.mode < $1.mode }!
            let weakens = decisive.mode != .required
            var parsed = ParsedRequirement(mode: decisive.mode, location: weakens ? decisive.location : location,
                                           providers: children.flatMap(\.providers),
                                           explanation: weakens ? decisive.explanation.map { "has a \(field) branch that \($0)" } : nil,
                                           gate: any ? .any(children.map(\.gate)) : .all(children.map(\.gate)))
            if depth == 0 { Self.markAlternatives(&parsed) }
            return parsed
        }
        let keys = (node.mapping ?? []).compactMap(\.key.scalar).joined(separator: ", ")
        return unknown("sets \(keys.isEmpty ? "fields" : keys)")
    }

    /// Regular expressions that match every path (Envoy matches the whole path; paths are never
    /// empty); others are taken as narrower.
    static let catchAllRegexes: Set<String> = [".*", "^.*", ".*$", "^.*$", "/.*", "^/.*", "/.*$", "^/.*$",
                                               ".+", "^.+", ".+$", "^.+$", ".*?", "^.*?", ".*?$", "^.*?$", "(.*)", "^(.*)$", "/(.*)", "^/(.*)$"]

    /// Whether a rule's match takes in every request a route's match does: the rule matches on a path
    /// prefix alone (no header or other condition) that the route's prefix or exact path starts with,
    /// or it takes in every request. Compared as bytes.
    static func rule(_ rule: YAMLNode?, takesIn route: YAMLNode?) -> Bool {
        if matchesEveryRequest(rule) { return true }
        guard let rule, let prefix = ProtoFields.value(rule, "prefix")?.scalar, (rule.mapping ?? []).count == 1 else { return false }
        guard let route, let routePath = (ProtoFields.value(route, "prefix") ?? ProtoFields.value(route, "path"))?.scalar else { return false }
        // A case-insensitive route takes in spellings the rule's prefix does not.
        if ProtoFields.value(route, "case_sensitive")?.scalar.map({ $0.isExactly("false") }) == true { return false }
        return routePath.hasBytePrefix(prefix)
    }

    static func hasKey(_ node: YAMLNode, _ key: String) -> Bool {
        switch node.content {
        case .scalar: return false
        case .sequence(let items): return items.contains { hasKey($0, key) }
        case .mapping(let pairs): return pairs.contains { $0.key.scalar.map { $0.isExactly(key) } == true || hasKey($0.value, key) }
        }
    }

    /// Whether a RouteMatch takes in every path: `prefix: /` (or empty), a catch-all regex, or no path
    /// specifier this reader knows (then nothing shows that it is narrower). Header and query
    /// conditions do not narrow it: the client chooses them.
    static func coversEveryPath(_ match: YAMLNode?) -> Bool {
        if let prefix = ProtoFields.value(match, "prefix")?.scalar { return prefix.isEmpty || prefix == "/" }
        if let regex = ProtoFields.value(ProtoFields.value(match, "safe_regex"), "regex")?.scalar { return catchAllRegexes.contains(regex) }
        return !(ProtoFields.has(match, "path") || ProtoFields.has(match, "path_separated_prefix") || ProtoFields.has(match, "path_match_policy")
                 || ProtoFields.has(match, "connect_matcher"))
    }

    /// Whether a rule's RouteMatch takes in every request, so that no request is left to "no rule
    /// matches": every path, and nothing else that narrows it (headers, query parameters, gRPC,
    /// runtime fraction, TLS context, metadata). Unlike `coversEveryPath`, a condition the client
    /// chooses does narrow here: a client that leaves the header out matches no rule.
    static func matchesEveryRequest(_ match: YAMLNode?) -> Bool {
        guard let match, let pairs = match.mapping, coversEveryPath(match) else { return false }
        let neutral = ["prefix", "safe_regex", "case_sensitive"].flatMap { [$0, ProtoFields.jsonName($0)] }
        let onlyNeutral = pairs.allSatisfy { pair in neutral.contains { name in pair.key.scalar?.isExactly(name) == true } }
        return onlyNeutral && (ProtoFields.has(match, "prefix") || ProtoFields.has(match, "safe_regex"))
    }

    static func describe(match: YAMLNode?) -> String {
        for field in ["prefix", "path", "path_separated_prefix"] {
            if let value = ProtoFields.value(match, field)?.scalar { return " (\(field) \(value))" }
        }
        if let regex = ProtoFields.value(ProtoFields.value(match, "safe_regex"), "regex")?.scalar { return " (regex \(regex))" }
        return ""
    }
}

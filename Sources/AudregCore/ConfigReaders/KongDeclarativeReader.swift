/// Kong declarative configuration (decK `kong.yaml`): `openid-connect` plugins on services, routes or at
/// the top level with `service:`/`route:`. A plugin is a provider named by its service, route and
/// `instance_name`. `audience_required` is what Kong checks; `audience` is only sent to the authorization
/// endpoint. The OSS `jwt` plugin cannot check audiences at all. `config.anonymous` on either plugin
/// lets a request without a valid token through as that consumer (a failure-accepted requirement);
/// openid-connect's `verify_signature: false` verifies nothing, and `verify_claims: false` checks no
/// issuer or audience. Its `auth_methods` (default: all) must include `bearer` ("JWT access token
/// verification") for a caller's JWT to be verified as this reader compares it; `ignore_signature` takes
/// only grants whose tokens Kong fetches from the issuer itself (no `bearer`), so it is not read.
/// A route's plugin runs for that route only, so a service's route that no plugin of its own, of its
/// service or of the top level covers is a requirement that verifies nothing. Routes are read nested
/// under their service or at the top level with `service:`; one whose service, or a plugin bound to a
/// route or service, is not in the file (another decK file may hold it) leaves coverage not compared.
public struct KongDeclarativeReader: DeploymentConfigReader {
    public static let kindName = "kong"

    public let enforcer = EnforcerFacts(
        id: "kong-openid-connect", name: "Kong openid-connect plugin (decK)",
        audienceFields: ["config.audience_required"],
        whenOmitted: .unchecked, matching: .any,
        reference: "https://developer.konghq.com/plugins/openid-connect/reference/",
        notes: "config.audience is only sent to the authorization endpoint and is not validated")

    static let jwtPlugin = EnforcerFacts(
        id: "kong-jwt", name: "Kong jwt plugin (OSS)",
        audienceFields: [],
        whenOmitted: .cannotCheck, matching: .none,
        limitation: "Kong's jwt plugin cannot check audiences (claims_to_verify supports only exp and nbf)",
        reference: "https://developer.konghq.com/plugins/jwt/reference/",
        notes: "the issuer is checked through consumers' jwt_secrets[].key with key_claim_name: iss")

    public var otherEnforcers: [EnforcerFacts] { [Self.jwtPlugin] }

    public init() {}

    public func read(_ bytes: [UInt8], file: String, settings: DeploymentReadSettings) throws(DeploymentReadError) -> DeployedConfig {
        var providers: [DeployedProvider] = []
        var requirements: [DeployedRequirement] = []
        var location = SourceLocation(file: file, line: 1, column: 1)
        let documents = try ConfigYAML.documents(bytes, file: file)
        let jwtKeys = documents.flatMap { Self.jwtSecretKeys($0.root, file: file) }
        let scopes = Self.topLevelScopes(documents, file: file)
        for document in documents {
            if let key = ConfigYAML.keyNode(document.root, "services") { location = ConfigYAML.location(key, file: file) }
        }
        let services = documents.flatMap { $0.root["services"]?.sequence ?? [] }
        func refs(_ entity: YAMLNode) -> [Located<String>] {
            [ConfigYAML.string(entity["name"], file: file), ConfigYAML.string(entity["id"], file: file)].compactMap { $0 }
        }
        let serviceRefs = services.map(refs)
        // A service's routes: nested under it, or at the top level naming it by `service` (name or id).
        // Top-level routes naming a service not in this file are grouped by that name.
        var routesOf = services.map { $0["routes"]?.sequence ?? [] }
        var foreign: [(service: Located<String>, routes: [YAMLNode])] = []
        var loose: [YAMLNode] = []
        for route in documents.flatMap({ $0.root["routes"]?.sequence ?? [] }) {
            guard let ref = Self.reference(route["service"], file: file) else { loose.append(route); continue }
            if let index = serviceRefs.firstIndex(where: { $0.contains { $0.value.isExactly(ref.value) } }) {
                routesOf[index].append(route)
            } else if let group = foreign.firstIndex(where: { $0.service.value.isExactly(ref.value) }) {
                foreign[group].routes.append(route)
            } else {
                foreign.append((ref, [route]))
            }
        }
        let routeRefs = Set((routesOf.flatMap { $0 } + foreign.flatMap(\.routes) + loose).flatMap(refs).map { ExactString($0.value) })
        // Whether an enforcing top-level plugin is bound to a route, or a service, this file does not
        // define (it may be in another decK file, or name one by an id this file does not give).
        let definedServices = Set(serviceRefs.flatMap { $0 }.map { ExactString($0.value) })
        let unbound = (route: scopes.routes.contains { !$0.value.isEmpty && !routeRefs.contains($0.key) },
                       service: !scopes.enforcingServices.isSubset(of: definedServices))
        for route in loose {
            let routeName = ConfigYAML.string(route["name"], file: file)
            for plugin in route["plugins"]?.sequence ?? [] {
                providers += provider(plugin, names: [routeName].compactMap { $0 }, jwtKeys: jwtKeys, file: file, requirements: &requirements)
            }
        }
        let groups: [(service: YAMLNode?, name: Located<String>?, refs: [Located<String>], routes: [YAMLNode])]
            = services.indices.map { (services[$0], ConfigYAML.string(services[$0]["name"], file: file), serviceRefs[$0], routesOf[$0]) }
            + foreign.map { (nil, $0.service, [$0.service], $0.routes) }
        // The service of each route, by the route's name and id: a top-level plugin bound to a route is
        // named by it too, as a plugin nested in the route is.
        var serviceOfRoute: [ExactString: Located<String>] = [:]
        for group in groups {
            guard let name = group.name else { continue }
            for route in group.routes { for ref in refs(route) { serviceOfRoute[ExactString(ref.value)] = name } }
        }
        for group in groups {
            let serviceName = group.name
            var serviceCovered = scopes.global || group.refs.contains { scopes.services.contains(ExactString($0.value)) }
            for plugin in group.service?["plugins"]?.sequence ?? [] {
                let made = provider(plugin, names: [serviceName].compactMap { $0 }, jwtKeys: jwtKeys, file: file, requirements: &requirements)
                if !made.isEmpty { serviceCovered = true }
                providers.append(contentsOf: made)
            }
            // Kong runs a route's plugin for that route only: a service whose JWT check sits on some of
            // its routes serves the others, to the same upstream, without one.
            var protected: [(name: Located<String>?, enforcing: [Located<String>])] = []
            var open: [YAMLNode] = []
            for route in group.routes {
                let routeName = ConfigYAML.string(route["name"], file: file)
                var made: [DeployedProvider] = []
                var enforcing: [Located<String>] = []
                for plugin in route["plugins"]?.sequence ?? [] {
                    let one = provider(plugin, names: [routeName, serviceName].compactMap { $0 }, jwtKeys: jwtKeys, file: file, requirements: &requirements)
                    // A plugin with `anonymous` already has its requirement, which enforces nothing.
                    if !Self.acceptsAnonymous(plugin) { enforcing += one.compactMap(\.name) }
                    made += one
                }
                providers.append(contentsOf: made)
                let scoped = refs(route).compactMap { scopes.routes[ExactString($0.value)] }
                enforcing += scoped.flatMap { $0 }
                if made.isEmpty, scoped.isEmpty {
                    open.append(route)
                } else {
                    protected.append((routeName, enforcing))
                }
            }
            guard !serviceCovered, !protected.isEmpty, !open.isEmpty else { continue }
            let serviceLabel = serviceName.map { "Kong service '\($0.value)'" } ?? "the Kong service at line \(ConfigYAML.location(group.service ?? group.routes[0], file: file).line)"
            let protectedNames = protected.compactMap(\.name)
            let protectedText = protectedNames.isEmpty ? "its other routes" : protectedNames.map { "route '\($0.value)'" }.joined(separator: ", ")
            for route in protected {
                guard !route.enforcing.isEmpty else { continue }
                var required = DeployedRequirement(mode: .required, label: "\(route.name.map { "route '\($0.value)'" } ?? "a route") of \(serviceLabel)", location: route.enforcing[0].location,
                                                   providers: route.enforcing.map { .init(name: $0, audiences: nil, audiencesLocation: nil) })
                required.coversEveryPath = false
                requirements.append(required)
            }
            // Named by the service (every route plugin of it has the service as an alias) and by each
            // protected route (a top-level plugin scoped to a route is named by the route alone).
            let uses = (serviceName.map { [$0] } ?? []) + protectedNames
            for route in open {
                let routeName = ConfigYAML.string(route["name"], file: file)
                let paths = ConfigYAML.strings(route["paths"], file: file)?.map(\.value) ?? []
                let label = (routeName.map { "route '\($0.value)'" } ?? "the route at line \(ConfigYAML.location(route, file: file).line)")
                    + (paths.isEmpty ? "" : " (paths \(paths.joined(separator: ", ")))") + " of \(serviceLabel)"
                var skipped = DeployedRequirement(mode: .disabled, label: label, location: ConfigYAML.location(route, file: file),
                                                  providers: uses.map { .init(name: $0, audiences: nil, audiencesLocation: nil) })
                skipped.explanation = "has no openid-connect or jwt plugin, and neither its service nor a global plugin has one (the plugin on \(protectedText) applies to that route only), so Kong verifies no token for it"
                skipped.coversEveryPath = Self.coversEveryPath(paths)
                // What another decK file holds may cover it: its service, or a top-level plugin bound to
                // a route or service this file does not define, which may be this one by an id it does not give.
                let elsewhere = group.service == nil ? "its service is not in this file, and may have a plugin there"
                    : unbound.route && ConfigYAML.string(route["id"], file: file) == nil ? "a top-level plugin is bound to a route this file does not define (by a name or id), which may be this one"
                    : unbound.service && ConfigYAML.string(group.service?["id"], file: file) == nil ? "a top-level plugin is bound to a service this file does not define (by a name or id), which may be this one"
                    : nil
                if let elsewhere {
                    skipped.mode = .unknown
                    skipped.explanation = "has no openid-connect or jwt plugin in this file, but \(elsewhere), so whether Kong verifies a token for it was not compared"
                }
                requirements.append(skipped)
            }
        }
        for plugin in documents.flatMap({ $0.root["plugins"]?.sequence ?? [] }) {
            let route = Self.reference(plugin["route"], file: file)
            var names = [Self.reference(plugin["service"], file: file), route].compactMap { $0 }
            if let route, let service = serviceOfRoute[ExactString(route.value)], !names.contains(where: { $0.value.isExactly(service.value) }) {
                names.append(service)
            }
            providers.append(contentsOf: provider(plugin, names: names, jwtKeys: jwtKeys, file: file, requirements: &requirements))
        }
        var config = DeployedConfig(file: file, providers: providers, providersLocation: location, providerNoun: "Kong service with an openid-connect or jwt plugin")
        config.requirements = requirements
        return config
    }

    /// What the top-level `plugins` apply an openid-connect or jwt plugin to: every route (no `service`,
    /// `route` or consumer scope), or the services and routes they name (by name or id).
    /// A route's plugins are listed with the `route` value of each that enforces (has no `anonymous`);
    /// `enforcingServices` are the services named by a plugin that enforces.
    static func topLevelScopes(_ documents: [YAMLDocument], file: String)
        -> (global: Bool, services: Set<ExactString>, enforcingServices: Set<ExactString>, routes: [ExactString: [Located<String>]]) {
        var result = (global: false, services: Set<ExactString>(), enforcingServices: Set<ExactString>(), routes: [ExactString: [Located<String>]]())
        for plugin in documents.flatMap({ $0.root["plugins"]?.sequence ?? [] }) where isEnabledTokenPlugin(plugin, file: file) {
            // A consumer-scoped plugin runs only once the consumer is known, so it covers no route.
            if ConfigYAML.string(plugin["consumer"], file: file) != nil || ConfigYAML.string(plugin["consumer_group"], file: file) != nil { continue }
            let service = reference(plugin["service"], file: file)
            let route = reference(plugin["route"], file: file)
            if let route {
                result.routes[ExactString(route.value), default: []] += acceptsAnonymous(plugin) ? [] : [route]
            } else if let service {
                result.services.insert(ExactString(service.value))
                if !acceptsAnonymous(plugin) { result.enforcingServices.insert(ExactString(service.value)) }
            } else {
                result.global = true
            }
        }
        return result
    }

    /// A route's or plugin's `service` or `route`: a name or id, or `{name: …}` / `{id: …}` (decK and
    /// Kong's own exports write both).
    static func reference(_ node: YAMLNode?, file: String) -> Located<String>? {
        guard let node else { return nil }
        if node.mapping != nil { return ConfigYAML.string(node["name"], file: file) ?? ConfigYAML.string(node["id"], file: file) }
        return ConfigYAML.string(node, file: file)
    }

    /// `config.anonymous` set: a request whose credential is missing or fails passes as that consumer.
    static func acceptsAnonymous(_ plugin: YAMLNode) -> Bool {
        guard let config = plugin["config"], let anonymous = config["anonymous"] else { return false }
        return !anonymous.isNull && anonymous.scalar?.isEmpty != true && ConfigYAML.keyNode(config, "anonymous") != nil
    }

    static func isEnabledTokenPlugin(_ plugin: YAMLNode, file: String) -> Bool {
        guard let name = plugin["name"]?.scalar, ["openid-connect", "jwt"].contains(name) else { return false }
        return ConfigYAML.bool(plugin["enabled"], file: file)?.value != false
    }

    /// Kong matches a plain path as a prefix and a `~` path as a regex anchored at its start, so `/`
    /// (or a route without paths) takes in every path; anything else is taken as narrower.
    static func coversEveryPath(_ paths: [String]) -> Bool {
        paths.isEmpty || paths.contains { ["/", "~", "~/", "~/.*", "~.*", "~^/", "~^/.*", "~^.*", "~(.*)", "~/(.*)"].contains($0) }
    }

    /// The `key` of every JWT credential: under `consumers[].jwt_secrets` and in a top-level
    /// `jwt_secrets` list (decK writes both forms).
    static func jwtSecretKeys(_ root: YAMLNode, file: String) -> [Located<String>] {
        let secrets = (root["consumers"]?.sequence ?? []).flatMap { $0["jwt_secrets"]?.sequence ?? [] } + (root["jwt_secrets"]?.sequence ?? [])
        return secrets.compactMap { ConfigYAML.string($0["key"], file: file) }
    }

    /// One provider per name the plugin can be selected by; the first name is the one shown.
    func provider(_ plugin: YAMLNode, names: [Located<String>], jwtKeys: [Located<String>], file: String,
                  requirements: inout [DeployedRequirement]) -> [DeployedProvider] {
        guard let pluginName = plugin["name"]?.scalar, ["openid-connect", "jwt"].contains(pluginName) else { return [] }
        // decK reads YAML 1.1: `False`, `no` and `off` turn the plugin off as `false` does.
        if ConfigYAML.bool(plugin["enabled"], file: file)?.value == false { return [] }
        let config = plugin["config"]
        var allNames = names
        if let instance = ConfigYAML.string(plugin["instance_name"], file: file) { allNames.append(instance) }
        let pluginLocation = ConfigYAML.location(plugin["name"]!, file: file)
        var provider = DeployedProvider(name: allNames.first, location: pluginLocation)
        if pluginName == "jwt" {
            provider.audiencesLocation = pluginLocation
            provider.enforcer = Self.jwtPlugin.id
            provider.audienceCaveat = Self.jwtPlugin.limitation.map { Located($0, at: pluginLocation) }
            // The plugin finds the credential whose `key` equals the token's `key_claim_name` claim (default
            // `iss`) and verifies with that credential's secret: with `iss`, the keys are the issuers accepted.
            let claim = ConfigYAML.string(config?["key_claim_name"], file: file)
            if claim == nil || claim?.value == "iss" {
                provider.issuer = jwtKeys.first
                provider.extraIssuers = Array(jwtKeys.dropFirst())
                if jwtKeys.isEmpty {
                    provider.issuerCaveat = "matches the token's iss against consumers' jwt_secrets keys, and this file defines no jwt_secrets, so Kong accepts no token here"
                }
            } else if let claim {
                provider.issuerCaveat = "identifies the credential by the '\(claim.value)' claim (key_claim_name), not by iss, so it checks no issuer; a token from any issuer signed with a consumer's secret is accepted"
            }
        } else {
            provider.issuer = ConfigYAML.string(config?["issuer"], file: file)
            provider.extraIssuers = ConfigYAML.strings(config?["issuers_allowed"], file: file) ?? []
            if let required = config?["audience_required"], !required.isNull {
                provider.setAudiences(ConfigYAML.strings(required, file: file) ?? [])
                provider.audiencesLocation = ConfigYAML.location(ConfigYAML.keyNode(config!, "audience_required") ?? required, file: file)
            } else {
                provider.audiencesLocation = config.flatMap { _ in ConfigYAML.keyNode(plugin, "config") }.map { ConfigYAML.location($0, file: file) } ?? pluginLocation
                if let audience = config?["audience"], !audience.isNull, let key = ConfigYAML.keyNode(config!, "audience") {
                    provider.audiencesLocation = ConfigYAML.location(key, file: file)
                    provider.audienceCaveat = Located("config.audience is only sent to the authorization endpoint and is not validated; set audience_required",
                                                      at: ConfigYAML.location(key, file: file))
                }
            }
            // audience_claim is the path to the claim audience_required is checked against (default
            // [aud]): another path checks another claim, and aud is not checked at all.
            if let claimNode = config?["audience_claim"], !claimNode.isNull, let path = ConfigYAML.strings(claimNode, file: file),
               !(path.count == 1 && path[0].value.isExactly("aud")), let key = ConfigYAML.keyNode(config!, "audience_claim") {
                let at = ConfigYAML.location(key, file: file)
                provider.audiences = nil
                provider.audiencesLocation = at
                provider.audienceCaveat = Located("audience_claim makes the plugin check audience_required against the '\(path.map(\.value).joined(separator: "."))' claim, not aud", at: at)
            }
            // openid-connect passes the access token upstream unless upstream_access_token_header is null.
            if let header = config?["upstream_access_token_header"], let key = ConfigYAML.keyNode(config!, "upstream_access_token_header") {
                provider.forwardsToken = Located(!header.isNull && header.scalar?.isEmpty == false, at: ConfigYAML.location(key, file: file))
            } else {
                provider.forwardsToken = Located(true, at: pluginLocation)
            }
            if let extra = config?["extra_jwks_uris"]?.sequence?.first {
                provider.jwksUri = ConfigYAML.string(extra, file: file)
            }
        }
        provider.aliases = allNames.dropFirst().map(\.value)
        // Both plugins: with `anonymous` set, a request whose credential is missing or fails passes as
        // that consumer instead of being refused ("the anonymous consumer ... if authentication fails").
        if let config, Self.acceptsAnonymous(plugin), let key = ConfigYAML.keyNode(config, "anonymous") {
            var open = DeployedRequirement(mode: .failureAccepted, label: "the \(pluginName) plugin \(allNames.first.map { "of '\($0.value)'" } ?? "applied globally")",
                                           location: ConfigYAML.location(key, file: file),
                                           providers: allNames.first.map { [DeployedRequirement.ProviderUse(name: $0, audiences: nil, audiencesLocation: nil)] } ?? [])
            open.explanation = "sets config.anonymous, so Kong lets a request whose token is missing or fails verification through as the anonymous consumer: no issuer, key or audience check is enforced"
            requirements.append(open)
        }
        if pluginName == "openid-connect", let config {
            // Both default to true; a false one turns that part of verification off, so what it covers
            // is never reported as checked.
            if let signature = ConfigYAML.bool(config["verify_signature"], file: file), !signature.value {
                provider.verifiesNothing = Located("sets verify_signature: false, so Kong accepts a token whatever its signature, which anyone can write with any issuer and audience", at: signature.location)
            }
            // Without `bearer`, a caller's JWT is not verified against these settings: it is refused, or
            // sent to introspection, whose answer this file does not show. Either way nothing here is
            // taken as what Kong enforces on the registry's tokens.
            if let methods = config["auth_methods"], !methods.isNull, let key = ConfigYAML.keyNode(config, "auth_methods") {
                let listed = methods.sequence == nil && methods.scalar == nil ? nil : ConfigYAML.strings(methods, file: file)
                if listed?.contains(where: { $0.value.isExactly("bearer") }) != true {
                    let remote = listed?.map(\.value).filter { ["introspection", "kong_oauth2", "userinfo"].contains($0) } ?? []
                    let what = listed == nil ? "is written in a form drift does not read, so whether it includes bearer (JWT access token verification) is not known"
                        : "does not include bearer, so Kong does not verify a JWT a caller sends as this plugin's settings say: "
                          + (remote.isEmpty ? "callers authenticate with \(listed!.isEmpty ? "nothing it enables" : listed!.map(\.value).joined(separator: ", ")) instead, and a bearer token is refused"
                                            : "a bearer token is checked by \(remote.joined(separator: ", ")) at the issuer, whose answer drift does not see")
                    provider.unresolved.append(UnresolvedValue(setting: "auth_methods", placeholder: "auth_methods", location: ConfigYAML.location(key, file: file),
                                                               reason: what + "; its issuer and audiences are not taken as enforced for the registry's tokens"))
                }
            }
            if let claims = ConfigYAML.bool(config["verify_claims"], file: file), !claims.value {
                provider.issuer = nil
                provider.extraIssuers = []
                provider.issuerCaveat = "sets verify_claims: false, so Kong checks none of the token's claims: a token from any issuer whose keys it holds is accepted"
                provider.audiences = nil
                provider.audiencesLocation = claims.location
                provider.audienceCaveat = Located("verify_claims is false, so Kong checks none of the token's claims", at: claims.location)
            }
        }
        return [provider]
    }
}

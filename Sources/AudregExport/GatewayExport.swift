import AudregCore
/// Enforcement configuration generated from the registry, so the gateways enforce exactly what was
/// reviewed: Envoy `jwt_authn` filters, Istio `RequestAuthentication` + `AuthorizationPolicy`, Envoy
/// Gateway `SecurityPolicy` and NGINX Plus `auth_jwt` with `map`s on `$jwt_claim_aud`/`$jwt_claim_iss`.
/// `drift` reads these files back and reports zero drift for the registry they came from.
public enum GatewayFormat: String, CaseIterable, Sendable {
    case envoy, istio
    case envoyGateway = "envoy-gateway"
    case nginx

    public var fileExtension: String { self == .nginx ? "conf" : "yaml" }
}

public struct GatewayExport: Sendable {
    public var registry: Registry
    /// Kubernetes namespace for Istio resources; none means the namespace they are applied to.
    public var namespace: String?
    public var jwksCacheSeconds = 600

    public init(registry: Registry, namespace: String? = nil) {
        self.registry = registry
        self.namespace = namespace
    }

    /// One file per service, named after it: `[(fileName, contents)]`, sorted.
    public func files(_ format: GatewayFormat, service only: String? = nil) throws(GatewayExportError) -> [(String, String)] {
        let index = registry.index()
        var services = registry.services.sorted { $0.name < $1.name }
        if let only {
            guard let service = index.services[only] else {
                throw .unknownService(only, known: index.services.keys.sorted())
            }
            services = [service]
        }
        var seen = Set<String>()
        var result: [(String, String)] = []
        let lenientAudiences = format == .nginx || format == .envoy || format == .envoyGateway ? LenientAudiences(registry, format: format) : nil
        for service in services where seen.insert(service.name).inserted {
            // A service that states neither audiences nor issuers takes no tokens: nothing to export. One
            // with audiences but no issuer would get no file, and a folder synced with pruning would drop
            // its previous config, leaving it open.
            if service.accepts.isEmpty && service.audiences.isEmpty && service.audiencesAreKnown && only == nil { continue }
            guard !service.accepts.isEmpty else {
                throw .inexpressible(service: service.name, value: "its accepted issuers",
                                     reason: "it lists none, so no exported config could verify a token for it; add accepts with the issuers it trusts",
                                     at: service.origin.location)
            }
            // An empty list is written as no list at all, which every format reads as "check no aud":
            // whatever turned audience-missing off or excepted it, the export must not open the service.
            guard service.audiencesAreKnown, !service.audiences.isEmpty else {
                throw .inexpressible(service: service.name, value: "its audiences",
                                     reason: service.audiencesAreKnown ? "it lists none, and an exported config without audiences would accept a token for any audience"
                                                                       : "the registry file does not state them as a list audreg could read",
                                     at: service.audiencesLocation)
            }
            let issuers = try boundIssuers(service, index: index, format: format)
            try lenientAudiences?.check(service)
            let contents: String
            switch format {
            case .envoy: contents = envoy(service, issuers: issuers)
            case .istio: contents = istio(service, issuers: issuers)
            case .envoyGateway: contents = envoyGateway(service, issuers: issuers)
            case .nginx: contents = try nginx(service, issuers: issuers)
            }
            result.append(("\(service.name).\(format.fileExtension)", contents))
        }
        return result
    }

    /// An accepted issuer as an export binds it: the entry, its `iss`, and its key set if it has one.
    struct BoundIssuer {
        var accepted: AcceptedIssuer
        var iss: String
        var jwksUri: Located<String>?

        var name: String { accepted.issuer.value }
    }

    /// The service's accepted issuers, each one the export can bind: listed once, defined, with an `iss`
    /// to check, and, where the format needs one, its own key source. Rules can be turned off or excepted
    /// by the same pull request that changes the registry, so this is checked here, whatever validate
    /// said: a provider without `issuer` checks no `iss` in Envoy, and nginx would verify an issuer
    /// without keys with another's.
    func boundIssuers(_ service: Service, index: RegistryIndex, format: GatewayFormat) throws(GatewayExportError) -> [BoundIssuer] {
        var seen = Set<ExactString>()
        var bound: [BoundIssuer] = []
        for accepted in service.accepts {
            let name = accepted.issuer.value
            guard seen.insert(ExactString(name)).inserted else {
                throw .inexpressible(service: service.name, value: "accepted issuer '\(name)'",
                                     reason: "it is listed twice under accepts, and one provider can carry only one entry's settings; keep one entry (duplicate-name)",
                                     at: accepted.location)
            }
            guard let issuer = index.issuers[name] else {
                throw .inexpressible(service: service.name, value: "accepted issuer '\(name)'", reason: "the registry defines no Issuer of that name; define it or remove it from accepts",
                                     at: accepted.issuer.location)
            }
            guard let iss = issuer.issuer?.value.text, !iss.isEmpty else {
                throw .inexpressible(service: service.name, value: "accepted issuer '\(name)'",
                                     reason: "it states no iss value audreg could read, and a provider without one accepts tokens whatever their iss; set spec.issuer on Issuer '\(name)'",
                                     at: issuer.issuer?.location ?? issuer.origin.location)
            }
            if format != .istio, issuer.jwksUri == nil {
                // Istio discovers the keys from the issuer itself; the other formats need the key set named.
                throw .inexpressible(service: service.name, value: "accepted issuer '\(name)'",
                                     reason: "it has no jwksUri, and \(format.rawValue) needs the issuer's own key set\(format == .nginx ? " (nginx would verify its tokens with the other issuers' keys)" : ""); add spec.jwksUri to Issuer '\(name)'",
                                     at: issuer.origin.location)
            }
            if format == .istio, let wildcard = Self.istioWildcard(iss) {
                throw .inexpressible(service: service.name, value: "issuer '\(iss)'", reason: wildcard, at: issuer.issuer!.location)
            }
            bound.append(BoundIssuer(accepted: accepted, iss: iss, jwksUri: issuer.jwksUri))
        }
        if format == .istio, let audience = service.audiences.first(where: { Self.istioWildcard($0.value.text) != nil }) {
            throw .inexpressible(service: service.name, value: "audience '\(audience.value.text)'", reason: Self.istioWildcard(audience.value.text)!,
                                 at: audience.location)
        }
        return bound
    }

    /// Istio reads a `*` at either end of an AuthorizationPolicy value as a prefix, suffix or presence match.
    static func istioWildcard(_ value: String) -> String? {
        let bytes = value.utf8
        guard bytes.first == UInt8(ascii: "*") || bytes.last == UInt8(ascii: "*") else { return nil }
        return "Istio reads a '*' at its start or end as a wildcard, so the AuthorizationPolicy would match more than this value"
    }

    /// Provider names are the issuer names: unique within one service's file.
    public static func providerName(issuer: String) -> String { issuer }

    /// The files `files` names: top-level `SERVICE.EXT`, starting with `header`'s first line for that
    /// service. `owner` names only services this registry does not define.
    public func staleFiles(_ format: GatewayFormat) -> StaleFiles {
        let defined = Set(registry.services.map { ExactString($0.name) })
        let ext = format.fileExtension
        return StaleFiles(owner: { path in
            guard let name = StaleFiles.stem(path, extension: ext), EntityName.isValid(name), !defined.contains(ExactString(name)) else { return nil }
            return EntityRef(.service, name).description
        }, isGenerated: { path, contents in
            guard let name = StaleFiles.stem(path, extension: ext) else { return false }
            // `# Generated by audreg VERSION from service/NAME (FILE).`: the version holds no space.
            let prefix = "# Generated by audreg "
            guard StaleFiles.startsWith(contents, prefix) else { return false }
            let rest = contents.dropFirst(prefix.utf8.count)
            guard let space = rest.firstIndex(of: UInt8(ascii: " ")),
                  !rest[..<space].contains(UInt8(ascii: "\n")) else { return false }
            return StaleFiles.startsWith(Array(rest[space...]), " from \(EntityRef(.service, name)) (")
        })
    }

    /// The file name and the entity are registry text: a name holding a line break would end the comment
    /// and start YAML of its own (a `---` and an allow-all policy), so both pass `YAMLText.comment`.
    func header(_ service: Service, format: GatewayFormat) -> String {
        let source = YAMLText.comment("\(service.ref) (\(service.origin.file))")
        return "# Generated by audreg \(YAMLText.comment(AudregVersion.current)) from \(source).\n# Change the registry, not this file: `audreg drift` compares the two.\n"
            + unenforced(service, format: format)
    }

    /// What the registry requires of tokens that this format has no setting for: said in the file, so
    /// nobody takes the exported config for the whole check (`explain` applies all of it).
    func unenforced(_ service: Service, format: GatewayFormat) -> String {
        var lines: [String] = []
        var seen = Set<String>()
        for accepted in service.accepts where seen.insert(accepted.issuer.value).inserted {
            var parts: [String] = []
            if let types = accepted.tokenTypes, !types.isEmpty { parts.append("tokenTypes \(types.map(\.value).joined(separator: ", "))") }
            if let algorithms = accepted.algorithms, !algorithms.isEmpty { parts.append("algorithms \(algorithms.map(\.value).joined(separator: ", "))") }
            if let claims = accepted.requiredClaims, !claims.isEmpty { parts.append("requiredClaims \(claims.map(\.value).joined(separator: ", "))") }
            if format != .envoy, let lifetime = accepted.maxLifetime { parts.append("maxLifetime \(lifetime.value)") }
            if !parts.isEmpty { lines.append("#   \(YAMLText.comment(accepted.issuer.value)): \(YAMLText.comment(parts.joined(separator: "; ")))\n") }
        }
        guard !lines.isEmpty else { return "" }
        return "# Not enforced by this file (\(format.rawValue) has no setting for them): check them in the service, or in front of it.\n" + lines.joined()
    }

    func envoy(_ service: Service, issuers: [BoundIssuer]) -> String {
        let forwards = service.downstream.contains { $0.mode.value == .passthrough }
        var text = header(service, format: .envoy)
        text += "name: envoy.filters.http.jwt_authn\n"
        text += "typed_config:\n"
        text += "  \"@type\": type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication\n"
        text += "  providers:\n"
        let providerNames = issuers.map { Self.providerName(issuer: $0.name) }
        for (bound, name) in zip(issuers, providerNames) {
            text += "    \(yaml(name)):\n"
            text += "      issuer: \(yaml(bound.iss))\n"
            text += "      audiences:\n"
            for audience in service.audiences { text += "        - \(yaml(audience.value.text))\n" }
            if let jwks = bound.jwksUri?.value {
                text += "      remote_jwks:\n"
                text += "        http_uri:\n"
                text += "          uri: \(yaml(jwks))\n"
                text += "          cluster: \(yaml("jwks_" + bound.name))\n"
                text += "          timeout: 5s\n"
                text += "        cache_duration: \(jwksCacheSeconds)s\n"
            }
            text += "      forward: \(forwards)\n"
            text += "      require_expiration: true\n"
            if let lifetime = bound.accepted.maxLifetime?.value { text += "      max_lifetime: \(lifetime.seconds)s\n" }
        }
        text += "  rules:\n"
        text += "    - match:\n"
        text += "        prefix: /\n"
        text += "      requires:\n"
        if providerNames.count == 1 {
            text += "        provider_name: \(yaml(providerNames[0]))\n"
        } else {
            text += "        requires_any:\n"
            text += "          requirements:\n"
            for name in providerNames { text += "            - provider_name: \(yaml(name))\n" }
        }
        return text
    }

    func istio(_ service: Service, issuers: [BoundIssuer]) -> String {
        let forwards = service.downstream.contains { $0.mode.value == .passthrough }
        var text = header(service, format: .istio)
        let metadata = { (name: String) -> String in
            var block = "metadata:\n  name: \(yaml(name))\n"
            if let namespace = self.namespace { block += "  namespace: \(yaml(namespace))\n" }
            block += "  labels:\n    app.kubernetes.io/managed-by: audreg\n"
            return block
        }
        text += "apiVersion: security.istio.io/v1\nkind: RequestAuthentication\n"
        text += metadata("\(service.name)-jwt")
        text += "spec:\n  selector:\n    matchLabels:\n      app: \(yaml(service.name))\n  jwtRules:\n"
        for bound in issuers {
            text += "    - issuer: \(yaml(bound.iss))\n"
            if let jwks = bound.jwksUri?.value { text += "      jwksUri: \(yaml(jwks))\n" }
            text += "      audiences:\n"
            for audience in service.audiences { text += "        - \(yaml(audience.value.text))\n" }
            text += "      forwardOriginalToken: \(forwards)\n"
        }
        text += "---\napiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\n"
        text += metadata("\(service.name)-require-jwt")
        text += "spec:\n  selector:\n    matchLabels:\n      app: \(yaml(service.name))\n  action: ALLOW\n  rules:\n"
        text += "    - from:\n        - source:\n            requestPrincipals:\n"
        for bound in issuers { text += "              - \(yaml(bound.iss + "/*"))\n" }
        // request.auth.claims[aud] checks every aud value (request.auth.audiences matched only the first
        // in some Istio versions), so the audience requirement holds even if the RequestAuthentication
        // is later widened.
        text += "      when:\n        - key: request.auth.claims[aud]\n          values:\n"
        for audience in service.audiences { text += "            - \(yaml(audience.value.text))\n" }
        // `ISS/*` in requestPrincipals is a prefix match on `iss/sub`: a token from `ISS/partners`, trusted by
        // another RequestAuthentication, would match it. The exact `iss` closes that.
        text += "        - key: request.auth.claims[iss]\n          values:\n"
        for bound in issuers { text += "            - \(yaml(bound.iss))\n" }
        return text
    }

    /// Every value written from the registry is one double-quoted scalar (see `YAMLText.scalar`).
    func yaml(_ text: String) -> String { YAMLText.scalar(text) }
}

/// Audiences of other services that a gateway's own comparison takes for one of this service's: Envoy
/// (and Envoy Gateway, built on it) compares audiences without an `http://` or `https://` prefix and one
/// trailing `/`; nginx's map compares ignoring ASCII case. A config for one would then admit tokens minted
/// for the other, so the export refuses, whatever audience-confusable says or was excepted.
struct LenientAudiences {
    let format: GatewayFormat
    private var owners: [ExactString: [(service: String, audience: String)]] = [:]
    /// Services whose `audiences` are written but not as a list audreg could read: what a token for them
    /// carries is unknown, so no check here can say another service's config would not admit it.
    private var unread: [(service: String, location: SourceLocation)] = []

    init(_ registry: Registry, format: GatewayFormat) {
        self.format = format
        for service in registry.services {
            if !service.audiencesAreKnown { unread.append((service.name, service.audiencesLocation)) }
            for audience in service.audiences {
                owners[key(audience.value.text), default: []].append((service.name, audience.value.text))
            }
        }
    }

    func key(_ audience: String) -> ExactString {
        if format == .nginx { return ExactString(ASCII.lowercased(audience)) }
        // jwt_verify_lib's sanitizeAudience: one scheme prefix (as written, case and all), one trailing '/'.
        var bytes = Array(AudienceForms.removingHTTPScheme(audience).utf8)
        if bytes.last == UInt8(ascii: "/") { bytes.removeLast() }
        return ExactString(String(decoding: bytes, as: UTF8.self))
    }

    func check(_ service: Service) throws(GatewayExportError) {
        // `--service` or `--fail-on never` would otherwise write this config beside an audience nobody read.
        if let other = unread.first(where: { !$0.service.isExactly(service.name) }) {
            throw .inexpressible(service: service.name, value: "its audiences",
                                 reason: "service '\(other.service)' states its audiences in a form audreg could not read, so it cannot tell whether \(format == .nginx ? "an nginx map, which compares keys ignoring case," : "Envoy, which compares audiences without an http:// or https:// prefix and a trailing '/',") would take one of them for one of this service's; write service '\(other.service)''s audiences as a list of strings",
                                 at: other.location)
        }
        for audience in service.audiences {
            // The same audience in two services is what the registry says (audience-collision's finding);
            // only a different one that the gateway's comparison merges widens the config.
            guard let other = owners[key(audience.value.text)]?.first(where: { !$0.service.isExactly(service.name) && !$0.audience.isExactly(audience.value.text) })
            else { continue }
            let how = format == .nginx ? "an nginx map compares keys ignoring case"
                                       : "Envoy compares audiences without an http:// or https:// prefix and a trailing '/'"
            throw .inexpressible(service: service.name, value: "audience '\(audience.value.text)'",
                                 reason: "\(how), so this config would also admit tokens for service '\(other.service)' (audience '\(other.audience)'); make the two audiences differ in more than that",
                                 at: audience.location)
        }
    }
}

public enum GatewayExportError: RegistryLocatedError, Equatable {
    case unknownService(String, known: [String])
    /// A registry value the format cannot carry as plain data (`service`, what it is, why, where written).
    case inexpressible(service: String, value: String, reason: String, at: SourceLocation? = nil)

    public var location: SourceLocation? {
        switch self {
        case .unknownService: nil
        case .inexpressible(_, _, _, let location): location
        }
    }

    public var message: String {
        switch self {
        case .unknownService(let name, let known):
            let hint = Suggestion.closest(to: name, in: known).map { "; did you mean '\($0)'?" } ?? ""
            return "no service '\(name)' in the registry\(hint)"
        case .inexpressible(let service, let value, let reason, _):
            // Raw: the sink it reaches (the CLI's error line) escapes it, once.
            return "service '\(service)': \(value) cannot be exported: \(reason); nothing was exported"
        }
    }
}

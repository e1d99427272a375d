import Foundation

/// oauth2-proxy, in two documented forms: its TOML config file (`--config`, `oauth2-proxy.cfg`:
/// `key = value`, strings, lists, booleans; keys are the flags with `_` for `-`, plural for lists), and
/// command-line flags as Kubernetes runs them: a container's `command`/`args` (`--flag=value` or
/// `--flag value`) and `OAUTH2_PROXY_*` environment variables, in a Deployment, StatefulSet, DaemonSet,
/// Job, CronJob or Pod manifest, or a `kind: List` dump. Flags win over the environment (as oauth2-proxy
/// orders them); a `--config` file named there is not followed.
///
/// What oauth2-proxy checks (pkg/providers/oidc/verifier.go): a token passes when one of its audiences
/// is `client_id` or in `oidc_extra_audiences`; for each `extra_jwt_issuers` `issuer=audience` pair,
/// that audience or the extra audiences. The audience claim is the first of `oidc_audience_claims`
/// (default `aud`) the token has. Bearer JWTs are verified only with `skip_jwt_bearer_tokens = true`:
/// otherwise oauth2-proxy accepts no bearer token at all (callers need its login session, whose ID
/// token is checked against the same list) and ignores `extra_jwt_issuers`; that is said as a note.
/// `skip_auth_routes` and `skip_auth_regex` exempt the paths they match from authentication,
/// `trusted_ips` the clients it names and `skip_auth_preflight` every OPTIONS request (pkg/apis/options
/// Allowlist, "bypass authentication"), and `insecure_oidc_skip_issuer_verification` leaves `iss` unchecked.
public struct OAuth2ProxyReader: DeploymentConfigReader {
    public static let kindName = "oauth2-proxy"

    public let enforcer = EnforcerFacts(
        id: "oauth2-proxy", name: "oauth2-proxy",
        audienceFields: ["client_id", "oidc_extra_audiences (--oidc-extra-audience)", "extra_jwt_issuers issuer=audience pairs"],
        whenOmitted: .fallsBack(to: "client_id alone (oidc_extra_audiences omitted); client_id itself is required"), matching: .any,
        consequence: "no audience is checked",
        reference: "https://oauth2-proxy.github.io/oauth2-proxy/configuration/overview",
        verified: "oauth2-proxy 14af295: pkg/providers/oidc/verifier.go (client_id plus extra audiences, any-of), pkg/validation/options.go (extra_jwt_issuers split at the first =), docs/docs/configuration/overview.md",
        notes: "bearer JWTs are verified only with skip_jwt_bearer_tokens = true, and extra_jwt_issuers apply only then; a token without the audience claim is refused")

    public init() {}

    /// The settings drift reads, under their config-file names.
    static let listKeys: Set<String> = ["oidc_extra_audiences", "extra_jwt_issuers", "oidc_audience_claims", "skip_auth_routes", "skip_auth_regex",
                                        "trusted_ips"]
    static let keys: Set<String> = listKeys.union(["client_id", "oidc_issuer_url", "oidc_jwks_url", "skip_jwt_bearer_tokens",
                                                   "insecure_oidc_skip_issuer_verification", "skip_auth_preflight"])

    /// One setting's values, or why they are not in the file.
    struct Setting {
        var values: [Located<String>] = []
        var key: SourceLocation
        /// Set when the value comes from somewhere drift does not read (a Secret).
        var elsewhere: String?
    }

    struct Instance {
        var name: Located<String>
        var aliases: [String]
        var settings: [String: Setting]
        /// Where settings might come from that drift does not read (`--config`, `envFrom`).
        var unread: [String]
        /// Where the first of them is named.
        var unreadAt: SourceLocation? = nil
        /// Set when `--alpha-config` names the file the providers come from.
        var providersFrom: String? = nil
    }

    public func read(_ bytes: [UInt8], file: String, settings: DeploymentReadSettings) throws(DeploymentReadError) -> DeployedConfig {
        var instances: [Instance] = []
        if let documents = try? ConfigYAML.documents(bytes, file: file), documents.contains(where: { $0.root["kind"]?.scalar != nil }) {
            instances = Self.manifestInstances(documents, file: file)
        } else {
            let values = try Self.parseConfigFile(bytes, file: file)
            guard values.keys.contains(where: { ["client_id", "oidc_issuer_url", "extra_jwt_issuers", "skip_jwt_bearer_tokens"].contains($0) }) else {
                return DeployedConfig(file: file, providers: [], providersLocation: SourceLocation(file: file, line: 1, column: 1), providerNoun: "oauth2-proxy")
            }
            let first = values.values.map(\.key).min { ($0.line, $0.column) < ($1.line, $1.column) } ?? SourceLocation(file: file, line: 1, column: 1)
            instances = [Instance(name: Located("oauth2-proxy", at: first), aliases: [], settings: values, unread: [])]
        }
        var providers: [DeployedProvider] = []
        var requirements: [DeployedRequirement] = []
        for instance in instances {
            providers += try Self.providers(instance, file: file)
            requirements += Self.skippedRoutes(instance)
        }
        var config = DeployedConfig(file: file, providers: providers,
                                    providersLocation: providers.first?.location ?? SourceLocation(file: file, line: 1, column: 1),
                                    providerNoun: "oauth2-proxy")
        config.requirements = requirements
        return config
    }

    /// Paths every real request path set has: a pattern that matches all of them is taken as
    /// matching every path.
    static let samplePaths = ["/", "/api/orders/1", "/admin/settings", "/oauth2/sign_in"]

    /// `skip_auth_routes` (`[METHOD=]REGEX`, `METHOD!=REGEX` negating the path match, split at the first
    /// `=` as pkg/validation/allowlist.go does) and `skip_auth_regex`: oauth2-proxy lets a matching
    /// request through without any authentication. Go's regexp finds a match anywhere in the path, as
    /// `firstMatch` does here; a pattern this cannot compile is taken as matching every path.
    static func skippedRoutes(_ instance: Instance) -> [DeployedRequirement] {
        var result: [DeployedRequirement] = []
        for (key, flag) in [("skip_auth_routes", "--skip-auth-route"), ("skip_auth_regex", "--skip-auth-regex")] {
            for value in instance.settings[key]?.values ?? [] {
                var pattern = value.value
                var negated = false
                if key == "skip_auth_routes", let equals = pattern.unicodeScalars.firstIndex(of: "=") {
                    let method = String(pattern.unicodeScalars[..<equals])
                    negated = method.hasByteSuffix("!")
                    pattern = String(pattern.unicodeScalars[pattern.unicodeScalars.index(after: equals)...])
                }
                var skipped = DeployedRequirement(mode: .disabled, label: "\(key) '\(value.value)'", location: value.location,
                                                  providers: [.init(name: instance.name, audiences: nil, audiencesLocation: nil)])
                skipped.explanation = "lets requests whose path \(negated ? "does not match" : "matches") it through without authentication (\(key), \(flag)), so oauth2-proxy verifies no token for them"
                skipped.coversEveryPath = negated || matchesEveryPath(pattern)
                result.append(skipped)
            }
            if let setting = instance.settings[key], setting.values.isEmpty, let elsewhere = setting.elsewhere {
                var unread = DeployedRequirement(mode: .unknown, label: key, location: setting.key,
                                                 providers: [.init(name: instance.name, audiences: nil, audiencesLocation: nil)])
                unread.explanation = "comes from \(elsewhere), so which paths skip authentication was not read"
                result.append(unread)
            }
        }
        // Both exempt every path (for some clients, or for one method), as a method-limited skip_auth_routes
        // entry does; what the upstream then serves without a token is not drift's to see.
        let provider = DeployedRequirement.ProviderUse(name: instance.name, audiences: nil, audiencesLocation: nil)
        if let trusted = instance.settings["trusted_ips"] {
            for address in trusted.values {
                var skipped = DeployedRequirement(mode: .disabled, label: "trusted_ips '\(address.value)'", location: address.location, providers: [provider])
                skipped.explanation = "lets every request from that address through without authentication (trusted_ips, --trusted-ip), so oauth2-proxy verifies no token for it; behind reverse_proxy the address is read from a request header"
                result.append(skipped)
            }
            if trusted.values.isEmpty, let elsewhere = trusted.elsewhere {
                var unread = DeployedRequirement(mode: .unknown, label: "trusted_ips", location: trusted.key, providers: [provider])
                unread.explanation = "comes from \(elsewhere), so which clients skip authentication was not read"
                result.append(unread)
            }
        }
        if let preflight = instance.settings["skip_auth_preflight"] {
            if let value = preflight.values.last, isTrue(value.value) {
                var skipped = DeployedRequirement(mode: .disabled, label: "skip_auth_preflight", location: value.location, providers: [provider])
                skipped.explanation = "lets every OPTIONS request through without authentication (skip_auth_preflight, --skip-auth-preflight), so oauth2-proxy verifies no token for them"
                result.append(skipped)
            } else if preflight.values.isEmpty, let elsewhere = preflight.elsewhere {
                var unread = DeployedRequirement(mode: .unknown, label: "skip_auth_preflight", location: preflight.key, providers: [provider])
                unread.explanation = "comes from \(elsewhere), so whether OPTIONS requests skip authentication was not read"
                result.append(unread)
            }
        }
        // Neither the environment nor the flags set them, but an `envFrom` Secret or a `--config` file
        // may (`OAUTH2_PROXY_TRUSTED_IPS=0.0.0.0/0`): that the proxy requires a token is not known.
        if !instance.unread.isEmpty {
            let sources = instance.unread.joined(separator: ", ")
            for (key, what) in [("skip_auth_routes", "which paths"), ("skip_auth_regex", "which paths"), ("trusted_ips", "which clients"),
                                ("skip_auth_preflight", "whether OPTIONS requests")] where instance.settings[key] == nil {
                var unread = DeployedRequirement(mode: .unknown, label: key, location: instance.unreadAt ?? instance.name.location, providers: [provider])
                unread.explanation = "is not set here and may come from elsewhere (drift does not read \(sources)), so \(what) skip authentication was not read"
                result.append(unread)
            }
        }
        return result
    }

    /// Go's strconv.ParseBool, which viper and pflag use, for the values that mean true.
    static func isTrue(_ value: String) -> Bool {
        ["1", "t", "T", "TRUE", "true", "True"].contains { $0.isExactly(value) }
    }

    static func matchesEveryPath(_ pattern: String) -> Bool {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return true }
        return samplePaths.allSatisfy { path in
            regex.firstMatch(in: path, range: NSRange(path.startIndex..., in: path)) != nil
        }
    }

    static func providers(_ instance: Instance, file: String) throws(DeploymentReadError) -> [DeployedProvider] {
        let settings = instance.settings
        let clientID = settings["client_id"]
        let extras = settings["oidc_extra_audiences"]?.values ?? []
        let bearer = settings["skip_jwt_bearer_tokens"]?.values.last.map { ["true", "1", "t"].contains($0.value.lowercased()) } ?? false
        let claims = settings["oidc_audience_claims"]?.values ?? []
        let unreadSources = instance.unread.isEmpty ? "" : " (drift does not read \(instance.unread.joined(separator: ", ")))"

        /// Why `key`'s value is not known, and where to say so: it comes from a Secret or a `$(NAME)`
        /// reference, or nothing here sets it while envFrom or --config may. Reading such a setting as
        /// unset would claim a check (or a refusal) the proxy may not make.
        func unknown(_ key: String, plural: Bool = false) -> (location: SourceLocation, why: String)? {
            if let setting = settings[key] {
                guard setting.values.isEmpty, let elsewhere = setting.elsewhere else { return nil }
                return (setting.key, "\(plural ? "come" : "comes") from \(elsewhere)")
            }
            guard !instance.unread.isEmpty else { return nil }
            return (instance.unreadAt ?? instance.name.location, "\(plural ? "are" : "is") not set here and may come from elsewhere\(unreadSources)")
        }
        let claimsUnknown = instance.providersFrom == nil ? unknown("oidc_audience_claims", plural: true) : nil
        let bearerUnknown = bearer ? nil : unknown("skip_jwt_bearer_tokens")

        func base(_ location: SourceLocation) -> DeployedProvider {
            var provider = DeployedProvider(name: instance.name, location: location)
            provider.aliases = instance.aliases
            if let claim = claims.first, !claim.value.isExactly("aud") {
                provider.audienceCaveat = Located("oidc_audience_claims makes oauth2-proxy read the audience from the '\(claim.value)' claim first, not aud", at: claim.location)
                provider.audiencesLocation = claim.location
            } else if let claimsUnknown {
                // `sub` there would make the proxy compare another claim with the same list.
                provider.unresolved.append(UnresolvedValue(setting: "audiences", placeholder: "oidc_audience_claims", location: claimsUnknown.location,
                                                           reason: "are compared with the first claim of oidc_audience_claims the token has (aud when unset), and oidc_audience_claims \(claimsUnknown.why), so they were not compared"))
            }
            return provider
        }

        var main = base(clientID?.values.last?.location ?? clientID?.key ?? instance.name.location)
        main.issuer = settings["oidc_issuer_url"]?.values.last
        // go-oidc's SkipIssuerCheck: the iss claim is never compared, whatever oidc_issuer_url says.
        if let skip = settings["insecure_oidc_skip_issuer_verification"]?.values.last, ["true", "1", "t"].contains(where: { $0.isExactly(ASCII.lowercased(skip.value)) }) {
            main.issuer = nil
            main.issuerCaveat = "sets insecure_oidc_skip_issuer_verification, so oauth2-proxy does not check the token's iss: a token from any issuer whose keys it holds is accepted"
        }
        main.jwksUri = settings["oidc_jwks_url"]?.values.last
        if let issuer = settings["oidc_issuer_url"], issuer.values.isEmpty, let elsewhere = issuer.elsewhere {
            main.unresolved.append(UnresolvedValue(setting: "issuer", placeholder: "oidc_issuer_url", location: issuer.key, reason: "comes from \(elsewhere), so it was not compared"))
        } else if settings["oidc_issuer_url"] == nil, main.issuerCaveat == nil, !instance.unread.isEmpty {
            main.unresolved.append(UnresolvedValue(setting: "issuer", placeholder: "oidc_issuer_url", location: instance.name.location,
                                                   reason: "oidc_issuer_url is not set here and may come from elsewhere\(unreadSources), so it was not compared"))
        } else if main.issuer != nil, let skip = unknown("insecure_oidc_skip_issuer_verification") {
            // The Secret behind envFrom may hold OAUTH2_PROXY_INSECURE_OIDC_SKIP_ISSUER_VERIFICATION=true.
            main.issuer = nil
            main.unresolved.append(UnresolvedValue(setting: "issuer", placeholder: "insecure_oidc_skip_issuer_verification", location: skip.location,
                                                   reason: "is checked only when insecure_oidc_skip_issuer_verification is not true, and insecure_oidc_skip_issuer_verification \(skip.why), so it was not compared"))
        }
        if let source = instance.providersFrom {
            main.issuer = nil
            main.jwksUri = nil
            main.unresolved.append(UnresolvedValue(setting: "audiences", placeholder: "alpha-config", location: instance.name.location,
                                                   reason: "come from \(source), which drift does not read, so they were not compared"))
            return [main]
        }
        if main.audienceCaveat == nil, let extrasSetting = settings["oidc_extra_audiences"], extrasSetting.values.isEmpty, let elsewhere = extrasSetting.elsewhere {
            main.unresolved.append(UnresolvedValue(setting: "audiences", placeholder: "oidc_extra_audiences", location: extrasSetting.key,
                                                   reason: "are client_id and oidc_extra_audiences, and oidc_extra_audiences comes from \(elsewhere), so they were not compared"))
        } else if main.audienceCaveat == nil, settings["oidc_extra_audiences"] == nil, clientID?.values.last != nil, !instance.unread.isEmpty {
            main.unresolved.append(UnresolvedValue(setting: "audiences", placeholder: "oidc_extra_audiences", location: clientID?.key ?? instance.name.location,
                                                   reason: "are client_id and oidc_extra_audiences, and oidc_extra_audiences is not set here and may come from elsewhere\(unreadSources), so they were not compared"))
        } else if main.audienceCaveat == nil {
            if let id = clientID?.values.last {
                // With the claim not known, the list is noted as not compared rather than taken as aud's.
                if claimsUnknown == nil { main.setAudiences([id] + extras) }
                main.audiencesLocation = id.location
            } else {
                let from = clientID?.elsewhere.map { "client_id comes from \($0)" } ?? "client_id is not set here\(unreadSources)"
                main.unresolved.append(UnresolvedValue(setting: "audiences", placeholder: "client_id", location: clientID?.key ?? instance.name.location,
                                                       reason: "are client_id and oidc_extra_audiences, and \(from), so they were not compared"))
            }
        }
        let skipLocation = settings["skip_jwt_bearer_tokens"]?.key ?? main.location
        if let bearerUnknown {
            main.unresolved.append(UnresolvedValue(
                setting: "skip_jwt_bearer_tokens", placeholder: "skip_jwt_bearer_tokens", location: bearerUnknown.location,
                reason: "\(bearerUnknown.why), so whether oauth2-proxy verifies bearer tokens, and with them accepts extra_jwt_issuers, was not read"))
        } else if !bearer {
            main.unresolved.append(UnresolvedValue(
                setting: "skip_jwt_bearer_tokens", placeholder: "false", location: skipLocation,
                reason: "is not true, so oauth2-proxy accepts no bearer token: callers need its login session, whose ID token is checked against client_id and oidc_extra_audiences (the audiences compared here)"
                    + (settings["extra_jwt_issuers"]?.values.isEmpty == false ? "; extra_jwt_issuers are ignored" : "")))
        }
        // When skip_jwt_bearer_tokens is not known the extra issuers may be accepted, so they are compared.
        let mayAcceptBearer = bearer || bearerUnknown != nil
        if mayAcceptBearer, let issuers = unknown("extra_jwt_issuers", plural: true) {
            main.unresolved.append(UnresolvedValue(setting: "extra_jwt_issuers", placeholder: "extra_jwt_issuers", location: issuers.location,
                                                   reason: "\(issuers.why): the issuers and audiences they admit were not compared"))
        }
        var result = [main]
        guard mayAcceptBearer else { return result }
        for pair in settings["extra_jwt_issuers"]?.values ?? [] {
            // Split at the first '=', as pkg/validation/options.go parseJwtIssuers does.
            // The first '=' byte, as Go's strings.Cut finds it; a `Character` search misses "=" followed by
            // a combining mark.
            guard let equals = pair.value.unicodeScalars.firstIndex(of: "=") else {
                throw DeploymentReadError("extra_jwt_issuers entry '\(pair.value)' is not issuer=audience; oauth2-proxy refuses to start", at: pair.location)
            }
            let issuer = String(pair.value.unicodeScalars[..<equals])
            let audience = String(pair.value.unicodeScalars[pair.value.unicodeScalars.index(after: equals)...])
            var extra = base(pair.location)
            extra.name = Located("\(instance.name.value) (extra_jwt_issuers \(issuer))", at: instance.name.location)
            extra.aliases = [instance.name.value, issuer] + instance.aliases
            extra.issuer = Located(issuer, at: pair.location)
            let audienceAt = SourceLocation(file: file, line: pair.location.line, column: pair.location.column + issuer.unicodeScalars.count + 1)
            if extra.audienceCaveat == nil, claimsUnknown == nil {
                extra.setAudiences([Located(audience, at: audienceAt)] + extras)
                extra.audiencesLocation = audienceAt
            }
            result.append(extra)
        }
        return result
    }

    // MARK: Kubernetes manifests

    static func manifestInstances(_ documents: [YAMLDocument], file: String) -> [Instance] {
        var objects: [YAMLNode] = []
        for document in documents {
            if document.root["kind"]?.scalar == "List" { objects += document.root["items"]?.sequence ?? [] } else { objects.append(document.root) }
        }
        var instances: [Instance] = []
        for object in objects {
            let spec: YAMLNode?
            switch object["kind"]?.scalar {
            case "Pod": spec = object["spec"]
            case "CronJob": spec = object["spec"]?["jobTemplate"]?["spec"]?["template"]?["spec"]
            case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job": spec = object["spec"]?["template"]?["spec"]
            default: spec = nil
            }
            let workload = ConfigYAML.string(object["metadata"]?["name"], file: file)
            for container in (spec?["containers"]?.sequence ?? []) + (spec?["initContainers"]?.sequence ?? []) {
                if let instance = instance(container, workload: workload, file: file) { instances.append(instance) }
            }
        }
        return instances
    }

    static func instance(_ container: YAMLNode, workload: Located<String>?, file: String) -> Instance? {
        let words = (container["command"]?.sequence ?? []) + (container["args"]?.sequence ?? [])
        let env = container["env"]?.sequence ?? []
        let image = container["image"]?.scalar ?? ""
        let flagged = words.contains { word in
            ["--client-id", "--oidc-issuer-url", "--skip-jwt-bearer-tokens", "--extra-jwt-issuers"].contains { word.scalar?.hasPrefix($0) == true }
        }
        let enved = env.contains { $0["name"]?.scalar?.hasPrefix("OAUTH2_PROXY_") == true }
        guard image.contains("oauth2-proxy") || flagged || enved else { return nil }
        let containerName = ConfigYAML.string(container["name"], file: file)
        guard let name = workload ?? containerName else { return nil }
        var settings: [String: Setting] = [:]
        var unread: [String] = []
        var unreadAt: SourceLocation?
        var providersFrom: String?

        // The environment first; flags then replace what they set.
        for variable in env {
            // Viper looks up exactly `OAUTH2_PROXY_` and the upper-cased key: `OAUTH2_PROXY_client_id` is
            // another variable, which oauth2-proxy never reads.
            guard let variableName = variable["name"]?.scalar, variableName.hasBytePrefix("OAUTH2_PROXY_"),
                  !variableName.utf8.contains(where: { (0x61...0x7A).contains($0) }) else { continue }
            let key = ASCII.lowercased(String(variableName.unicodeScalars.dropFirst("OAUTH2_PROXY_".count)))
            let configKey = key == "oidc_audience_claim" ? "oidc_audience_claims" : key == "oidc_extra_audience" ? "oidc_extra_audiences" : String(key)
            guard keys.contains(configKey) else { continue }
            let keyLocation = ConfigYAML.location(variable["name"]!, file: file)
            if let value = variable["value"], let text = ConfigYAML.string(value, file: file) {
                // Kubernetes replaces `$(NAME)` in env values too, with a variable defined before it.
                if text.value.hasSubstring("$(") {
                    settings[configKey] = Setting(values: [], key: keyLocation, elsewhere: "the Kubernetes reference in '\(text.value)', expanded from the container's environment")
                    continue
                }
                let values = listKeys.contains(configKey) ? ConfigYAML.strings(value, file: file) ?? [] : [text]
                settings[configKey] = Setting(values: values, key: keyLocation)
            } else if let from = variable["valueFrom"] {
                let ref = from["secretKeyRef"].map { "Secret '\($0["name"]?.scalar ?? "?")' key '\($0["key"]?.scalar ?? "?")'" }
                    ?? from["configMapKeyRef"].map { "ConfigMap '\($0["name"]?.scalar ?? "?")' key '\($0["key"]?.scalar ?? "?")'" } ?? "valueFrom"
                settings[configKey] = Setting(values: [], key: keyLocation, elsewhere: "\(variableName) from \(ref)")
            }
        }
        if let from = container["envFrom"]?.sequence, let first = from.first {
            unread.append("envFrom")
            unreadAt = ConfigYAML.location(first, file: file)
        }

        var flags: [String: Setting] = [:]
        var index = 0
        // A shell runs the proxy (`command: [sh, -c, "oauth2-proxy --client-id=…"]`): its flags are in a
        // script drift does not parse, and they override the environment.
        if let shell = container["command"]?.sequence?.first?.scalar, let program = shell.splitOnScalar("/").last,
           ["sh", "bash", "dash", "ash", "zsh", "busybox"].contains(where: { $0.isExactly(program) }) {
            providersFrom = "the shell command run by \(shell), whose flags drift does not parse"
            index = words.count
        }
        while index < words.count {
            let node = words[index]
            index += 1
            guard let word = node.scalar, word.hasBytePrefix("-") else { continue }
            // pflag stops at `--`: every word after it is an argument, and oauth2-proxy reads none.
            if word.isExactly("--") { break }
            // On scalars, as pflag reads bytes: in `--flag=\u{FE0F}x` the `=` and the variation selector
            // are one `Character`, so a `Character` search would find no `=` and drop the flag.
            let body = word.unicodeScalars.drop { $0 == "-" }
            let flag: String
            var value: Located<String>?
            let start = node.start.column + (node.content.isQuoted ? 1 : 0)
            if let equals = body.firstIndex(of: "=") {
                flag = String(String.UnicodeScalarView(body[..<equals]))
                let valueScalars = body[body.index(after: equals)...]
                let prefix = word.unicodeScalars.count - valueScalars.count
                value = Located(String(String.UnicodeScalarView(valueScalars)), at: SourceLocation(file: file, line: node.start.line, column: start + prefix))
            } else {
                flag = String(String.UnicodeScalarView(body))
                // pflag's bool flags are true when bare and never take the next word as their value.
                if Self.boolFlags.contains(where: { $0.isExactly(flag) }) {
                    value = Located("true", at: ConfigYAML.location(node, file: file))
                } else if index < words.count, let next = words[index].scalar,
                          !next.hasBytePrefix("-") || keys.contains(Self.configKey(flag: flag)) {
                    // pflag gives a flag that takes a value the next word, even one starting with `-`.
                    // For flags audreg does not know, a word starting with `-` is taken as the next flag.
                    value = ConfigYAML.string(words[index], file: file)
                    index += 1
                }
            }
            if flag.isExactly("config") {
                unread.append("the config file \(value?.value ?? "")")
                unreadAt = unreadAt ?? ConfigYAML.location(node, file: file)
            }
            // With an alpha config, the providers (client ID, audiences, issuer) come from that file.
            if flag.isExactly("alpha-config") { providersFrom = "the alpha config \(value?.value ?? "")" }
            let configKey = Self.configKey(flag: flag)
            guard keys.contains(configKey), let value else { continue }
            let keyLocation = ConfigYAML.location(node, file: file)
            // Kubernetes replaces `$(NAME)` in args with the container's variable before the proxy sees it.
            if value.value.hasSubstring("$(") {
                flags[configKey] = Setting(values: [], key: keyLocation, elsewhere: "the Kubernetes reference in '\(value.value)', expanded from the container's environment")
                continue
            }
            if listKeys.contains(configKey) {
                // pflag's StringSlice: repeatable, each value a comma-separated list.
                var column = value.location.column
                var setting = flags[configKey] ?? Setting(key: keyLocation)
                for part in value.value.splitOnScalar(",", omittingEmptySubsequences: false) {
                    if !part.isEmpty { setting.values.append(Located(part, at: SourceLocation(file: file, line: value.location.line, column: column))) }
                    column += part.unicodeScalars.count + 1
                }
                flags[configKey] = setting
            } else {
                flags[configKey] = Setting(values: [value], key: keyLocation)
            }
        }
        settings.merge(flags) { _, flag in flag }
        return Instance(name: name, aliases: [containerName?.value].compactMap { $0 }.filter { $0 != name.value } + ["oauth2-proxy"],
                        settings: settings, unread: unread, unreadAt: unreadAt, providersFrom: providersFrom)
    }

    /// The boolean flags audreg reads.
    static let boolFlags = ["skip-jwt-bearer-tokens", "insecure-oidc-skip-issuer-verification", "skip-auth-preflight"]

    static func configKey(flag: String) -> String {
        if flag.isExactly("oidc-extra-audience") { return "oidc_extra_audiences" }
        if flag.isExactly("skip-auth-route") { return "skip_auth_routes" }
        if flag.isExactly("trusted-ip") { return "trusted_ips" }
        if flag.isExactly("oidc-audience-claim") { return "oidc_audience_claims" }
        return String(String.UnicodeScalarView(flag.unicodeScalars.map { $0 == "-" ? "_" : $0 }))
    }


    // MARK: The TOML config file

    /// The settings drift reads from an oauth2-proxy config file. Viper reads it as TOML; this reads
    /// the part of TOML such files use (`key = value` with basic or literal strings, arrays of them over
    /// several lines, booleans, numbers, comments) and refuses anything else with its position.
    static func parseConfigFile(_ bytes: [UInt8], file: String) throws(DeploymentReadError) -> [String: Setting] {
        let scalars = Array(String(decoding: bytes, as: UTF8.self).unicodeScalars)
        var i = 0, line = 1, column = 1
        var result: [String: Setting] = [:]
        func here() -> SourceLocation { SourceLocation(file: file, line: line, column: column) }
        func advance() { if scalars[i] == "\n" { line += 1; column = 1 } else { column += 1 }; i += 1 }
        func skipBlank(newlines: Bool) {
            while i < scalars.count {
                let c = scalars[i]
                if c == " " || c == "\t" || c == "\r" || (newlines && c == "\n") { advance() } else if c == "#" {
                    while i < scalars.count, scalars[i] != "\n" { advance() }
                } else { break }
            }
        }
        /// A string's position is that of its first character, after the quote, so that a part of it
        /// (the audience of an issuer=audience pair) is found by counting.
        func string() throws(DeploymentReadError) -> Located<String> {
            let quote = scalars[i]
            advance()
            let at = here()
            var text = String.UnicodeScalarView()
            while i < scalars.count, scalars[i] != quote {
                if scalars[i] == "\n" { throw DeploymentReadError("a string runs to the end of the line", at: at) }
                if quote == "\"", scalars[i] == "\\", i + 1 < scalars.count {
                    advance()
                    let escape = scalars[i]
                    switch escape {
                    case "n": text.append("\n")
                    case "t": text.append("\t")
                    case "r": text.append("\r")
                    case "\"", "\\": text.append(escape)
                    case "u", "U":
                        let length = escape == "u" ? 4 : 8
                        guard i + length < scalars.count else { throw DeploymentReadError("a \\\(escape) escape needs \(length) hex digits", at: here()) }
                        let hex = String(String.UnicodeScalarView(scalars[(i + 1)...(i + length)]))
                        guard let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) else {
                            throw DeploymentReadError("'\\\(escape)\(hex)' is not a Unicode scalar value", at: here())
                        }
                        for _ in 0..<length { advance() }
                        text.append(scalar)
                    default: throw DeploymentReadError("unknown escape '\\\(escape)' in a string", at: here())
                    }
                    advance()
                    continue
                }
                text.append(scalars[i])
                advance()
            }
            guard i < scalars.count else { throw DeploymentReadError("unterminated string", at: at) }
            advance()
            return Located(String(text), at: at)
        }
        func bare() -> Located<String> {
            let at = here()
            var text = String.UnicodeScalarView()
            while i < scalars.count, !" \t\r\n#,]".unicodeScalars.contains(scalars[i]) { text.append(scalars[i]); advance() }
            return Located(String(text), at: at)
        }
        func scalar() throws(DeploymentReadError) -> Located<String> {
            if scalars[i] == "\"" || scalars[i] == "'" { return try string() }
            let value = bare()
            guard value.value == "true" || value.value == "false" || Double(value.value.replacingOccurrences(of: "_", with: "")) != nil else {
                throw DeploymentReadError("'\(value.value)' is not a TOML value (strings need quotes)", at: value.location)
            }
            return value
        }

        while true {
            skipBlank(newlines: true)
            guard i < scalars.count else { break }
            let keyAt = here()
            if scalars[i] == "[" { throw DeploymentReadError("TOML tables are not part of an oauth2-proxy config file", at: keyAt) }
            let key: String
            if scalars[i] == "\"" || scalars[i] == "'" { key = try string().value } else {
                var text = String.UnicodeScalarView()
                while i < scalars.count, scalars[i].properties.isAlphabetic || ("0"..."9").contains(scalars[i]) || scalars[i] == "_" || scalars[i] == "-" {
                    text.append(scalars[i]); advance()
                }
                key = String(text)
            }
            guard !key.isEmpty else { throw DeploymentReadError("expected a key = value line", at: keyAt) }
            skipBlank(newlines: false)
            guard i < scalars.count, scalars[i] == "=" else { throw DeploymentReadError("expected '=' after '\(key)'", at: here()) }
            advance()
            skipBlank(newlines: false)
            guard i < scalars.count, scalars[i] != "\n" else { throw DeploymentReadError("'\(key)' has no value", at: here()) }
            var values: [Located<String>] = []
            if scalars[i] == "[" {
                let open = here()
                advance()
                while true {
                    skipBlank(newlines: true)
                    guard i < scalars.count else { throw DeploymentReadError("the list is not closed by ']'", at: open) }
                    if scalars[i] == "]" { advance(); break }
                    values.append(try scalar())
                    skipBlank(newlines: true)
                    guard i < scalars.count else { throw DeploymentReadError("the list is not closed by ']'", at: open) }
                    if scalars[i] == "," { advance() } else if scalars[i] != "]" {
                        throw DeploymentReadError("expected ',' or ']' in the list", at: here())
                    }
                }
            } else {
                values = [try scalar()]
            }
            skipBlank(newlines: false)
            if i < scalars.count, scalars[i] != "\n" { throw DeploymentReadError("unexpected text after the value of '\(key)'", at: here()) }
            // Viper lower-cases keys: `Client_ID` is `client_id`, and two spellings of one key are refused
            // here as TOML refuses a repeated key, since which one viper keeps is not specified.
            let lowered = ASCII.lowercased(key)
            if result[lowered] != nil { throw DeploymentReadError("'\(key)' is set twice (TOML refuses duplicate keys, and viper ignores case)", at: keyAt) }
            result[lowered] = Setting(values: values, key: keyAt)
        }
        return result.filter { keys.contains($0.key) }
    }
}

/// NGINX Plus `ngx_http_auth_jwt_module` in an nginx.conf or a snippet meant for `include`. A provider
/// is each `http`, `server` or `location` block (or the snippet's top level) that sets an `auth_jwt`
/// directive and leaves JWT validation on; it is named `<server_name> <location>` (or the server name),
/// and also selected by its location, any of its server's names and its realm.
///
/// The module has no audience or issuer directive: they are checked only through `auth_jwt_require`
/// with variables that a `map` on `$jwt_claim_aud` / `$jwt_claim_iss` (or an `auth_jwt_claim_set`
/// variable for `aud`/`iss`) sets: "authentication will succeed only if all the values are not empty
/// and are not equal to 0". The audiences a config accepts are that map's exact-string keys whose
/// value is neither empty nor `0`. Without such a map nothing but the signature and `exp`/`nbf` is
/// checked. Regex and host-mask keys, values from variables and `include`d map entries are not
/// guessed at: they are `config-value-unresolved` notes. `include` is never followed.
/// `auth_jwt_key_request` names a location whose `proxy_pass` URL is taken as a JWKS URL; a level may
/// set several, and nginx loads the keys of each.
/// `auth_jwt off` in a nested block turns verification off there (`config-verification-skipped`), and
/// so does `auth_jwt $variable` for the requests whose value is `off` (a `map` entry); a variable whose
/// values this file does not show is a `config-value-unresolved` note.
/// Under `satisfy any`, an `allow`, `auth_basic` or `auth_request` in scope admits a request without a
/// token, so such an auth_jwt accepts failures.
public struct NginxAuthJWTReader: DeploymentConfigReader {
    public static let kindName = "nginx"

    public let enforcer = EnforcerFacts(
        id: "nginx-auth-jwt", name: "NGINX Plus auth_jwt (ngx_http_auth_jwt_module)",
        audienceFields: ["map $jwt_claim_aud $var { \"<audience>\" 1; } with auth_jwt_require $var"],
        whenOmitted: .unchecked, matching: .configurable,
        consequence: "auth_jwt checks only the signature and exp/nbf, so tokens minted for other services are accepted",
        reference: "https://nginx.org/en/docs/http/ngx_http_auth_jwt_module.html#auth_jwt_require",
        verified: "auth_jwt_require: \"authentication will succeed only if all the values are not empty and are not equal to 0\"; ngx_http_map_module: \"Strings are matched ignoring the case\"",
        notes: "map keys match the whole $jwt_claim_aud value and ignore case, so a key https://orders.example.com also passes https://ORDERS.example.com; a regex key (~) matches patterns")

    public init() {}

    /// A `map` block whose result variable `auth_jwt_require` may name.
    struct ClaimMap {
        var directive: NginxDirective
        /// `aud` or `iss` (through `$jwt_claim_aud`/`$jwt_claim_iss` or an `auth_jwt_claim_set` variable), else nil.
        var claim: String?
        /// Exact keys whose value passes auth_jwt_require.
        var passing: [Located<String>] = []
        /// Entries whose effect cannot be read from the file, with why.
        var unreadable: [(Located<String>, String)] = []
        /// The `default` entry when its value passes: then every value of the claim passes.
        var passingDefault: Located<String>?
    }

    struct Scope {
        var auth: NginxDirective?
        var requires: [NginxDirective] = []
        /// Every `auth_jwt_key_request` of the nearest level that sets one: nginx loads the keys of all.
        var keyRequests: [NginxDirective] = []
        var serverNames: [String] = []
        var serverLabel: String?
        /// The provider whose settings apply here (the nearest enclosing one).
        var governing: Located<String>?
        var includes: [Located<String>] = []

        var isOn: Bool { auth.map { $0.args.first?.value != "off" } ?? false }

        /// `satisfy any` (inherited, the nearest level's own wins), and the access checks that can then
        /// let a request in instead of auth_jwt: allow/deny of the nearest level that writes any,
        /// auth_basic and auth_request unless turned off.
        var satisfyAny: NginxDirective?
        var access: [NginxDirective] = []
        var basic: NginxDirective?
        var authRequest: NginxDirective?

        /// Under `satisfy any` nginx grants access when one access-phase check allows: an `allow` that
        /// a `deny all` before it does not shadow, valid basic credentials, or a successful auth_request
        /// subrequest each let a request through with no token at all.
        var bypass: NginxDirective? {
            guard satisfyAny != nil else { return nil }
            for rule in access {
                if rule.name.value.isExactly("deny"), rule.args.first?.value.isExactly("all") == true { break }
                if rule.name.value.isExactly("allow") { return rule }
            }
            return basic ?? authRequest
        }
    }

    public func read(_ bytes: [UInt8], file: String, settings: DeploymentReadSettings) throws(DeploymentReadError) -> DeployedConfig {
        let top = try NginxConfigParser.parse(bytes, file: file)
        var claimVariables: [String: String] = [:]
        var mapDirectives: [NginxDirective] = []
        var locations: [NginxDirective] = []
        var assigned: [String: NginxDirective] = [:]
        Self.collect(top) { directive in
            switch directive.name.value {
            case "auth_jwt_claim_set":
                if directive.args.count == 2, let variable = Self.variableName(directive.args[0].value),
                   let claim = ["aud", "iss"].first(where: { $0.isExactly(directive.args[1].value) }) {
                    claimVariables[variable] = claim
                }
            case "set" where directive.args.count >= 1:
                if let variable = Self.variableName(directive.args[0].value), assigned[variable] == nil { assigned[variable] = directive }
            case "map" where directive.block != nil && directive.args.count == 2:
                mapDirectives.append(directive)
            case "location" where directive.block != nil:
                locations.append(directive)
            default: break
            }
        }
        var maps: [String: ClaimMap] = [:]
        for directive in mapDirectives {
            // A second map for the same variable (whatever its case) replaces the first's handler in
            // nginx, without an error: the last one is the one enforced.
            guard let output = Self.variableName(directive.args[1].value) else { continue }
            var map = Self.claimMap(directive, claimVariables: claimVariables, file: file)
            // `set` replaces the map's value in the rewrite phase, before auth_jwt_require reads it.
            if let set = assigned[output] {
                map.unreadable.append((set.args[0], "assigns \(set.args[0].value) with set at line \(set.location.line), which replaces the map's value before auth_jwt_require reads it"))
            }
            maps[output] = map
        }

        var providers: [DeployedProvider] = []
        var requirements: [DeployedRequirement] = []
        // nginx hands a request to one location, which inherits from its server and http blocks but
        // never from a sibling: auth_jwt in `location /admin` leaves every other location open. Per
        // server (nil: the file's top level), its providers and its locations that verify nothing.
        struct ServerLocations {
            var server: NginxDirective?
            var serverOn: Bool
            var providers: [Located<String>] = []
            var open: [(location: NginxDirective, label: String, includes: [Located<String>])] = []
            var catchAll = false
            /// Files the server's own block includes, which may set auth_jwt for everything.
            var includes: [Located<String>] = []
        }
        var servers: [ServerLocations] = []
        func walk(_ block: [NginxDirective], context: NginxDirective?, inherited: Scope) {
            var scope = inherited
            let own = block.filter { ["auth_jwt", "auth_jwt_require", "auth_jwt_key_file", "auth_jwt_key_request"].contains($0.name.value) }
            if let auth = own.last(where: { $0.name.value == "auth_jwt" }) { scope.auth = auth }
            let ownRequires = own.filter { $0.name.value == "auth_jwt_require" }
            if !ownRequires.isEmpty { scope.requires = ownRequires }
            let ownRequests = own.filter { $0.name.value == "auth_jwt_key_request" }
            if !ownRequests.isEmpty { scope.keyRequests = ownRequests }
            if own.contains(where: { $0.name.value == "auth_jwt_key_file" }), ownRequests.isEmpty {
                scope.keyRequests = []
            }
            scope.includes += block.filter { $0.name.value == "include" }.compactMap(\.args.first)
            // nginx reads `satisfy`'s value ignoring case (ngx_conf_set_enum_slot); auth_basic and
            // auth_request compare `off` exactly.
            if let satisfy = block.last(where: { $0.name.value.isExactly("satisfy") }), let value = satisfy.args.first?.value {
                scope.satisfyAny = ASCII.lowercased(value).isExactly("any") ? satisfy : nil
            }
            let ownAccess = block.filter { $0.name.value.isExactly("allow") || $0.name.value.isExactly("deny") }
            if !ownAccess.isEmpty { scope.access = ownAccess }
            if let basic = block.last(where: { $0.name.value.isExactly("auth_basic") }) {
                scope.basic = basic.args.first?.value.isExactly("off") == true ? nil : basic
            }
            if let request = block.last(where: { $0.name.value.isExactly("auth_request") }) {
                scope.authRequest = request.args.first?.value.isExactly("off") == true ? nil : request
            }
            if let context, context.name.value == "server" {
                scope.serverNames = Self.serverNames(context)
                scope.serverLabel = Self.serverLabel(context)
            }
            let label = Self.label(context, scope: scope)
            if context?.name.value.isExactly("server") == true || (context == nil && servers.isEmpty) {
                servers.append(ServerLocations(server: context, serverOn: scope.isOn, includes: scope.includes))
            }
            if let context, context.name.value.isExactly("location"), !servers.isEmpty {
                if Self.coversEveryPath(context) { servers[servers.count - 1].catchAll = true }
                // An `internal` location answers only nginx's own subrequests (the JWKS fetch).
                let isInternal = block.contains { $0.name.value.isExactly("internal") }
                // A named location (`@app`) is reached only by an internal redirect, after the access
                // phase of the location that redirected.
                let isNamed = context.args.first.map { $0.value.hasBytePrefix("@") } ?? false
                if !scope.isOn, !inherited.isOn, !isInternal, !isNamed { servers[servers.count - 1].open.append((context, label, scope.includes)) }
            }
            if !own.isEmpty {
                if scope.isOn {
                    let provider = makeProvider(scope: scope, own: own, context: context, label: label, maps: maps, locations: locations, file: file)
                    if let name = provider.name {
                        if !servers.isEmpty { servers[servers.count - 1].providers.append(name) }
                        var required = DeployedRequirement(mode: .required, label: label, location: provider.location,
                                                           providers: [.init(name: name, audiences: nil, audiencesLocation: nil)])
                        required.coversEveryPath = Self.coversEveryPath(context)
                        if let bypass = scope.bypass { Self.weaken(&required, by: bypass) }
                        if let auth = scope.auth, let realm = auth.args.first {
                            switch Self.realm(realm, maps: maps, assigned: assigned) {
                            case .on: break
                            case .off(let entries):
                                let which = entries.map { $0.value.isExactly("default") ? "by default" : "for key '\($0.value)'" }.joined(separator: ", ")
                                required.mode = .disabled
                                required.location = realm.location
                                required.explanation = "takes auth_jwt's realm from \(realm.value), which the map at line \(entries[0].location.line) sets to off \(which), and a realm of off turns auth_jwt off, so nginx verifies no token for those requests"
                            case .unknown(let why):
                                required.mode = .unknown
                                required.location = realm.location
                                required.explanation = "takes auth_jwt's realm from \(realm.value), \(why), so whether it is off for some requests (then nginx verifies no token for them) was not read"
                            }
                        }
                        requirements.append(required)
                        scope.governing = name
                    }
                    providers.append(provider)
                } else if inherited.isOn, let auth = scope.auth, let governing = inherited.governing {
                    var off = DeployedRequirement(mode: .disabled, label: label, location: auth.location,
                                                  providers: [.init(name: governing, audiences: nil, audiencesLocation: nil)])
                    off.explanation = "sets auth_jwt off, so nginx verifies no token there"
                    off.coversEveryPath = Self.coversEveryPath(context)
                    requirements.append(off)
                }
            }
            // A nested block that inherits auth_jwt but brings its own way around it.
            if own.isEmpty, scope.isOn, let bypass = scope.bypass, inherited.bypass == nil, let governing = scope.governing {
                var weakened = DeployedRequirement(mode: .required, label: label, location: bypass.location,
                                                   providers: [.init(name: governing, audiences: nil, audiencesLocation: nil)])
                weakened.coversEveryPath = Self.coversEveryPath(context)
                Self.weaken(&weakened, by: bypass)
                requirements.append(weakened)
            }
            for child in block {
                guard let inner = child.block, ["http", "server", "location", "limit_except"].contains(child.name.value) else { continue }
                walk(inner, context: child, inherited: scope)
            }
        }
        walk(top, context: nil, inherited: Scope())
        for server in servers where !server.serverOn && !server.providers.isEmpty {
            let uses = server.providers.map { DeployedRequirement.ProviderUse(name: $0, audiences: nil, audiencesLocation: nil) }
            for (location, label, includes) in server.open {
                var open = DeployedRequirement(mode: .disabled, label: label, location: location.location, providers: uses)
                let unread = includes.isEmpty ? "" : " (drift does not follow include \(includes.map(\.value).joined(separator: ", ")), which may set it)"
                open.explanation = "sets no auth_jwt and inherits none (auth_jwt in a sibling location does not apply)\(unread), so nginx verifies no token there"
                open.coversEveryPath = Self.coversEveryPath(location)
                // A snippet's locations may be included into a server that sets auth_jwt itself, and an
                // included file may set it for the location: said as a warning, not claimed.
                open.inferredFromAbsence = server.server == nil || !includes.isEmpty
                requirements.append(open)
            }
            if let directive = server.server, !server.catchAll {
                var unmatched = DeployedRequirement(mode: .disabled, label: "requests of \(Self.serverLabel(directive)) that match no location",
                                                    location: directive.location, providers: uses)
                unmatched.explanation = "are served by the server itself, which sets no auth_jwt (it has no `location /`), so nginx verifies no token for them"
                unmatched.coversEveryPath = false
                unmatched.inferredFromAbsence = !server.includes.isEmpty
                requirements.append(unmatched)
            }
        }

        var config = DeployedConfig(file: file, providers: providers,
                                    providersLocation: providers.first?.location ?? SourceLocation(file: file, line: 1, column: 1),
                                    providerNoun: "nginx auth_jwt")
        config.requirements = requirements
        return config
    }

    func makeProvider(scope: Scope, own: [NginxDirective], context: NginxDirective?, label: String,
                      maps: [String: ClaimMap], locations: [NginxDirective], file: String) -> DeployedProvider {
        let path = context?.name.value == "location" ? context?.args.map(\.value).joined(separator: " ") : nil
        let server = scope.serverNames.first
        let nameText = [server, path].compactMap { $0 }.joined(separator: " ")
        let at = (own.first { $0.name.value == "auth_jwt" } ?? own[0]).location
        let name = nameText.isEmpty ? (context.map { "\($0.name.value) at line \($0.location.line)" } ?? "top level") : nameText
        var provider = DeployedProvider(name: Located(name, at: at), location: at)
        provider.aliases = ([path] + scope.serverNames.map(Optional.some) + [scope.auth?.args.first?.value]).compactMap { $0 }.filter { $0 != name }
        provider.audiencesLocation = at

        var audienceMaps: [ClaimMap] = []
        var issuerMaps: [ClaimMap] = []
        var unknown: [Located<String>] = []
        for require in scope.requires {
            for argument in require.args where !argument.value.hasPrefix("error=") {
                guard let variable = Self.variableName(argument.value) else { continue }
                if let map = maps[variable] {
                    if map.claim == "aud" { audienceMaps.append(map) } else if map.claim == "iss" { issuerMaps.append(map) }
                } else {
                    unknown.append(argument)
                }
            }
        }
        let includeNote = scope.includes.isEmpty ? "" : " (drift does not follow include \(scope.includes.map(\.value).joined(separator: ", ")))"
        for argument in unknown where audienceMaps.isEmpty || issuerMaps.isEmpty {
            let reason = "may be checked by auth_jwt_require \(argument.value), whose map is not in this file\(includeNote), so it was not compared"
            if audienceMaps.isEmpty { provider.unresolved.append(UnresolvedValue(setting: "audiences", placeholder: argument.value, location: argument.location, reason: reason)) }
            if issuerMaps.isEmpty { provider.unresolved.append(UnresolvedValue(setting: "issuer", placeholder: argument.value, location: argument.location, reason: reason)) }
        }

        if !audienceMaps.isEmpty {
            let mapLocation = audienceMaps[0].directive.location
            provider.audiencesLocation = mapLocation
            for map in audienceMaps {
                for (entry, why) in map.unreadable {
                    provider.unresolved.append(UnresolvedValue(setting: "audiences", placeholder: entry.value, location: entry.location,
                                                               reason: "come from a map whose entry '\(entry.value)' \(why), so they were not compared"))
                }
            }
            if let open = audienceMaps.first(where: { $0.passingDefault != nil }), let value = open.passingDefault {
                provider.audiencesLocation = value.location
                provider.audienceCaveat = Located("the map on $jwt_claim_aud gives '\(value.value)' by default, which auth_jwt_require accepts for every audience", at: value.location)
            } else if !provider.unresolved.contains(where: { $0.setting == "audiences" }) {
                // Every auth_jwt_require value must pass, so with several audience maps only keys all of them accept pass.
                var passing = audienceMaps[0].passing
                for map in audienceMaps.dropFirst() {
                    passing = passing.filter { key in map.passing.contains { $0.value.isExactly(key.value) } }
                }
                if passing.isEmpty {
                    provider.unresolved.append(UnresolvedValue(setting: "audiences", placeholder: audienceMaps[0].directive.args[1].value, location: mapLocation,
                                                               reason: "are none: no key of the map on $jwt_claim_aud gives a value other than empty or 0, so nginx refuses every token there"))
                } else {
                    provider.setAudiences(passing)
                }
            }
        }

        if let open = issuerMaps.first(where: { $0.passingDefault != nil }), let value = open.passingDefault {
            provider.issuerCaveat = "lets every issuer through: the map on $jwt_claim_iss gives '\(value.value)' by default (line \(value.location.line))"
        } else if !issuerMaps.isEmpty {
            for map in issuerMaps {
                for (entry, why) in map.unreadable {
                    provider.unresolved.append(UnresolvedValue(setting: "issuer", placeholder: entry.value, location: entry.location,
                                                               reason: "come from a map whose entry '\(entry.value)' \(why), so they were not compared"))
                }
            }
            var passing = issuerMaps[0].passing
            for map in issuerMaps.dropFirst() { passing = passing.filter { key in map.passing.contains { $0.value.isExactly(key.value) } } }
            provider.issuer = passing.first
            provider.extraIssuers = Array(passing.dropFirst())
        } else if unknown.isEmpty {
            provider.issuerCaveat = "checks no issuer: nginx checks iss only through auth_jwt_require with a map on $jwt_claim_iss, and none applies here, so a token from any issuer whose keys it holds is accepted"
        }

        let keySets = scope.keyRequests.compactMap { request in request.args.first.flatMap { Self.proxyPass(for: $0.value, in: locations) } }
        provider.jwksUri = keySets.first
        provider.extraJwksUris = Array(keySets.dropFirst())
        return provider
    }

    /// The URL `proxy_pass` gives in the location that `auth_jwt_key_request` names; nil when it is not
    /// a plain URL in this file.
    static func proxyPass(for uri: String, in locations: [NginxDirective]) -> Located<String>? {
        for location in locations {
            let args = location.args.map(\.value)
            let matches = (args.count == 2 && args[0] == "=" && args[1].utf8.elementsEqual(uri.utf8)) || (args.count == 1 && args[0].utf8.elementsEqual(uri.utf8))
            guard matches, let pass = location.block?.last(where: { $0.name.value == "proxy_pass" })?.args.first else { continue }
            return pass.value.contains("$") ? nil : pass
        }
        return nil
    }

    static func claimMap(_ directive: NginxDirective, claimVariables: [String: String], file: String) -> ClaimMap {
        var map = ClaimMap(directive: directive)
        if let source = variableName(directive.args[0].value) {
            if source.isExactly("$jwt_claim_aud") { map.claim = "aud" } else if source.isExactly("$jwt_claim_iss") { map.claim = "iss" } else { map.claim = claimVariables[source] }
        }
        guard map.claim != nil else { return map }
        var hostnames = false
        for entry in directive.block ?? [] {
            let key = entry.name
            switch key.value {
            case "hostnames" where entry.args.isEmpty: hostnames = true; continue
            case "volatile" where entry.args.isEmpty: continue
            case "include":
                map.unreadable.append((entry.args.first ?? key, "includes entries from another file that drift does not read"))
                continue
            case "default":
                if let value = entry.args.first, passes(value.value) == true { map.passingDefault = value }
                if let value = entry.args.first, passes(value.value) == nil { map.unreadable.append((value, "is a default set from a variable")) }
                continue
            default: break
            }
            guard let value = entry.args.first else { continue }
            var text = key.value
            // nginx decides on the key's first and last bytes, so these tests do too: `hasPrefix` works
            // on `Character`s, and "~" followed by a combining mark is one that is not "~".
            let first = text.utf8.first
            // A quoted "~…" is a regex too: nginx looks at the value after unquoting.
            if first == UInt8(ascii: "~") {
                if passes(value.value) != false { map.unreadable.append((key, "is a regular expression, which drift does not compare")) }
                continue
            }
            if hostnames, first == UInt8(ascii: ".") || first == UInt8(ascii: "*") || text.utf8.last == UInt8(ascii: "*") {
                if passes(value.value) != false { map.unreadable.append((key, "is a host name mask (hostnames), which drift does not compare")) }
                continue
            }
            // "If a source value matches one of the names of special parameters, it should be prefixed with \".
            // One byte, not one `Character`: "\\" and a combining mark after it are one.
            if first == UInt8(ascii: "\\") { text = String(decoding: text.utf8.dropFirst(), as: UTF8.self) }
            switch passes(value.value) {
            case true?: map.passing.append(Located(text, at: key.location))
            case nil: map.unreadable.append((key, "gives a value from a variable"))
            case false?: break
            }
        }
        return map
    }

    enum Realm {
        case on
        /// The map entries (their keys, `default` included) that give `off`.
        case off([Located<String>])
        case unknown(String)
    }

    /// What a variable in `auth_jwt`'s realm does. The realm is read per request, and one that comes out as
    /// exactly `off` turns validation off for that request as `auth_jwt off` does (as with auth_basic,
    /// whose realm nginx compares with "off" after evaluating it). Only a map in this file shows the values.
    static func realm(_ realm: Located<String>, maps: [String: ClaimMap], assigned: [String: NginxDirective]) -> Realm {
        guard realm.value.utf8.contains(UInt8(ascii: "$")) else { return .on }
        guard let variable = variableName(realm.value) else {
            // Text around the variables that is not all o's and f's keeps the realm from being "off".
            var literal: [UInt8] = []
            var bytes = realm.value.utf8[...]
            while let byte = bytes.popFirst() {
                guard byte == UInt8(ascii: "$") else { literal.append(byte); continue }
                if bytes.first == UInt8(ascii: "{") {
                    bytes = bytes.drop { $0 != UInt8(ascii: "}") }.dropFirst()
                } else {
                    bytes = bytes.drop { ASCII.isLetter($0) || ASCII.isDigit($0) || $0 == UInt8(ascii: "_") }
                }
            }
            if literal.contains(where: { $0 != UInt8(ascii: "o") && $0 != UInt8(ascii: "f") }) { return .on }
            return .unknown("which is built from variables")
        }
        if let set = assigned[variable] { return .unknown("which set at line \(set.location.line) assigns") }
        guard let map = maps[variable]?.directive else { return .unknown("which no map in this file sets") }
        var off: [Located<String>] = []
        for entry in map.block ?? [] {
            if entry.name.value.isExactly("include") { return .unknown("whose map at line \(map.location.line) includes entries from another file") }
            guard let value = entry.args.first else { continue }
            if value.value.utf8.contains(UInt8(ascii: "$")) { return .unknown("whose map at line \(map.location.line) gives a value from a variable for '\(entry.name.value)'") }
            if value.value.isExactly("off") { off.append(entry.name) }
        }
        return off.isEmpty ? .on : .off(off)
    }

    /// Whether a map value passes auth_jwt_require: neither empty nor "0"; nil when it holds a variable.
    static func passes(_ value: String) -> Bool? {
        // Bytes, as nginx reads them: "$" with a combining mark after it is still a variable to nginx.
        if value.utf8.contains(UInt8(ascii: "$")) { return nil }
        return !value.isEmpty && !value.isExactly("0")
    }

    /// `$name` or `${name}` as one whole argument, as the variable's name with its `$`, lower-cased:
    /// nginx names variables with ASCII letters, digits and `_` and looks them up without regard to
    /// case, so `$AUD_OK` and `$aud_ok` are one variable.
    static func variableName(_ text: String) -> String? {
        var bytes = Array(text.utf8)
        guard bytes.first == UInt8(ascii: "$") else { return nil }
        bytes.removeFirst()
        if bytes.first == UInt8(ascii: "{") {
            guard bytes.last == UInt8(ascii: "}") else { return nil }
            bytes = Array(bytes.dropFirst().dropLast())
        }
        guard !bytes.isEmpty, bytes.allSatisfy({ ASCII.isLetter($0) || ASCII.isDigit($0) || $0 == UInt8(ascii: "_") }) else { return nil }
        return "$" + String(decoding: bytes.map(ASCII.lowercased), as: UTF8.self)
    }

    static func weaken(_ requirement: inout DeployedRequirement, by bypass: NginxDirective) {
        requirement.mode = .failureAccepted
        requirement.location = bypass.location
        let what = bypass.name.value.isExactly("allow") ? "allow \(bypass.args.map(\.value).joined(separator: " "))" : bypass.name.value
        requirement.explanation = "is under satisfy any with \(what) (line \(bypass.location.line)), so nginx lets a request that passes \(what) through without a token: no issuer, key or audience check is enforced for it"
    }

    static func serverNames(_ server: NginxDirective) -> [String] {
        (server.block ?? []).filter { $0.name.value == "server_name" }.flatMap { $0.args.map(\.value) }.filter { $0 != "_" && !$0.isEmpty }
    }

    static func serverLabel(_ server: NginxDirective) -> String {
        serverNames(server).first.map { "server '\($0)'" } ?? "server at line \(server.location.line)"
    }

    static func label(_ context: NginxDirective?, scope: Scope) -> String {
        guard let context else { return "the file's top level" }
        switch context.name.value {
        case "location", "limit_except":
            let what = "\(context.name.value) \(context.args.map(\.value).joined(separator: " "))"
            return scope.serverLabel.map { "\(what) of \($0)" } ?? what
        case "server": return scope.serverLabel ?? "server"
        default: return "the \(context.name.value) block"
        }
    }

    /// Whether a block applies to every request path: anything but a location, or `location /`, or a
    /// regex location that matches everything. A narrower location (`/health`, `= /`) does not.
    static func coversEveryPath(_ context: NginxDirective?) -> Bool {
        guard let context, context.name.value == "location" else { return true }
        let args = context.args.map(\.value)
        if args == ["/"] || args == ["^~", "/"] { return true }
        if args.count == 2, ["~", "~*"].contains(args[0]) { return [".*", "^", "^/", "/", "^.*", ""].contains(args[1]) }
        return false
    }

    static func collect(_ directives: [NginxDirective], _ visit: (NginxDirective) -> Void) {
        for directive in directives {
            visit(directive)
            if let block = directive.block { collect(block, visit) }
        }
    }
}

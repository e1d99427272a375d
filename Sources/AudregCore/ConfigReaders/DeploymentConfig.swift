import Foundation

/// One JWT provider (Envoy provider, Istio jwtRule, Spring resource server, Kong plugin) as deployed,
/// every value with its position in the config file.
public struct DeployedProvider: Sendable {
    /// The provider name, RequestAuthentication name, or Kong service/route/plugin name; nil for Spring.
    public var name: Located<String>?
    /// Other names that select this provider (a Kong plugin's route, service and instance name).
    public var aliases: [String] = []
    public var issuer: Located<String>?
    /// Further issuers accepted (Kong `issuers_allowed`).
    public var extraIssuers: [Located<String>] = []
    public var jwksUri: Located<String>?
    /// Further key sets the provider fetches (several `auth_jwt_key_request` on one nginx level).
    public var extraJwksUris: [Located<String>] = []
    /// nil when the config sets no audience check at all. Exact values: gateways compare byte for byte.
    public var audiences: [Located<ExactString>]?
    /// Where the audience list is written, or where it belongs when absent.
    public var audiencesLocation: SourceLocation
    /// Which of its reader's enforcers this provider is (an `EnforcerFacts.id`); nil for the reader's main one.
    public var enforcer: String?
    /// Why a present setting still checks nothing (Kong's `audience`), reported with config-audience-unchecked.
    public var audienceCaveat: Located<String>?
    /// `forward: true` (Envoy), `forwardOriginalToken: true` (Istio), Kong openid-connect's default
    /// `upstream_access_token_header`.
    public var forwardsToken: Located<Bool>?
    /// Why the provider verifies no token at all (an Istio RequestAuthentication without jwtRules);
    /// its issuer, keys and audiences are then not compared.
    public var verifiesNothing: Located<String>?
    /// Why no issuer is listed although one is checked another way, replacing "checks no issuer".
    public var issuerCaveat: String?
    /// Values whose `${…}` placeholders could not be resolved: not compared, reported as notes.
    public var unresolved: [UnresolvedValue] = []
    /// A federation trust's subject conditions (AWS trust policy, Vault JWT role); nil for other enforcers.
    public var trust: DeployedTrust?
    public var location: SourceLocation

    public init(name: Located<String>?, location: SourceLocation) {
        self.name = name
        self.location = location
        self.audiencesLocation = location
    }

    /// Sets the audiences from a reader's strings, kept byte for byte.
    mutating func setAudiences(_ values: [Located<String>]) {
        audiences = values.map { Located(ExactString($0.value), at: $0.location) }
    }

    /// Byte for byte: a registry's `provider: idp-\u{E9}` does not select a config's `idp-e\u{301}`.
    public func isNamed(_ wanted: String) -> Bool {
        name?.value.isExactly(wanted) == true || aliases.contains { $0.isExactly(wanted) }
    }
}

/// A value the config writes with a placeholder nothing given to drift defines.
public struct UnresolvedValue: Sendable {
    /// The setting (`issuer-uri`, `jwk-set-uri`, `audiences`).
    public var setting: String
    /// The placeholder as written, `${name}`.
    public var placeholder: String
    public var location: SourceLocation
    /// Why the value was not compared, when it is not a placeholder (a Spring profile document whose
    /// activation is not known), said after the setting's name.
    public var reason: String?

    public init(setting: String, placeholder: String, location: SourceLocation, reason: String? = nil) {
        self.setting = setting
        self.placeholder = placeholder
        self.location = location
        self.reason = reason
    }
}

/// Per route or rule, whether a token must be present and valid, as the enforcer's config says.
public struct DeployedRequirement: Sendable {
    public enum Mode: String, Sendable, Comparable {
        /// A missing or invalid token is refused.
        case required
        /// A request without a token passes; a present token must verify (Envoy `allow_missing`).
        case optional
        /// Missing and invalid tokens both pass (Envoy `allow_missing_or_failed`): nothing is enforced.
        case failureAccepted
        /// The token is read but never verified (Envoy `extract_only_without_validation`).
        case extractOnly
        /// The filter does not run for these requests (an Envoy rule without `requires`, a route whose
        /// per-route config disables jwt_authn): no token is looked at.
        case disabled
        /// Written in a form the reader does not understand: what it enforces is not known, so it is
        /// reported as not compared and never counted as enforcing.
        case unknown

        /// Weaker modes sort later: `required < optional < failureAccepted < extractOnly`.
        var strength: Int {
            switch self {
            case .required: return 3
            case .optional: return 2
            case .failureAccepted: return 1
            case .extractOnly: return 0
            case .disabled: return -1
            case .unknown: return -2
            }
        }

        public static func < (lhs: Mode, rhs: Mode) -> Bool { lhs.strength > rhs.strength }

        /// Whether a token that is present is verified and a failure refused.
        public var enforcesPresentToken: Bool { self == .required || self == .optional }

        package var explanation: String {
            switch self {
            case .required: return "requires a valid token"
            case .optional: return "accepts requests without a token (allow_missing)"
            case .failureAccepted: return "accepts requests whose token is missing or fails verification (allow_missing_or_failed), so no issuer, key or audience check is enforced"
            case .extractOnly: return "extracts the token without verifying it (extract_only_without_validation), so no issuer, key or audience check is made"
            case .disabled: return "verifies no token"
            case .unknown: return "is written in a form drift does not read, so whether it requires a token was not compared"
            }
        }
    }

    /// One provider a requirement names, with the audiences it sets for this requirement (Envoy
    /// `provider_and_audiences`), which replace the provider's own.
    public struct ProviderUse: Sendable {
        public var name: Located<String>
        public var audiences: [Located<String>]?
        public var audiencesLocation: SourceLocation?
        /// Providers that let a request this requirement matches through without this one verifying
        /// it (another branch of an Envoy `requires_any`): a deployment that selects this provider
        /// takes their tokens too, so their settings are compared with it.
        public var alternatives: [Located<String>] = []
    }

    public var mode: Mode
    /// Where the requirement is written and what it is ("rule 2 (prefix /api)").
    public var label: String
    public var location: SourceLocation
    /// Providers it names; empty when the mode names none (`allow_missing_or_failed` on its own).
    public var providers: [ProviderUse]
    /// Why the requirement has its mode, when the mode's own explanation does not say it.
    public var explanation: String?
    /// Whether the requirement's match takes in every path (Envoy `prefix: /`). An exemption of some
    /// paths (a health check) is common and reported as a warning; one of every path is an error.
    public var coversEveryPath = true
    /// The `requirement_map` key of an Envoy named requirement, which routes select by name.
    public var mapName: String?
    /// The mode follows from something missing in this file that another file can supply (an Istio
    /// AuthorizationPolicy that requires a principal): reported, but as a warning that says so.
    public var inferredFromAbsence = false

    public init(mode: Mode, label: String, location: SourceLocation, providers: [ProviderUse]) {
        self.mode = mode
        self.label = label
        self.location = location
        self.providers = providers
    }

    package var explained: String { explanation ?? mode.explanation }

    /// Whether this requirement decides how `provider` is used.
    public func applies(to provider: DeployedProvider) -> Bool {
        providers.isEmpty || providers.contains { provider.isNamed($0.name.value) }
    }
}

/// What a reader found in one file (or config dump).
public struct DeployedConfig: Sendable {
    public var file: String
    public var providers: [DeployedProvider]
    /// The routes' or rules' requirements; empty when the config has none the reader understands
    /// (then every provider is taken as required).
    public var requirements: [DeployedRequirement] = []
    /// Where to report a provider that is not there: the providers block, or the file's start.
    public var providersLocation: SourceLocation
    /// What the kind calls a provider, for messages ("Envoy provider", "RequestAuthentication").
    public var providerNoun: String

    public init(file: String, providers: [DeployedProvider], providersLocation: SourceLocation, providerNoun: String) {
        self.file = file
        self.providers = providers
        self.providersLocation = providersLocation
        self.providerNoun = providerNoun
    }
}

/// Why a config could not be read, with the position when there is one.
public struct DeploymentReadError: Error, Sendable {
    public var message: String
    public var location: SourceLocation?
    public init(_ message: String, at location: SourceLocation? = nil) {
        self.message = message
        self.location = location
    }
}

/// What a drift run gives every reader beside the file. Readers use what concerns them.
public struct DeploymentReadSettings: Sendable {
    /// Properties for Spring `${…}` placeholders (`--spring-property`, `--spring-env-file`).
    public var springProperties: [String: String]
    /// Active Spring profiles (`--spring-profile`).
    public var springProfiles: [String]

    public init(springProperties: [String: String] = [:], springProfiles: [String] = []) {
        self.springProperties = springProperties
        self.springProfiles = springProfiles
    }
}

/// One reader per deployment kind, in a file of its own, registered by one line in
/// `DeploymentReaders.all`: its kind name, how it recognises its configs and how it reads them are
/// declared here and nowhere else. `file` is the path used in findings.
public protocol DeploymentConfigReader: Sendable {
    /// The name a registry writes in `deployments[].kind`; `DeploymentKind` and the JSON Schema's
    /// enum are built from these names.
    static var kindName: String { get }
    /// Whether its configs are workload-identity federation trusts (their `sub` patterns are compared
    /// with `trust.subjects`): the trust rules have something to check only at such deployments.
    static var readsFederationTrust: Bool { get }
    /// Whether `bytes` hold a configuration of this kind (by default: one the reader finds a provider in).
    func detects(_ bytes: [UInt8], file: String) -> Bool
    func read(_ bytes: [UInt8], file: String, settings: DeploymentReadSettings) throws(DeploymentReadError) -> DeployedConfig
    /// What the enforcer this reader reads does with audiences, from its own documentation: the
    /// enforcer table and every `config-audience-unchecked` explanation come from here.
    var enforcer: EnforcerFacts { get }
    /// Further enforcers the same config kind can hold (Kong's jwt plugin beside openid-connect); a
    /// provider names its own with `DeployedProvider.enforcer`.
    var otherEnforcers: [EnforcerFacts] { get }
}

extension DeploymentConfigReader {
    public var kind: DeploymentKind { DeploymentKind(reader: self) }

    public func read(_ bytes: [UInt8], file: String) throws(DeploymentReadError) -> DeployedConfig {
        try read(bytes, file: file, settings: DeploymentReadSettings())
    }

    public func detects(_ bytes: [UInt8], file: String) -> Bool {
        guard let config = try? read(bytes, file: file) else { return false }
        return !config.providers.isEmpty
    }

    public var otherEnforcers: [EnforcerFacts] { [] }

    public static var readsFederationTrust: Bool { false }

    public var enforcers: [EnforcerFacts] { [enforcer] + otherEnforcers }

    /// The facts of the enforcer a provider belongs to.
    public func facts(for provider: DeployedProvider) -> EnforcerFacts {
        provider.enforcer.flatMap { id in otherEnforcers.first { $0.id == id } } ?? enforcer
    }
}

public enum DeploymentReaders {
    /// Every reader: the only place a reader is registered.
    public static let all: [any DeploymentConfigReader] = [
        EnvoyJWTAuthnReader(),
        IstioRequestAuthenticationReader(),
        SpringBootResourceServerReader(),
        KongDeclarativeReader(),
        EnvoyGatewaySecurityPolicyReader(),
        NginxAuthJWTReader(),
        OAuth2ProxyReader(),
        KubernetesAuthenticationReader(),
        AWSIAMTrustPolicyReader(),
        VaultJWTRoleReader(),
        AWSAPIGatewayJWTAuthorizerReader(),
        AzureAPIManagementReader(),
    ]

    public static func reader(for kind: DeploymentKind) -> any DeploymentConfigReader { kind.reader }
}

/// Shared YAML helpers for readers: parse through the registry's libyaml loader and keep positions.
enum ConfigYAML {
    static func documents(_ bytes: [UInt8], file: String) throws(DeploymentReadError) -> [YAMLDocument] {
        let result = YAMLParser.parse(bytes: bytes)
        if let diagnostic = result.diagnostics.first(where: { $0.kind == .syntax }) {
            throw DeploymentReadError("not valid YAML: \(diagnostic.message)",
                                      at: SourceLocation(file: file, start: diagnostic.position))
        }
        // Parsers disagree on a repeated key (the first, the last, or an error), so the value audreg
        // would compare may not be the one the enforcer uses.
        if let duplicate = result.diagnostics.first(where: { $0.kind == .duplicateKey }) {
            throw DeploymentReadError("\(duplicate.message): which value the enforcer uses depends on its parser, so audreg compares neither",
                                      at: SourceLocation(file: file, start: duplicate.position))
        }
        return result.documents
    }

    static func string(_ node: YAMLNode?, file: String) -> Located<String>? {
        guard let node, let value = node.scalar, !node.isNull else { return nil }
        return Located(value, at: SourceLocation(file: file, node: node))
    }

    /// A YAML 1.1 boolean as the enforcers' parsers read one: yaml-cpp (Envoy) and the go-yaml v2 that
    /// Kubernetes and decK use both take `y`/`n`, `yes`/`no`, `on`/`off` and `true`/`false`, so
    /// `disabled: y` turns a filter off. Compared on ASCII bytes, so no look-alike of a letter counts.
    static func bool(_ node: YAMLNode?, file: String) -> Located<Bool>? {
        guard let node, let value = node.scalar, value.utf8.count <= 5 else { return nil }
        let lowered = ASCII.lowercased(value)
        let location = SourceLocation(file: file, node: node)
        if ["true", "yes", "on", "y"].contains(where: { $0.isExactly(lowered) }) { return Located(true, at: location) }
        if ["false", "no", "off", "n"].contains(where: { $0.isExactly(lowered) }) { return Located(false, at: location) }
        return nil
    }

    /// A list of strings; a single scalar counts as a one-item list (Spring and Kong accept both).
    static func strings(_ node: YAMLNode?, file: String) -> [Located<String>]? {
        guard let node, !node.isNull else { return nil }
        if let items = node.sequence { return items.compactMap { string($0, file: file) } }
        if let value = node.scalar {
            // Spring binds "a,b" to a list.
            var column = node.start.column + (node.content.isQuoted ? 1 : 0)
            var result: [Located<String>] = []
            for part in value.splitOnScalar(",", omittingEmptySubsequences: false) {
                let leading = part.unicodeScalars.prefix { $0 == " " }.count
                let trimmed = javaTrimmed(part)
                if !trimmed.isEmpty {
                    result.append(Located(trimmed, at: SourceLocation(file: file, line: node.start.line, column: column + leading)))
                }
                column += part.unicodeScalars.count + 1
            }
            return result
        }
        return nil
    }

    /// `String.trim()` as Java (and so Spring's list binding) does it: scalars up to U+0020 at either
    /// end, and nothing else. Foundation's `.whitespaces` also strips U+00A0 and other spaces, which
    /// Java keeps in the value it uses.
    static func javaTrimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { $0.value > 0x20 }), let last = scalars.lastIndex(where: { $0.value > 0x20 }) else { return "" }
        return String(scalars[first...last])
    }

    static func location(_ node: YAMLNode, file: String) -> SourceLocation {
        SourceLocation(file: file, line: node.start.line, column: node.start.column)
    }

    /// The key node of `key` in a mapping, for findings about a whole entry.
    static func keyNode(_ mapping: YAMLNode, _ key: String) -> YAMLNode? {
        mapping.mapping?.first(where: { $0.key.scalar == key })?.key
    }
}

/// Field names of protobuf-defined configs (Envoy, and everything generated from Envoy's protos:
/// Envoy Gateway, ESPv2, config dumps). Protobuf's JSON and YAML parsers accept a field under its
/// proto name (`remote_jwks`) and its lowerCamelCase JSON name (`remoteJwks`); every read goes through
/// here so that no field is readable in one form only.
enum ProtoFields {
    /// `remote_jwks` → `remoteJwks`, as protoc derives `json_name`.
    static func jsonName(_ protoName: String) -> String {
        var result = ""
        var upperNext = false
        for scalar in protoName.unicodeScalars {
            if scalar == "_" { upperNext = true; continue }
            if upperNext { result += String(scalar).uppercased(); upperNext = false } else { result.unicodeScalars.append(scalar) }
        }
        return result
    }

    static func pair(_ node: YAMLNode?, _ protoName: String) -> YAMLPair? {
        guard let pairs = node?.mapping else { return nil }
        let json = jsonName(protoName)
        return pairs.first { $0.key.scalar?.isExactly(protoName) == true } ?? pairs.first { $0.key.scalar?.isExactly(json) == true }
    }

    /// Refuses a mapping that writes one field under both its names (`remote_jwks` and `remoteJwks`).
    /// Protobuf's JSON parser takes both, merging messages and keeping the last scalar, so the value
    /// Envoy uses is neither one audreg would read.
    static func refuseDoubleSpellings(_ documents: [YAMLDocument], file: String) throws(DeploymentReadError) {
        var pending = documents.map(\.root)
        var visited = 0
        while let node = pending.popLast() {
            visited += 1
            // Aliases are bounded when the file is parsed; this is a second guard for the walk itself.
            guard visited <= 1_000_000 else { return }
            if let items = node.sequence { pending += items; continue }
            guard let pairs = node.mapping else { continue }
            var keys = Set<ExactString>()
            for pair in pairs { if let key = pair.key.scalar { keys.insert(ExactString(key)) } }
            for pair in pairs {
                guard let key = pair.key.scalar, key.utf8.contains(UInt8(ascii: "_")) else { pending.append(pair.value); continue }
                let json = jsonName(key)
                if !json.isExactly(key), keys.contains(ExactString(json)) {
                    throw DeploymentReadError("'\(key)' is also written as '\(json)' in this mapping; Envoy's parser merges the two, so audreg compares neither: keep one spelling",
                                              at: ConfigYAML.location(pair.key, file: file))
                }
                pending.append(pair.value)
            }
        }
    }

    /// The value of a field under either name.
    static func value(_ node: YAMLNode?, _ protoName: String) -> YAMLNode? {
        pair(node, protoName)?.value
    }

    /// The value at a path of fields, each under either name.
    static func value(_ node: YAMLNode?, _ path: [String]) -> YAMLNode? {
        path.reduce(node) { value($0, $1) }
    }

    static func key(_ node: YAMLNode?, _ protoName: String) -> YAMLNode? {
        pair(node, protoName)?.key
    }

    static func has(_ node: YAMLNode?, _ protoName: String) -> Bool {
        pair(node, protoName) != nil
    }
}

extension YAMLNode.Content {
    var isQuoted: Bool {
        if case .scalar(_, let style) = self { return style == .singleQuoted || style == .doubleQuoted }
        return false
    }
}

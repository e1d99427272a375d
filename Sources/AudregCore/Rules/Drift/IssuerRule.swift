/// A drift rule about what one Issuer publishes: its discovery document and its key set. AudregDrift
/// fetches them and reads every key with jwt-kit and swift-certificates into facts (`PublishedKey`);
/// the rule judges those facts, so its check sits in its own file, in core, which links no crypto library.
/// `IssuerChecker` runs every issuer rule of its catalog over the same context.
public protocol IssuerRule: DriftRule {
    static func check(_ issuer: IssuerContext) -> [Finding]
}

/// An issuer rule about the keys of a key set, which also judges a key set on its own (`JWKSAnalyzer`,
/// the JWKS fuzz target). Its findings sit on the JWKS URL; its messages name keys by kid and type.
public protocol KeySetRule: IssuerRule {
    static func check(_ keySet: PublishedKeySet) -> [KeyProblem]
}

extension KeySetRule {
    public static func check(_ issuer: IssuerContext) -> [Finding] { issuer.keyFindings(check) }
}

extension IssuerRule {
    /// An issuer rule finds nothing in the registry alone.
    public func check(_ context: RuleContext) -> [Finding] { [] }
}

/// One problem found in a published key set, before it is placed in the registry.
public struct KeyProblem: Sendable, Hashable {
    public var rule: any DriftRule.Type
    public var message: String

    public init(_ rule: any DriftRule.Type, _ message: String) {
        self.rule = rule
        self.message = message
    }

    public var ruleID: String { rule.description.id }

    /// Byte-exact: messages quote a key's `kid`, and two keys whose `kid`s differ only as `\u{E9}` and
    /// `e\u{301}` are two keys with two problems, which Swift's `==` would merge into one.
    public static func == (lhs: KeyProblem, rhs: KeyProblem) -> Bool { lhs.ruleID.isExactly(rhs.ruleID) && lhs.message.isExactly(rhs.message) }

    public func hash(into hasher: inout Hasher) {
        ExactText.hash(ruleID, into: &hasher)
        ExactText.hash(message, into: &hasher)
    }
}

/// What was read from one Issuer's published documents, as the issuer rules see it.
public struct IssuerContext: Sendable {
    public let issuer: Issuer
    /// nil when the registry names no discovery URL.
    public let discovery: PublishedDiscovery?
    /// nil when no JWKS URL is known: the registry names none, and discovery gave none.
    public let jwks: PublishedJWKS?

    public init(issuer: Issuer, discovery: PublishedDiscovery?, jwks: PublishedJWKS?) {
        self.issuer = issuer
        self.discovery = discovery
        self.jwks = jwks
    }

    /// A finding of `rule` about this issuer.
    public func finding(_ rule: any DriftRule.Type, _ message: String, at location: SourceLocation,
                        related: [RelatedLocation] = []) -> Finding {
        Finding(ruleID: rule.description.id, severity: rule.description.defaultSeverity, message: "issuer '\(issuer.name)': \(message)",
                location: location, entity: issuer.ref, related: related)
    }

    /// Points from a finding on a registry field to the discovery document it was compared with.
    public var discoveryRelated: [RelatedLocation] {
        discovery.map { [RelatedLocation($0.url.location, entity: issuer.ref, message: "the discovery document fetched")] } ?? []
    }

    /// The problems `check` finds in the key set, as findings on the JWKS URL; none when no key set was read.
    public func keyFindings(_ check: (PublishedKeySet) -> [KeyProblem]) -> [Finding] {
        guard let jwks, case .keySet(let keySet) = jwks.outcome else { return [] }
        return check(keySet).map { finding($0.rule, "JWKS \(jwks.url.value): \($0.message)", at: jwks.url.location) }
    }
}

/// Private key members found somewhere in a JSON document, by path (`$.signing`), never by value.
public struct PrivateMemberLeak: Sendable, Hashable {
    public var path: String
    /// Member names, sorted.
    public var members: [String]

    public init(path: String, members: [String]) {
        self.path = path
        self.members = members
    }
}

/// The discovery document at the registry's `discoveryUrl`.
public struct PublishedDiscovery: Sendable {
    public enum Outcome: Sendable {
        /// Not fetched, not HTTP 200, or not a JSON object; the reason says which.
        case unusable(reason: String)
        case read(DiscoveryDocument)
    }

    public var url: Located<String>
    public var outcome: Outcome

    public init(url: Located<String>, outcome: Outcome) {
        self.url = url
        self.outcome = outcome
    }
}

/// The members of a discovery document the rules compare; a member that is not a string reads as absent.
public struct DiscoveryDocument: Sendable {
    public var issuer: String?
    public var jwksUri: String?
    /// Private key members anywhere in the document.
    public var leaks: [PrivateMemberLeak]

    public init(issuer: String?, jwksUri: String?, leaks: [PrivateMemberLeak]) {
        self.issuer = issuer
        self.jwksUri = jwksUri
        self.leaks = leaks
    }
}

/// The key set at the registry's `jwksUri`, or at the `jwks_uri` discovery published when the registry names none.
public struct PublishedJWKS: Sendable {
    public enum Outcome: Sendable {
        /// The request failed (no connection, timeout, refused by the network policy).
        case unfetched(reason: String)
        /// A response that is no key set: not HTTP 200, not JSON, no `keys` array.
        case unusable(reason: String)
        case keySet(PublishedKeySet)
    }

    public var url: Located<String>
    /// The URL came from the discovery document, not the registry.
    public var fromDiscovery: Bool
    public var outcome: Outcome
    /// Private key members outside the `keys` array (a bare JWK, a nested object, a second key list);
    /// found whenever the body is JSON, even when it is no key set.
    public var leaks: [PrivateMemberLeak]

    public init(url: Located<String>, fromDiscovery: Bool, outcome: Outcome, leaks: [PrivateMemberLeak]) {
        self.url = url
        self.fromDiscovery = fromDiscovery
        self.outcome = outcome
        self.leaks = leaks
    }

    /// Said after the URL in messages, so a reader knows where it came from.
    public var via: String { fromDiscovery ? " (from the discovery document)" : "" }
}

/// A key set's entries and what they are judged against.
public struct PublishedKeySet: Sendable {
    /// The `keys` array's entries, in order.
    public var keys: [PublishedKey]
    /// Algorithms the issuer may sign with: the Issuer's `algorithms`, or the policy's when it lists none.
    public var allowedAlgorithms: [String]
    /// Names where `allowedAlgorithms` come from in messages (`issuer's algorithms`).
    public var allowedFrom: String
    public var today: Day
    public var certificateWarnDays: Int

    public init(keys: [PublishedKey], allowedAlgorithms: [String], allowedFrom: String, today: Day, certificateWarnDays: Int) {
        self.keys = keys
        self.allowedAlgorithms = allowedAlgorithms
        self.allowedFrom = allowedFrom
        self.today = today
        self.certificateWarnDays = certificateWarnDays
    }

    /// The set holds an encryption key (`use: enc`).
    public var holdsEncryptionKeys: Bool { keys.contains { $0.use == "enc" } }
}

/// One entry of a key set's `keys` array, as facts that carry no key material: members read as strings
/// (a member of another type reads as absent), sizes, and what jwt-kit and swift-certificates made of it.
public struct PublishedKey: Sendable {
    /// Position in `keys`.
    public var index: Int
    /// false for an entry that is not a JSON object; every other fact is then empty.
    public var isObject: Bool
    public var kid: String?
    /// The key has a `kid` member of any type.
    public var hasKidMember: Bool
    public var kty: String?
    public var alg: String?
    public var use: String?
    public var crv: String?
    /// The private members it publishes (`d`, `p`, …), sorted.
    public var privateMembers: [String]
    /// The key has a `k` member (an `oct` key's secret).
    public var hasSecretMember: Bool
    /// The bit length of `n`; nil when there is no `n` or it is not base64url.
    public var modulusBits: Int?
    /// Why jwt-kit refused to load the public key, scrubbed of anything that looks like key material;
    /// nil when it loaded it or was not asked (`asksLibrary`).
    public var libraryRejection: String?
    /// The certificate in `x5c[0]`; nil without a non-empty `x5c`.
    public var certificate: PublishedCertificate?

    /// JOSE names (`kty`, `alg`, `use`, `crv`) are ASCII, and verifiers compare them byte for byte; the
    /// rules compare them with `String ==`, which equates "ES256\u{212A}" (KELVIN SIGN) with "ES256K". A
    /// name with a non-ASCII scalar is kept as ASCII with `\u{…}` escapes, which equals no registered name
    /// and shows what was published.
    static func joseName(_ value: String?) -> String? {
        guard let value, !value.unicodeScalars.allSatisfy(\.isASCII) else { return value }
        return value.unicodeScalars.map { $0.isASCII ? String($0) : "\\u{\(String($0.value, radix: 16, uppercase: true))}" }.joined()
    }

    public init(index: Int, isObject: Bool = true, kid: String? = nil, hasKidMember: Bool = false, kty: String? = nil, alg: String? = nil,
                use: String? = nil, crv: String? = nil, privateMembers: [String] = [], hasSecretMember: Bool = false,
                modulusBits: Int? = nil, libraryRejection: String? = nil, certificate: PublishedCertificate? = nil) {
        self.index = index
        self.isObject = isObject
        self.kid = kid
        self.hasKidMember = hasKidMember
        self.kty = Self.joseName(kty)
        self.alg = Self.joseName(alg)
        self.use = Self.joseName(use)
        self.crv = Self.joseName(crv)
        self.privateMembers = privateMembers
        self.hasSecretMember = hasSecretMember
        self.modulusBits = modulusBits
        self.libraryRejection = libraryRejection
        self.certificate = certificate
    }

    /// `key 'KID'`, or `keys[N]` without a kid.
    public var name: String { kid.map { "key '\($0)'" } ?? "keys[\(index)]" }
    /// The name and the type: `key 'KID' (RSA)`.
    public var typeName: String { kty.map { "\(name) (\($0))" } ?? name }
}

/// What swift-certificates read from a key's `x5c[0]`.
public enum PublishedCertificate: Sendable {
    /// Not standard base64.
    case notBase64
    /// Not a DER X.509 certificate; swift-certificates' reason, scrubbed.
    case notDER(reason: String)
    case parsed(PublishedCertificateFacts)
}

public struct PublishedCertificateFacts: Sendable {
    /// notAfter, in seconds since 1970.
    public var notAfter: Double
    /// Whether the certificate holds the same public key as the JWK; nil when that cannot be compared
    /// (a key type the comparison does not know).
    public var keyMatches: Bool?

    public init(notAfter: Double, keyMatches: Bool?) {
        self.notAfter = notAfter
        self.keyMatches = keyMatches
    }
}

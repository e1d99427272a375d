/// The shape of audreg/v1, written once. The loader checks documents against it, `audreg schema` turns it
/// into JSON Schema for editors, and the site documents it: a field is described here and nowhere else.
public indirect enum SchemaType: Sendable {
    case string(StringFormat)
    case integer(minimum: Int)
    case boolean
    case list(SchemaType)
    case object(ObjectSchema)
    /// A mapping with free keys, all of one value type (per-rule severity overrides).
    case map(SchemaType)
}

public enum StringFormat: Sendable, Hashable {
    case text
    /// `[a-z0-9][a-z0-9-]{0,62}`: names become file names and URLs, so nothing else may pass.
    case name
    case url
    /// An issuer's exact `iss`: any StringOrURI (RFC 7519 §4.1.1), a URL or not; what is wrong with a
    /// value (empty, padded, a ':' without a scheme) is reported by `claim-value-invalid`, kept as written
    /// so that one mistake gives that rule's one finding.
    case issuerValue
    /// `30s`, `15m`, `1h`, `7d`, or combinations such as `1h30m`.
    case duration
    /// `YYYY-MM-DD`.
    case date
    case oneOf([String])
}

public struct FieldSchema: Sendable {
    public var name: String
    public var type: SchemaType
    public var required: Bool
    public var summary: String

    public init(_ name: String, _ type: SchemaType, required: Bool = false, _ summary: String) {
        self.name = name
        self.type = type
        self.required = required
        self.summary = summary
    }
}

public struct ObjectSchema: Sendable {
    /// The definition's name in the generated JSON Schema.
    public var name: String
    public var fields: [FieldSchema] {
        didSet { names = FieldNames(fields) }
    }
    /// The fields' names as bytes, so every key of every document is looked up without a `String`.
    private(set) var names: FieldNames

    public init(_ name: String, _ fields: [FieldSchema]) {
        self.name = name
        self.fields = fields
        self.names = FieldNames(fields)
    }

    /// Keys match byte for byte, so a look-alike key (`\u{212A}ind`) is unknown, not `Kind`.
    public func field(_ name: String) -> FieldSchema? {
        var name = name
        return name.withUTF8 { names.position(of: $0) }.map { fields[$0] }
    }
}

/// The names of an object's fields in one byte array, and which fields are required.
struct FieldNames: Sendable {
    private var bytes: [UInt8] = []
    private var ends: [Int] = []
    private(set) var required: [Int] = []

    init(_ fields: [FieldSchema]) {
        for (position, field) in fields.enumerated() {
            bytes.append(contentsOf: field.name.utf8)
            ends.append(bytes.count)
            if field.required { required.append(position) }
        }
    }

    /// The position of the field named exactly `key`.
    func position(of key: UnsafeBufferPointer<UInt8>) -> Int? {
        bytes.withUnsafeBufferPointer { bytes in
            var start = 0
            for (position, end) in ends.enumerated() {
                if end - start == key.count, YAMLTree.bytesEqual(bytes, start, key) { return position }
                start = end
            }
            return nil
        }
    }
}

public enum RegistrySchema {
    public static let apiVersion = "audreg/v1"
    public static let namePattern = "^[a-z0-9][a-z0-9-]{0,62}$"

    public static let algorithms = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "ES256K", "EdDSA", "Ed25519", "Ed448", "HS256", "HS384", "HS512", "none"]
    public static let downstreamModes = ["token-exchange", "new-token", "passthrough"]
    /// The readers' kind names, in `DeploymentReaders.all`'s order.
    public static let deploymentKinds = DeploymentKind.allCases.map(\.rawValue)

    public static let metadata = ObjectSchema("Metadata", [
        FieldSchema("name", .string(.name), required: true, "Unique per kind; lowercase letters, digits and hyphens, at most 63 characters."),
        FieldSchema("title", .string(.text), "Display name."),
        FieldSchema("owner", .string(.name), "The name of the Team that owns this entity."),
        FieldSchema("environment", .string(.text), "Free text; the same value means the same environment (production, staging)."),
        FieldSchema("description", .string(.text), "What the entity is, in a sentence or two."),
        FieldSchema("labels", .map(.string(.text)), "Free key/value labels, shown on the site."),
    ])

    /// `reason`, `approvedBy` and `expires` are needed for an exception to count, but their absence is the
    /// `exception-invalid` rule's finding, not a schema error, so it is reported once and can be explained there.
    public static let exception = ObjectSchema("Exception", [
        FieldSchema("rule", .string(.text), required: true, "The ID of the rule whose findings this exception suppresses for this entity."),
        FieldSchema("reason", .string(.text), "Why the deviation is accepted."),
        FieldSchema("approvedBy", .string(.text), "Who approved it (a person or a Team)."),
        FieldSchema("expires", .string(.date), "YYYY-MM-DD; after this day the exception no longer suppresses anything."),
        FieldSchema("ticket", .string(.text), "A tracking reference."),
    ])

    public static let accepts = ObjectSchema("Accepts", [
        FieldSchema("issuer", .string(.name), required: true, "The name of an Issuer whose tokens this service accepts."),
        FieldSchema("tokenTypes", .list(.string(.text)), "Required `typ` header values, such as at+jwt."),
        FieldSchema("algorithms", .list(.string(.oneOf(algorithms))), "Signature algorithms accepted from this issuer."),
        FieldSchema("maxLifetime", .string(.duration), "Longest accepted token lifetime (exp - iat), e.g. 15m."),
        FieldSchema("requiredClaims", .list(.string(.text)), "Claims that must be present."),
    ])

    public static let downstream = ObjectSchema("Downstream", [
        FieldSchema("service", .string(.name), required: true, "The name of the Service called on the caller's behalf."),
        FieldSchema("mode", .string(.oneOf(downstreamModes)), required: true, "How a token crosses the hop: token-exchange (RFC 8693), new-token (client credentials) or passthrough (the caller's token is replayed)."),
        FieldSchema("description", .string(.text), "Why the hop exists."),
    ])

    public static let deployment = ObjectSchema("Deployment", [
        FieldSchema("kind", .string(.oneOf(deploymentKinds)), required: true, "Which gateway or framework configuration enforces this service's token checks."),
        FieldSchema("source", .string(.text), required: true, "Path relative to this file, or an http(s) URL."),
        FieldSchema("provider", .string(.text), "The provider or rule name inside that configuration."),
        FieldSchema("trust", .object(deploymentTrust), "For a workload-identity federation trust (aws-iam-trust-policy, vault-jwt-role): what it should admit, compared by drift."),
    ])

    public static let deploymentTrust = ObjectSchema("DeploymentTrust", [
        FieldSchema("subjects", .list(.string(.text)), required: true, "The `sub` values or patterns the trust admits, exactly as the config writes them (repo:acme/deploy:ref:refs/heads/main); drift reports any difference."),
    ])

    public static let authorization = ObjectSchema("Authorization", [
        FieldSchema("scopes", .list(.string(.text)), "Scopes that grant actions once a token is admitted."),
        FieldSchema("roles", .list(.string(.text)), "Roles that grant actions once a token is admitted."),
    ])

    public static let serviceSpec = ObjectSchema("ServiceSpec", [
        FieldSchema("audiences", .list(.string(.text)), "Exact `aud` strings this service accepts. One per service is the norm."),
        FieldSchema("accepts", .list(.object(accepts)), "Which issuers' tokens are authentic for this service."),
        FieldSchema("authorization", .object(authorization), "What callers may do once admitted: scopes and roles, never aud."),
        FieldSchema("downstream", .list(.object(downstream)), "Hops this service makes on a caller's behalf."),
        FieldSchema("deployments", .list(.object(deployment)), "Where the deployed configuration lives (read by drift)."),
        FieldSchema("exceptions", .list(.object(exception)), "Approved deviations from a rule for this service."),
    ])

    public static let issuerSpec = ObjectSchema("IssuerSpec", [
        FieldSchema("issuer", .string(.issuerValue), required: true, "The exact `iss` value: a URL or any other StringOrURI (RFC 7519 §4.1.1), compared byte for byte."),
        FieldSchema("discoveryUrl", .string(.url), "The OpenID Connect discovery or RFC 8414 metadata URL."),
        FieldSchema("jwksUri", .string(.url), "Where the issuer publishes its public keys."),
        FieldSchema("algorithms", .list(.string(.oneOf(algorithms))), "Algorithms the issuer signs with."),
        FieldSchema("exceptions", .list(.object(exception)), "Approved deviations from a rule for this issuer."),
    ])

    public static let teamSpec = ObjectSchema("TeamSpec", [
        FieldSchema("contact", .string(.text), "How to reach the team: a channel, an email address, an on-call alias."),
    ])

    public static let policySpec = ObjectSchema("PolicySpec", [
        FieldSchema("maxTokenLifetime", .string(.duration), "Longest token lifetime any service may accept (default 1h)."),
        FieldSchema("allowedAlgorithms", .list(.string(.oneOf(algorithms))), "Algorithms allowed anywhere (default RS256, PS256, ES256, EdDSA)."),
        FieldSchema("maxAudiencesPerService", .integer(minimum: 1), "More audiences than this on one service is a finding (default 1)."),
        FieldSchema("maxExceptionDays", .integer(minimum: 1), "How far ahead an exception may expire (default 365)."),
        FieldSchema("genericAudiences", .list(.string(.text)), "Audience words that name no single resource (adds to the built-in list)."),
        FieldSchema("severity", .map(.string(.oneOf(["error", "warning", "note", "off"]))), "Per-rule severity overrides: rule ID to error, warning, note or off."),
    ])

    public static func spec(for kind: EntityKind) -> ObjectSchema {
        switch kind {
        case .service: return serviceSpec
        case .issuer: return issuerSpec
        case .team: return teamSpec
        case .policy: return policySpec
        }
    }

    public static let document = ObjectSchema("Entity", [
        FieldSchema("apiVersion", .string(.oneOf([apiVersion])), required: true, "Always audreg/v1."),
        FieldSchema("kind", .string(.oneOf(EntityKind.allCases.map(\.rawValue))), required: true, "Service, Issuer, Team or Policy."),
        FieldSchema("metadata", .object(metadata), required: true, "Name, owner, environment and description."),
        FieldSchema("spec", .object(serviceSpec), "The kind's own fields."),
    ])
}

/// What every entity has: its name and the common metadata, each with its position.
public struct EntityMetadata: Sendable {
    public var name: Located<String>
    public var title: Located<String>?
    public var owner: Located<String>?
    public var environment: Located<String>?
    public var description: Located<String>?
    public var labels: [(key: String, value: String)]
}

/// Where a document sits, for findings about the entity as a whole.
public struct EntityOrigin: Sendable {
    /// Relative to the registry directory.
    public var file: String
    /// The `kind:` line.
    public var location: SourceLocation
    /// The 0-based index of the document within its file.
    public var documentIndex: Int
}

public struct RuleException: Sendable {
    public var rule: Located<String>
    public var reason: Located<String>?
    public var approvedBy: Located<String>?
    public var expires: Located<Day>?
    public var ticket: Located<String>?
    /// The `- rule:` item as a whole.
    public var location: SourceLocation

    /// Complete (reason, approver, expiry) and not yet expired on `day`: an exception that suppresses.
    public func isInForce(on day: Day) -> Bool {
        reason != nil && approvedBy != nil && expires.map { $0.value >= day } == true
    }
}

public struct AcceptedIssuer: Sendable {
    public var issuer: Located<String>
    public var tokenTypes: [Located<String>]?
    public var algorithms: [Located<String>]?
    public var maxLifetime: Located<TokenLifetime>?
    public var requiredClaims: [Located<String>]?
    public var location: SourceLocation
    /// True when `maxLifetime` was written but is not a duration: unknown, not missing, so the schema
    /// finding is the only one that mistake gives.
    public var maxLifetimeIsInvalid = false
}

public enum HopMode: String, Sendable, Hashable, CaseIterable {
    case tokenExchange = "token-exchange"
    case newToken = "new-token"
    case passthrough
}

public struct DownstreamHop: Sendable {
    public var service: Located<String>
    public var mode: Located<HopMode>
    public var description: String?
    public var location: SourceLocation
}

/// A kind of deployed configuration, as a registry's `deployments[].kind` names it. The names are the
/// readers' (`DeploymentConfigReader.kindName`, registered in `DeploymentReaders.all`), so a kind
/// cannot exist without its reader and the JSON Schema's list is the same list.
public struct DeploymentKind: Sendable, Hashable, CaseIterable, CustomStringConvertible {
    public let rawValue: String
    /// The reader for this kind's configs.
    public let reader: any DeploymentConfigReader

    init(reader: any DeploymentConfigReader) {
        self.rawValue = type(of: reader).kindName
        self.reader = reader
    }

    /// nil for a name no reader declares.
    public init?(rawValue: String) {
        guard let kind = Self.allCases.first(where: { $0.rawValue.isExactly(rawValue) }) else { return nil }
        self = kind
    }

    public static let allCases: [DeploymentKind] = DeploymentReaders.all.map(DeploymentKind.init(reader:))

    public var description: String { rawValue }

    public static func == (lhs: DeploymentKind, rhs: DeploymentKind) -> Bool { lhs.rawValue == rhs.rawValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
}

public struct Deployment: Sendable {
    public var kind: Located<DeploymentKind>
    public var source: Located<String>
    public var provider: Located<String>?
    public var location: SourceLocation
    /// What a federation trust deployed here should admit (`trust.subjects`); nil when not stated.
    public var trust: DeploymentTrust? = nil
}

/// A deployment's workload-identity federation trust as the registry states it: the `sub` patterns
/// (exact, or with the enforcer's wildcards) of the workloads allowed to present this service's tokens.
public struct DeploymentTrust: Sendable {
    public var subjects: [Located<ExactString>]
    public var location: SourceLocation
}

/// A service as the registry declares it. Its fields live in one shared box that is copied only when a
/// copy is changed: rules, pages and reports go over every service many times, and passing one reference
/// along is far cheaper than retaining a dozen arrays and strings for every copy.
public struct Service: Sendable {
    /// Why `@unchecked Sendable` is sound: `Storage` is copy-on-write, as Array's buffer is. Every
    /// mutation goes through `makeUnique()` (see the `_modify` accessors below), which copies the box unless
    /// this `Service` holds the only reference. A thread can read a box only through a reference of its
    /// own, so a box that is written has no other holder and no concurrent reader; a box that is shared
    /// is only ever read. The fields are all Sendable values.
    private final class Storage: @unchecked Sendable {
        var metadata: EntityMetadata
        var origin: EntityOrigin
        var audiences: [Located<ExactString>]
        var audiencesLocation: SourceLocation
        var accepts: [AcceptedIssuer]
        var scopes: [Located<String>]
        var roles: [Located<String>]
        var downstream: [DownstreamHop]
        var deployments: [Deployment]
        var exceptions: [RuleException]
        var audiencesAreKnown = true
        var hopsWithUnknownMode: [Located<String>] = []

        init(metadata: EntityMetadata, origin: EntityOrigin, audiences: [Located<ExactString>], audiencesLocation: SourceLocation,
             accepts: [AcceptedIssuer], scopes: [Located<String>], roles: [Located<String>], downstream: [DownstreamHop],
             deployments: [Deployment], exceptions: [RuleException]) {
            self.metadata = metadata
            self.origin = origin
            self.audiences = audiences
            self.audiencesLocation = audiencesLocation
            self.accepts = accepts
            self.scopes = scopes
            self.roles = roles
            self.downstream = downstream
            self.deployments = deployments
            self.exceptions = exceptions
        }

        func copy() -> Storage {
            let copy = Storage(metadata: metadata, origin: origin, audiences: audiences, audiencesLocation: audiencesLocation, accepts: accepts,
                               scopes: scopes, roles: roles, downstream: downstream, deployments: deployments, exceptions: exceptions)
            copy.audiencesAreKnown = audiencesAreKnown
            copy.hopsWithUnknownMode = hopsWithUnknownMode
            return copy
        }
    }

    private var storage: Storage

    public init(metadata: EntityMetadata, origin: EntityOrigin, audiences: [Located<ExactString>], audiencesLocation: SourceLocation,
                accepts: [AcceptedIssuer], scopes: [Located<String>], roles: [Located<String>], downstream: [DownstreamHop],
                deployments: [Deployment], exceptions: [RuleException]) {
        storage = Storage(metadata: metadata, origin: origin, audiences: audiences, audiencesLocation: audiencesLocation, accepts: accepts,
                          scopes: scopes, roles: roles, downstream: downstream, deployments: deployments, exceptions: exceptions)
    }

    /// True when both are the same parsed entity, as when a file is unchanged between the two sides of
    /// a diff and was parsed once: then every field is equal without comparing any.
    func isSameParse(as other: Service) -> Bool { storage === other.storage }

    /// Writes go to a box of this value's own (copy on write).
    private mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    public var metadata: EntityMetadata {
        _read { yield storage.metadata }
        _modify {
            makeUnique()
            yield &storage.metadata
        }
    }

    public var origin: EntityOrigin {
        _read { yield storage.origin }
        _modify {
            makeUnique()
            yield &storage.origin
        }
    }

    public var audiences: [Located<ExactString>] {
        _read { yield storage.audiences }
        _modify {
            makeUnique()
            yield &storage.audiences
        }
    }

    /// False when `audiences` was written but is not a list of strings (a schema finding): the audiences
    /// are then unknown rather than absent, and `audience-missing` does not report them missing too.
    public var audiencesAreKnown: Bool {
        _read { yield storage.audiencesAreKnown }
        _modify {
            makeUnique()
            yield &storage.audiencesAreKnown
        }
    }

    /// The `service` of each downstream hop whose `mode` is missing or misspelled (a schema finding). No
    /// rule guesses what such a hop does, so it is not in `downstream`; its target is still checked, so a
    /// typo there is not hidden behind the one in `mode`.
    public var hopsWithUnknownMode: [Located<String>] {
        _read { yield storage.hopsWithUnknownMode }
        _modify {
            makeUnique()
            yield &storage.hopsWithUnknownMode
        }
    }

    /// Where `audiences:` was written (or the spec, when it was not), for findings about the list as a whole.
    public var audiencesLocation: SourceLocation {
        _read { yield storage.audiencesLocation }
        _modify {
            makeUnique()
            yield &storage.audiencesLocation
        }
    }

    public var accepts: [AcceptedIssuer] {
        _read { yield storage.accepts }
        _modify {
            makeUnique()
            yield &storage.accepts
        }
    }

    public var scopes: [Located<String>] {
        _read { yield storage.scopes }
        _modify {
            makeUnique()
            yield &storage.scopes
        }
    }

    public var roles: [Located<String>] {
        _read { yield storage.roles }
        _modify {
            makeUnique()
            yield &storage.roles
        }
    }

    public var downstream: [DownstreamHop] {
        _read { yield storage.downstream }
        _modify {
            makeUnique()
            yield &storage.downstream
        }
    }

    public var deployments: [Deployment] {
        _read { yield storage.deployments }
        _modify {
            makeUnique()
            yield &storage.deployments
        }
    }

    public var exceptions: [RuleException] {
        _read { yield storage.exceptions }
        _modify {
            makeUnique()
            yield &storage.exceptions
        }
    }

    public var name: String { metadata.name.value }
    public var ref: EntityRef { EntityRef(.service, name) }
}

public struct Issuer: Sendable {
    public var metadata: EntityMetadata
    public var origin: EntityOrigin
    /// The exact `iss` value its tokens carry.
    public var issuer: Located<ExactString>?
    public var discoveryUrl: Located<String>?
    public var jwksUri: Located<String>?
    public var algorithms: [Located<String>]
    public var exceptions: [RuleException]

    public var name: String { metadata.name.value }
    public var ref: EntityRef { EntityRef(.issuer, name) }
}

public struct Team: Sendable {
    public var metadata: EntityMetadata
    public var origin: EntityOrigin
    public var contact: Located<String>?

    public var name: String { metadata.name.value }
    public var ref: EntityRef { EntityRef(.team, name) }
}

/// The organization's policy. Defaults apply to every field the registry does not set.
public struct Policy: Sendable {
    public static let defaultMaxTokenLifetime = TokenLifetime(seconds: 3600)
    public static let defaultAllowedAlgorithms = ["RS256", "PS256", "ES256", "EdDSA"]
    public static let defaultMaxAudiencesPerService = 1
    public static let defaultMaxExceptionDays = 365

    public var metadata: EntityMetadata?
    public var origin: EntityOrigin?
    public var maxTokenLifetime: Located<TokenLifetime>?
    public var allowedAlgorithms: [Located<String>]?
    public var maxAudiencesPerService: Located<Int>?
    public var maxExceptionDays: Located<Int>?
    public var genericAudiences: [String]
    public var severityOverrides: [String: Located<String>]
    /// Overrides of rules whose severity a policy cannot change (`Validator.fixedSeverity`): kept out of
    /// `severityOverrides`, so they change nothing anywhere, and reported.
    public var ignoredSeverityOverrides: [Located<String>] = []

    public init() {
        genericAudiences = []
        severityOverrides = [:]
    }

    public var effectiveMaxTokenLifetime: TokenLifetime { maxTokenLifetime?.value ?? Policy.defaultMaxTokenLifetime }
    public var effectiveAllowedAlgorithms: [String] { allowedAlgorithms?.map(\.value) ?? Policy.defaultAllowedAlgorithms }
    public var effectiveMaxAudiencesPerService: Int { maxAudiencesPerService?.value ?? Policy.defaultMaxAudiencesPerService }
    public var effectiveMaxExceptionDays: Int { maxExceptionDays?.value ?? Policy.defaultMaxExceptionDays }
}

/// A loaded registry: every entity that had a kind and a valid name, in file order, with duplicates kept
/// so that rules can report them.
public struct Registry: Sendable {
    public var services: [Service] = []
    public var issuers: [Issuer] = []
    public var teams: [Team] = []
    public var policies: [Policy] = []
    /// Registry files read, relative to the registry directory, sorted.
    public var files: [String] = []

    public init() {}

    /// The effective policy: the Policy document, or defaults. With two or more, none is in force and
    /// the defaults apply: a file added in a pull request must not replace the committed policy (its
    /// thresholds and severity overrides, which could turn off the very finding that reports it) by
    /// sorting first. `validate` reports each extra Policy as an error.
    public var policy: Policy { policies.count == 1 ? policies[0] : Policy() }

    /// Lookups by name; the first definition wins (later ones are `duplicate-name` findings).
    public func index() -> RegistryIndex { RegistryIndex(self) }
}

public struct RegistryIndex: Sendable {
    public let services: EntityTable<Service>
    public let issuers: EntityTable<Issuer>
    public let teams: EntityTable<Team>

    init(_ registry: Registry) {
        services = EntityTable(registry.services, name: \.name)
        issuers = EntityTable(registry.issuers, name: \.name)
        teams = EntityTable(registry.teams, name: \.name)
    }
}

/// Entities by name, the first definition of each name winning. It keeps positions in the registry's
/// own array rather than copies: a `Service` is hundreds of bytes, and copying every one into an index
/// cost memory and time in proportion to the registry (BENCHMARKS.md, "Figures from code comments").
public struct EntityTable<Entity: Sendable>: Sendable {
    private let entities: [Entity]
    // Names are compared as bytes: a `String` key would take `e\u{301}` for `\u{E9}`, so two services
    // whose names only look alike would share one entry and one would never be found.
    private let positions: [ExactString: Int]
    /// The names defined more than once; almost always none.
    public let repeatedNames: Set<ExactString>

    init(_ entities: [Entity], name: (Entity) -> String) {
        self.entities = entities
        var positions: [ExactString: Int] = [:]
        positions.reserveCapacity(entities.count)
        var repeated = Set<ExactString>()
        // Last to first, so the first definition's position is the one left, with one hash per name.
        for position in entities.indices.reversed() {
            let key = ExactString(name(entities[position]))
            if positions.updateValue(position, forKey: key) != nil { repeated.insert(key) }
        }
        self.positions = positions
        repeatedNames = repeated
    }

    public subscript(name: String) -> Entity? {
        positions[ExactString(name)].map { entities[$0] }
    }

    /// The names, in no particular order.
    public var keys: some Collection<String> { positions.keys.lazy.map(\.text) }
    /// The first entity of each name, in no particular order.
    public var values: [Entity] { positions.values.map { entities[$0] } }
    public var count: Int { positions.count }
}

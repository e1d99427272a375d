import Foundation

/// What a rule sees: the registry, lookups by name, the effective policy and the date checks compare with.
public struct RuleContext: Sendable {
    public let registry: Registry
    public let index: RegistryIndex
    public let policy: Policy
    public let today: Day
    public let knownRuleIDs: Set<String>
    /// Where the registry lies on disk; nil for one loaded from memory. Rules that need it do not run
    /// without it (their evidence is "not assessed", never "ok").
    public let files: RegistryFiles?

    /// Every audience of every service, in registry order, parsed once for all rules.
    public let audiences: [AudienceUse]
    /// For each entry of `audiences`, whether another entry has the same value. The rules that group
    /// audiences by value look only at these (almost every audience is unique), and every value is
    /// hashed once for all of them.
    public let audienceRepeats: [Bool]
    /// The policy's algorithms as a set, made once instead of once per service.
    public let allowedAlgorithms: Set<String>
    private let sortedNameLists = SortedNameLists()

    public init(registry: Registry, today: Day, knownRuleIDs: Set<String>, files: RegistryFiles? = nil) {
        self.registry = registry
        self.files = files
        self.policy = registry.policy
        self.today = today
        self.knownRuleIDs = knownRuleIDs
        self.allowedAlgorithms = Set(policy.effectiveAllowedAlgorithms)
        // Parsing every audience as a URL is the costliest part of the context, and services are
        // independent, so it runs on all cores in slices of services; the index of names is built
        // meanwhile, as the first job. The audiences keep registry order.
        let services = registry.services
        let jobs: [Range<Int>?] = [nil] + ParallelMap.slices(of: services.count, size: 512)
        let parts = ParallelMap.map(jobs) { slice -> ContextPart in
            guard let slice else { return .index(registry.index()) }
            var uses: [AudienceUse] = []
            for position in slice {
                let service = services[position]
                for audience in service.audiences {
                    uses.append(AudienceUse(serviceIndex: position, ref: service.ref,
                                            environment: service.metadata.environment?.value, audience: audience))
                }
            }
            return .audiences(uses)
        }
        var index: RegistryIndex?
        var audiences: [AudienceUse] = []
        audiences.reserveCapacity(services.count)
        for part in parts {
            switch part {
            case .index(let built): index = built
            case .audiences(let uses): audiences.append(contentsOf: uses)
            }
        }
        self.index = index!
        self.audiences = audiences
        var repeats = [Bool](repeating: false, count: audiences.count)
        var lastSeen: [ExactString: Int] = [:]
        lastSeen.reserveCapacity(audiences.count)
        for (position, use) in audiences.enumerated() {
            if let earlier = lastSeen.updateValue(position, forKey: use.value) {
                repeats[earlier] = true
                repeats[position] = true
            }
        }
        self.audienceRepeats = repeats
    }

    /// The audiences that some other audience repeats, in registry order.
    public var repeatedAudiences: some Sequence<AudienceUse> {
        zip(audiences, audienceRepeats).lazy.filter(\.1).map(\.0)
    }

    private enum ContextPart: Sendable {
        case index(RegistryIndex)
        case audiences([AudienceUse])
    }

    /// Every defined name of one kind, sorted: the candidates for "did you mean". Made when a rule first
    /// asks, and then shared, since most registries never need them and sorting 50,000 names is not free.
    public func sortedNames(of kind: EntityKind) -> [String] {
        sortedNameLists.names(of: kind) {
            switch kind {
            case .service: index.services.keys.sorted()
            case .issuer: index.issuers.keys.sorted()
            case .team: index.teams.keys.sorted()
            case .policy: registry.policies.compactMap { $0.metadata?.name.value }.sorted()
            }
        }
    }
}

/// Rules on both cores may ask for the same list; the first one makes it (under the lock, so it is
/// made once).
private final class SortedNameLists: Sendable {
    private let lists = Locked<[EntityKind: [String]]>([:])

    func names(of kind: EntityKind, making make: () -> [String]) -> [String] {
        lists.withLock { lists in
            if let names = lists[kind] { return names }
            let names = make()
            lists[kind] = names
            return names
        }
    }
}

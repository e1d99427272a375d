import Foundation

/// A named check over a registry. A rule is one file: its description (ID, severity, texts, controls,
/// examples) and its check. The catalog lists every rule once; docs, SARIF, the site and tests read it.
public protocol Rule: Sendable {
    static var description: RuleDescription { get }
    init()
    /// The checks that look across the registry as a whole (grouping audiences, names, issuers).
    func check(_ context: RuleContext) -> [Finding]
}

/// A rule whose check, or part of it, looks at one service at a time. The validator runs that part of
/// every such rule in one pass over the services, so each service's fields come from memory once for
/// all of them rather than once per rule: a large registry's services do not fit in the CPU's cache, and
/// reading them once per rule was most of what the rules cost above linear growth.
public protocol ServiceRule: Rule {
    /// Appends what this rule finds in `service`, the one at `position` in `context.registry.services`.
    func check(_ service: Service, at position: Int, in context: RuleContext, into findings: inout [Finding])
}

extension ServiceRule {
    /// Most service rules look at nothing beyond each service.
    public func check(_ context: RuleContext) -> [Finding] { [] }
}

extension Rule {
    /// Everything this rule finds on its own, both parts: for tests and for timing one rule at a time.
    public func findings(in context: RuleContext) -> [Finding] {
        var findings = check(context)
        if let serviceRule = self as? any ServiceRule {
            for (position, service) in context.registry.services.enumerated() {
                serviceRule.check(service, at: position, in: context, into: &findings)
            }
        }
        return findings
    }
}

public enum RuleStage: String, Sendable, Hashable {
    /// Reported while reading YAML and checking the format.
    case loading
    /// Checks over the loaded registry.
    case registry
    /// Comparisons with what is deployed (`audreg drift`).
    case drift
}

public struct RuleDescription: Sendable {
    /// Kebab-case and permanent: users' exceptions, severity overrides and SARIF baselines name it.
    public var id: String
    public var name: String
    public var defaultSeverity: Severity
    public var stage: RuleStage
    /// One line, shown in tables and SARIF's shortDescription.
    public var summary: String
    /// Why it matters, in two or three sentences.
    public var rationale: String
    /// What to change to fix a finding.
    public var remediation: String
    public var references: [String]
    /// Control IDs from the control catalogs (`NHI6:2025`, `PR.AA-05`, `GOVERN 1.6`).
    public var controls: [String]
    /// What one run of the rule looks at, and so which services its findings and its absence concern
    /// (see `ControlEvidence`).
    public var scope: EvidenceScope
    public var triggeringExamples: [RuleExample]
    public var nonTriggeringExamples: [RuleExample]

    public init(id: String, name: String, defaultSeverity: Severity, stage: RuleStage = .registry, scope: EvidenceScope? = nil, summary: String,
                rationale: String, remediation: String, references: [String] = [], controls: [String],
                triggeringExamples: [RuleExample], nonTriggeringExamples: [RuleExample]) {
        self.id = id
        self.name = name
        self.defaultSeverity = defaultSeverity
        self.stage = stage
        self.summary = summary
        self.rationale = rationale
        self.remediation = remediation
        self.references = references
        self.controls = controls
        // Loader findings concern a file, registry checks the entity they name; a drift rule says
        // whether it looks at an issuer's documents or a service's deployment.
        self.scope = scope ?? (stage == .loading ? .file : stage == .registry ? .service : .deployment)
        self.triggeringExamples = triggeringExamples
        self.nonTriggeringExamples = nonTriggeringExamples
    }
}

/// A small registry that shows a rule at work. `↓` marks each place a finding of the rule must start;
/// a triggering example must raise the rule at every marker and nowhere else, a non-triggering one never.
public struct RuleExample: Sendable {
    public static let marker: Character = "↓"
    public static let defaultToday = Day(year: 2026, month: 6, day: 1)!

    public var yaml: String
    public var today: Day
    /// Where the example is written, so a failing example points back at its rule file.
    public var sourceFile: String
    public var sourceLine: Int

    public init(_ yaml: String, today: Day = RuleExample.defaultToday, file: String = #filePath, line: Int = #line) {
        self.yaml = yaml
        self.today = today
        self.sourceFile = file
        self.sourceLine = line
    }

    /// The YAML with markers removed, and the 1-based positions they marked.
    public var unmarked: (yaml: String, markers: [TextPosition]) {
        var text = ""
        var markers: [TextPosition] = []
        var line = 1
        var column = 1
        for scalar in yaml.unicodeScalars {
            if Character(scalar) == RuleExample.marker {
                markers.append(TextPosition(line: line, column: column))
                continue
            }
            text.unicodeScalars.append(scalar)
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (text, markers)
    }
}

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
                    uses.append(AudienceUse(serviceIndex: position, name: service.name, ref: service.ref,
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

    /// Every entity's reference and origin, in registry order, without copying metadata.
    public var allOrigins: [(ref: EntityRef, origin: EntityOrigin)] {
        var result: [(ref: EntityRef, origin: EntityOrigin)] = []
        result.reserveCapacity(registry.services.count + registry.issuers.count + registry.teams.count + registry.policies.count)
        for service in registry.services { result.append((service.ref, service.origin)) }
        for issuer in registry.issuers { result.append((issuer.ref, issuer.origin)) }
        for team in registry.teams { result.append((team.ref, team.origin)) }
        for policy in registry.policies {
            if let metadata = policy.metadata, let origin = policy.origin { result.append((EntityRef(.policy, metadata.name.value), origin)) }
        }
        return result
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

/// One audience of one service: what the audience rules look at, without copying the whole Service.
/// A class, so the many rules that go over every audience pass one reference around per audience.
public final class AudienceUse: Sendable {
    /// The service's position in `registry.services`.
    public let serviceIndex: Int
    public let name: String
    public let ref: EntityRef
    public let environment: String?
    public let audience: Located<ExactString>
    /// The audience as a URL, or nil for names such as `urn:…` without `//` or plain words.
    public let url: URLParts?
    /// For a URL without query or fragment: the normalized origin and path (`https://api.example.com/a/b`),
    /// and where each of its ancestors ends in it (`https://api.example.com/`, then `…/a`), as UTF-8
    /// offsets. Worked out here, on all cores, for the overlap rule.
    public let hierarchyKey: String?
    public let ancestorEnds: [Int]

    init(serviceIndex: Int, name: String, ref: EntityRef, environment: String?, audience: Located<ExactString>) {
        self.serviceIndex = serviceIndex
        self.name = name
        self.ref = ref
        self.environment = environment
        self.audience = audience
        let url = URLParts(audience.value.text)
        self.url = url
        if let url, let (origin, segments) = AudienceForms.hierarchy(url) {
            var key = origin + "/"
            var ends: [Int] = []
            ends.reserveCapacity(segments.count)
            for (depth, segment) in segments.enumerated() {
                ends.append(key.utf8.count - (depth == 0 ? 0 : 1))
                key += segment + "/"
            }
            if !segments.isEmpty { key.removeLast() }
            hierarchyKey = key
            ancestorEnds = ends
        } else {
            hierarchyKey = nil
            ancestorEnds = []
        }
    }

    public var value: ExactString { audience.value }
    /// The audience as written, for messages and for lenient comparisons that say what they ignore.
    public var text: String { audience.value.text }
    public var location: SourceLocation { audience.location }
}

extension Sequence where Element: Hashable {
    /// The values that occur more than once. Rules that group by a key find these first: almost every
    /// key is unique, and grouping all of them costs an array per key.
    func repeatedValues() -> Set<Element> {
        var seen = Set<Element>(minimumCapacity: underestimatedCount)
        var repeated = Set<Element>()
        for value in self where !seen.insert(value).inserted { repeated.insert(value) }
        return repeated
    }
}

extension Rule {
    /// A finding of this rule at its default severity; the engine applies policy overrides and exceptions.
    public func finding(_ message: String, at location: SourceLocation, entity: EntityRef?, related: [RelatedLocation] = []) -> Finding {
        Finding(ruleID: Self.description.id, severity: Self.description.defaultSeverity, message: message,
                location: location, entity: entity, related: related)
    }
}

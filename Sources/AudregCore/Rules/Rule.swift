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
    /// For rules about deployed enforcers: what each enforcer does with the audience
    /// (`EnforcerTable`), shown with the rule. Empty for every other rule.
    public var enforcers: [EnforcerTable.Row]
    /// Whether a finding of it is about the audience value at its location (a collision, a wildcard, an
    /// authorization encoded in it): the site's Audiences page shows such findings beside the value.
    public var flagsAudienceValue: Bool
    /// What a service must state for this rule to have anything to check there (`.always` for most).
    public var appliesWhen: RuleApplicability

    public init(id: String, name: String, defaultSeverity: Severity, stage: RuleStage = .registry, scope: EvidenceScope? = nil,
                flagsAudienceValue: Bool = false, appliesWhen: RuleApplicability = .always, summary: String, rationale: String, remediation: String, references: [String] = [], controls: [String],
                triggeringExamples: [RuleExample], nonTriggeringExamples: [RuleExample], enforcers: [EnforcerTable.Row] = []) {
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
        self.enforcers = enforcers
        self.flagsAudienceValue = flagsAudienceValue
        self.appliesWhen = appliesWhen
    }
}

/// What a service must state for a per-service rule to have anything to check there. Where it has
/// nothing to check, the rule assessed nothing: the controls it evidences are "not assessed" for that
/// service, never met because nothing could fail (a service that accepts no tokens does not meet an
/// authentication control).
public enum RuleApplicability: Sendable, Hashable {
    case always
    /// The service lists at least one audience.
    case audiences
    /// The service accepts tokens from at least one issuer.
    case acceptedIssuers
    /// The service has a deployment that is a workload-identity federation trust, or states `trust`.
    case federationTrust
    /// The service's `audiences` are written as a list audreg read. A scalar there is a schema error,
    /// and whether the service lists an audience is then unknown: a rule about the list's absence did
    /// not assess it (not "nothing to check": the control is not assessed).
    case readableAudiences
    /// `.acceptedIssuers` and `.readableAudiences` both (audience-missing).
    case acceptedIssuersWithReadableAudiences
    /// An issuer the service accepts names a `discoveryUrl` (the discovery rules): an issuer with only a
    /// `jwksUri` has no discovery document for drift to compare, so such a rule ran for nothing there.
    /// Decided with the registry's issuers (`nothingToCheck(_:discoveryIssuers:)`).
    case discoveryDocuments
    /// The service states its environment (environment-crossing). Without it, which environment the
    /// service is in is unknown, not absent: the rule did not assess it.
    case statedEnvironment

    /// The single conditions, for code that groups services by what they lack.
    public static let conditions: [RuleApplicability] = [.audiences, .acceptedIssuers, .federationTrust, .readableAudiences, .statedEnvironment, .discoveryDocuments]
    /// The conditions whose absence leaves a rule's controls not assessed rather than with nothing to check.
    public static let unassessedConditions: [RuleApplicability] = [.readableAudiences, .statedEnvironment]
    /// Every condition a rule can state, single or combined.
    public static let ruleConditions: [RuleApplicability] = conditions + [.acceptedIssuersWithReadableAudiences]

    /// Why the rule has nothing to check for `service`, or nil when it has. `discoveryIssuers` are the
    /// names of the registry's issuers with a `discoveryUrl`; without them, `.discoveryDocuments` is
    /// taken as having something to check.
    public func nothingToCheck(_ service: Service, discoveryIssuers: Set<ExactString>? = nil) -> String? {
        switch self {
        case .always: return nil
        case .discoveryDocuments:
            guard let discoveryIssuers else { return nil }
            if service.accepts.isEmpty { return Self.noIssuer }
            return service.accepts.contains { discoveryIssuers.contains(ExactString($0.issuer.value)) } ? nil : Self.noDiscovery
        case .audiences: return service.audiences.isEmpty ? Self.reason(self) : nil
        case .acceptedIssuers: return service.accepts.isEmpty ? Self.reason(self) : nil
        case .federationTrust:
            let hasTrust = service.deployments.contains { $0.trust != nil || type(of: $0.kind.value.reader).readsFederationTrust }
            return hasTrust ? nil : Self.reason(self)
        case .readableAudiences: return service.audiencesAreKnown ? nil : Self.reason(self)
        case .statedEnvironment: return service.metadata.environment == nil ? Self.reason(self) : nil
        case .acceptedIssuersWithReadableAudiences:
            return RuleApplicability.acceptedIssuers.nothingToCheck(service) ?? RuleApplicability.readableAudiences.nothingToCheck(service)
        }
    }

    /// Why a service has nothing for a rule with this condition to check, for counts over services.
    public static func reason(_ condition: RuleApplicability) -> String? {
        switch condition {
        case .always: return nil
        case .audiences: return noAudience
        case .acceptedIssuers: return noIssuer
        case .federationTrust: return noTrust
        case .readableAudiences: return unreadAudiences
        case .statedEnvironment: return noEnvironment
        case .acceptedIssuersWithReadableAudiences: return noIssuer
        case .discoveryDocuments: return noDiscovery
        }
    }

    static let noAudience = "the service lists no audience to check"
    static let noIssuer = "the service accepts no issuer's tokens to check"
    static let noTrust = "the service has no federation trust deployment to check"
    static let unreadAudiences = "the service's audiences are not written as a list audreg could read (see its schema error)"
    static let noDiscovery = "no issuer the service accepts has a discovery URL (discoveryUrl), so there is no discovery document to check"
    static let noEnvironment = "the service states no environment (metadata.environment), so whether its tokens cross environments is unknown"

    /// Whether a gap's reason is one of these: a rule with nothing to check leaves a control unassessed
    /// only when every rule evidencing it has nothing to check; otherwise the control is judged on the
    /// rules that had something to check.
    public static func isNothingToCheck(_ reason: String) -> Bool {
        reason.isExactly(noAudience) || reason.isExactly(noIssuer) || reason.isExactly(noTrust) || reason.isExactly(noDiscovery)
    }

    /// Whether a control evidenced by `ruleCount` rules is not assessed, given the reasons its rules did
    /// not run: one that is not "nothing to check", or nothing to check for every rule.
    public static func leavesUnassessed(gapReasons: [String], ruleCount: Int) -> Bool {
        gapReasons.contains { !isNothingToCheck($0) } || (!gapReasons.isEmpty && gapReasons.count >= ruleCount)
    }
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

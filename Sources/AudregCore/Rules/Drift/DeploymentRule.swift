import Foundation

/// A drift rule that compares one Service's deployment entry with the config it names, once that config
/// has been read. `DeploymentChecker` reads the config (which can itself fail: `config-provider-missing`,
/// `source-outside-root`) and then runs every deployment rule of its catalog over the same context.
public protocol DeploymentRule: DriftRule {
    static func check(_ deployment: DeploymentContext) -> [Finding]
}

extension DeploymentRule {
    /// A deployment rule finds nothing in the registry alone.
    public func check(_ context: RuleContext) -> [Finding] { [] }
}

/// One deployment as the deployment rules see it: the registry's service and entry, the config read,
/// and the providers and requirements the entry selects.
public struct DeploymentContext: Sendable {
    public let service: Service
    public let deployment: Deployment
    public let index: RegistryIndex
    /// The config's path relative to the registry directory, or its URL.
    public let file: String
    public let config: DeployedConfig
    public let reader: any DeploymentConfigReader
    /// The providers the entry selects (all of them without `provider:`), then those a requirement
    /// of theirs accepts instead of them (`alternatives`); never empty.
    public let providers: [DeployedProvider]
    /// For each provider taken in as an alternative (by name), what it is an alternative to and where.
    public let alternativeNotes: [ExactString: String]
    /// The config's requirements that apply to the providers the entry selects (an alternative's other
    /// requirements are other routes, so they are not among them).
    public let requirements: [DeployedRequirement]
    /// The registry issuers the service accepts, in its `accepts` order.
    public let accepted: [Issuer]

    public init(service: Service, deployment: Deployment, index: RegistryIndex, file: String, config: DeployedConfig,
                reader: any DeploymentConfigReader, providers: [DeployedProvider]) {
        self.service = service
        self.deployment = deployment
        self.index = index
        self.file = file
        self.config = config
        self.reader = reader
        let requirements = config.requirements.filter { requirement in
            deployment.provider == nil || providers.contains { requirement.applies(to: $0) }
        }
        self.requirements = requirements
        // A provider that a selected one's requirement accepts instead of it lets requests through to
        // the same routes, so what it checks is what this service enforces too. Its other
        // requirements stay out: they are other routes, of other services.
        var alternatives: [DeployedProvider] = []
        var notes: [ExactString: String] = [:]
        for requirement in requirements {
            for use in requirement.providers where providers.contains(where: { $0.isNamed(use.name.value) }) {
                for alternative in use.alternatives {
                    guard !(providers + alternatives).contains(where: { $0.isNamed(alternative.value) }) else { continue }
                    for provider in config.providers where provider.isNamed(alternative.value) {
                        alternatives.append(provider)
                        if let name = provider.name {
                            notes[ExactString(name.value)] = "which \(requirement.label) accepts instead of '\(use.name.value)'"
                        }
                    }
                }
            }
        }
        self.providers = providers + alternatives
        self.alternativeNotes = notes
        self.accepted = service.accepts.compactMap { index.issuers[$0.issuer.value] }
    }

    /// The registry requires tokens of a service that accepts issuers.
    public var requiresTokens: Bool { !service.accepts.isEmpty }

    public var acceptedNames: String { accepted.map { "'\($0.name)'" }.joined(separator: ", ") }

    public var acceptedRelated: [RelatedLocation] {
        service.accepts.map { RelatedLocation($0.location, entity: service.ref, message: "accepted issuer") }
    }

    public var audiencesRelated: [RelatedLocation] {
        [RelatedLocation(service.audiencesLocation, entity: service.ref, message: "the audiences the registry lists")]
    }

    public func label(of provider: DeployedProvider) -> String {
        let noun = provider.name.map { "\(config.providerNoun) '\($0.value)'" } ?? config.providerNoun
        guard let name = provider.name, let note = alternativeNotes[ExactString(name.value)] else { return noun }
        return "\(noun) (\(note))"
    }

    /// A finding of `rule` about this service, related to the registry's deployment entry.
    public func finding(_ rule: any DriftRule.Type, _ message: String, at location: SourceLocation,
                        related: [RelatedLocation] = []) -> Finding {
        let entry = RelatedLocation(deployment.location, entity: service.ref, message: "the registry's deployment entry")
        return Finding(ruleID: rule.description.id, severity: rule.description.defaultSeverity,
                       message: "service '\(service.name)': \(message)", location: location, entity: service.ref,
                       related: related + [entry])
    }

    /// The requirements that apply to `provider`.
    public func uses(of provider: DeployedProvider) -> [DeployedRequirement] {
        requirements.filter { $0.applies(to: provider) }
    }

    /// The providers whose settings are enforced, so comparing them says something about the gateway:
    /// not one that verifies nothing, and not one whose every use skips verification (comparing its
    /// settings would claim a check the gateway does not make).
    public var enforcedProviders: [DeployedProvider] {
        providers.filter { provider in
            guard provider.verifiesNothing == nil else { return false }
            let uses = uses(of: provider)
            return uses.isEmpty || !uses.allSatisfy { !$0.mode.enforcesPresentToken }
        }
    }

    /// One audience list the gateway enforces for an enforced provider: its own, or one a requirement
    /// sets for it on its routes.
    public struct AudienceList: Sendable {
        public var provider: DeployedProvider
        /// Names the list in messages (`Envoy provider 'p'`, `…, in rule 2 (prefix /a),`).
        public var label: String
        /// nil when the provider sets none.
        public var audiences: [Located<ExactString>]?
        public var location: SourceLocation
        /// A requirement's list rather than the provider's own.
        public var isOverride: Bool
    }

    /// Every audience list enforced for the enforced providers, except a provider's own list when one of
    /// its values is an unresolved placeholder (noted by config-value-unresolved; a partial list would
    /// read as narrowed).
    public var audienceLists: [AudienceList] {
        var lists: [AudienceList] = []
        for provider in enforcedProviders {
            let label = label(of: provider)
            if !provider.unresolved.contains(where: { $0.setting == "audiences" }) {
                lists.append(AudienceList(provider: provider, label: label, audiences: provider.audiences,
                                          location: provider.audiencesLocation, isOverride: false))
            }
            for requirement in uses(of: provider) where requirement.mode.enforcesPresentToken {
                for use in requirement.providers where provider.isNamed(use.name.value) {
                    guard let overrides = use.audiences else { continue }
                    lists.append(AudienceList(provider: provider, label: "\(label), in \(requirement.label),",
                                              audiences: overrides.map { Located(ExactString($0.value), at: $0.location) },
                                              location: use.audiencesLocation ?? requirement.location, isOverride: true))
                }
            }
        }
        return lists
    }
}

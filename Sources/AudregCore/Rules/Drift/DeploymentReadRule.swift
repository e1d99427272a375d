/// A drift rule about a deployment entry whose config could not be read, or names a provider the config
/// lacks: there is nothing for the deployment rules to compare. `DeploymentChecker` tries to read the
/// config and, when that fails, runs every read rule of its catalog over why.
public protocol DeploymentReadRule: DriftRule {
    static func check(_ failure: DeploymentReadFailure) -> [Finding]
}

extension DeploymentReadRule {
    /// A read rule finds nothing in the registry alone.
    public func check(_ context: RuleContext) -> [Finding] { [] }
}

/// Why one deployment's config could not be compared.
public struct DeploymentReadFailure: Sendable {
    public enum Problem: Sendable {
        /// A config named by URL whose request failed or was not answered with 200; the reason says which.
        case unfetched(url: String, reason: String)
        /// A local source that resolves outside the repository root; without a root, any local source.
        case outsideRoot(file: String)
        case missing(file: String)
        case unreadable(file: String, message: String)
        /// The reader refused the config; `location` is where in it, when the reader knows.
        case unparsable(file: String, message: String, location: SourceLocation?)
        /// The provider the entry names is not in the config; `found` is the names it has, sorted.
        case providerNotFound(file: String, noun: String, wanted: Located<String>, found: [String], at: SourceLocation)
        /// The config has no provider at all (and the entry names none).
        case noProviders(file: String, noun: String, at: SourceLocation)
    }

    public let service: Service
    public let deployment: Deployment
    public let problem: Problem

    public init(service: Service, deployment: Deployment, problem: Problem) {
        self.service = service
        self.deployment = deployment
        self.problem = problem
    }

    /// The entry's `kind` as the registry spells it.
    public var kindName: String { deployment.kind.value.rawValue }

    /// A finding of `rule` about this service, related to the registry's deployment entry.
    public func finding(_ rule: any DriftRule.Type, _ message: String, at location: SourceLocation,
                        related: [RelatedLocation] = []) -> Finding {
        let entry = RelatedLocation(deployment.location, entity: service.ref, message: "the registry's deployment entry")
        return Finding(ruleID: rule.description.id, severity: rule.description.defaultSeverity,
                       message: "service '\(service.name)': \(message)", location: location, entity: service.ref,
                       related: related + [entry])
    }
}

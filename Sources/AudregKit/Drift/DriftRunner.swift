import Foundation

/// Settings of one drift run besides where documents come from.
public struct DriftOptions: Sendable {
    public var today: Day
    public var certificateWarnDays: Int = 30
    /// Check issuers (JWKS, discovery).
    public var checkIssuers = true
    /// Check Service deployments against their config.
    public var checkDeployments = true
    /// `--root`: local deployment sources must resolve inside it. nil: the registry's git top-level,
    /// else the registry folder (see `RepositoryRoot`).
    public var root: String?
    /// Properties for Spring `${…}` placeholders, from `--spring-property` and `--spring-env-file`.
    public var springProperties: [String: String] = [:]

    public init(today: Day) { self.today = today }
}

/// Progress for a terminal: checks done out of all checks.
public typealias DriftProgress = @Sendable (_ done: Int, _ total: Int) -> Void

/// Runs every drift check over a loaded registry and returns a report for the usual reporters.
/// Policy severity overrides and Service/Issuer exceptions apply as they do in `validate`.
public struct DriftRunner: Sendable {
    public var options: DriftOptions
    public var catalog: RuleCatalog

    public init(options: DriftOptions, catalog: RuleCatalog = .builtIn) {
        self.options = options
        self.catalog = catalog
    }

    /// What `run` checks in this registry, for the report's `drift.coverage`: the same selection as
    /// the jobs `run` makes.
    public func coverage(of registry: Registry) -> DriftCoverage {
        var issuers: [String] = []
        if options.checkIssuers {
            var seen = Set<String>()
            for issuer in registry.issuers where seen.insert(issuer.name).inserted && (issuer.jwksUri != nil || issuer.discoveryUrl != nil) {
                issuers.append(issuer.name)
            }
        }
        var services: [String] = []
        if options.checkDeployments {
            var seen = Set<String>()
            for service in registry.services where !service.deployments.isEmpty && seen.insert(service.name).inserted {
                services.append(service.name)
            }
        }
        return DriftCoverage(issuersSkipped: !options.checkIssuers, deploymentsSkipped: !options.checkDeployments,
                             issuers: issuers, services: services)
    }

    public func run(_ loaded: LoadedRegistry, registryDirectory: String, source: any DocumentSource,
                    progress: DriftProgress? = nil) async -> ValidationReport {
        let registry = loaded.registry
        let index = registry.index()
        let policy = registry.policy
        let issuerChecker = IssuerChecker(today: options.today, certificateWarnDays: options.certificateWarnDays)
        let deploymentChecker = DeploymentChecker(springProperties: options.springProperties)
        let root = try? RepositoryRoot.forRegistry(registryDirectory, explicit: options.root)

        enum Job: Sendable {
            case issuer(Issuer)
            case deployment(Service, Deployment)
        }
        var jobs: [Job] = []
        if options.checkIssuers {
            // One check per issuer name: duplicates are a registry finding, not a reason to fetch twice.
            var seen = Set<String>()
            for issuer in registry.issuers where seen.insert(issuer.name).inserted && (issuer.jwksUri != nil || issuer.discoveryUrl != nil) {
                jobs.append(.issuer(issuer))
            }
        }
        if options.checkDeployments {
            for service in registry.services {
                for deployment in service.deployments { jobs.append(.deployment(service, deployment)) }
            }
        }

        let total = jobs.count
        let counter = ProgressCounter()
        var findings = loaded.findings.filter { $0.severity == .error }
        // The checkers name drift rules by ID; this runner's catalog decides which of them exist and
        // their default severities (a catalog without a rule does not report it).
        let driftRules = DriftRuleIDs(catalog: catalog)
        await withTaskGroup(of: [Finding].self) { group in
            for job in jobs {
                group.addTask {
                    let result: [Finding]
                    switch job {
                    case .issuer(let issuer):
                        result = await issuerChecker.check(issuer, policy: policy, source: source)
                    case .deployment(let service, let deployment):
                        result = await deploymentChecker.check(service: service, deployment: deployment, index: index,
                                                               registryDirectory: registryDirectory, root: root, source: source)
                    }
                    let done = await counter.increment()
                    progress?(done, total)
                    return result
                }
            }
            for await result in group {
                for var finding in result {
                    guard let severity = driftRules.severity(of: finding.ruleID) else { continue }
                    finding.severity = severity
                    findings.append(finding)
                }
            }
        }

        let context = RuleContext(registry: registry, today: options.today, knownRuleIDs: Set(catalog.rules.map { $0.description.id }))
        let applied = Validator(catalog: catalog, today: options.today).apply(findings: findings, to: registry, context: context)
        let reportedRules = catalog.rules.map { $0.description }.filter { $0.stage == .drift || findings.map(\.ruleID).contains($0.id) }
        return ValidationReport(findings: applied.findings, suppressed: applied.suppressed, rules: reportedRules, registry: registry)
    }
}

actor ProgressCounter {
    var value = 0
    func increment() -> Int {
        value += 1
        return value
    }
}

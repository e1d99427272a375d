import Foundation
import AudregCore

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
    /// Active Spring profiles, from `--spring-profile`.
    public var springProfiles: [String] = []
    /// `--shard K/N`: check only the issuers and the services whose deployments fall in this shard.
    public var shard: DriftShard?

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

    /// What `run` sets out to check in this registry: the same selection as the jobs `run` makes. What it
    /// managed to read, for the report's `drift.coverage`, is `check`'s coverage: this one claims
    /// nothing was read and lists nothing as unchecked, so it is no report's coverage.
    func planned(of registry: Registry) -> (issuers: [String], services: [String]) {
        let mine = selection
        var issuers: [String] = []
        if options.checkIssuers {
            var seen = Set<ExactString>()
            for issuer in registry.issuers where seen.insert(ExactString(issuer.name)).inserted && (issuer.jwksUri != nil || issuer.discoveryUrl != nil)
                && mine(.issuer, issuer.name) {
                issuers.append(issuer.name)
            }
        }
        var services: [String] = []
        if options.checkDeployments {
            var seen = Set<ExactString>()
            for service in registry.services where !service.deployments.isEmpty && mine(.service, service.name) && seen.insert(ExactString(service.name)).inserted {
                services.append(service.name)
            }
        }
        return (issuers, services)
    }

    /// The entities of this run's selection it has nothing to check with: an issuer with neither a
    /// JWKS nor a discovery URL, a service without deployments. Leaving them out of the coverage would
    /// read as if they had been checked; they are listed as unchecked, with why.
    func unplanned(of registry: Registry) -> (issuers: [DriftCoverage.Unchecked], services: [DriftCoverage.Unchecked]) {
        let mine = selection
        var issuers: [DriftCoverage.Unchecked] = []
        if options.checkIssuers {
            var seen = Set<ExactString>()
            // A name that some issuer entry gives a URL is checked through that entry.
            let withURL = Set(registry.issuers.filter { $0.jwksUri != nil || $0.discoveryUrl != nil }.map { ExactString($0.name) })
            for issuer in registry.issuers where !withURL.contains(ExactString(issuer.name)) && mine(.issuer, issuer.name)
                && seen.insert(ExactString(issuer.name)).inserted {
                issuers.append(DriftCoverage.Unchecked(name: issuer.name, reason: "no JWKS or discovery URL in the registry"))
            }
        }
        var services: [DriftCoverage.Unchecked] = []
        if options.checkDeployments {
            var seen = Set<ExactString>()
            let deployed = Set(registry.services.filter { !$0.deployments.isEmpty }.map { ExactString($0.name) })
            for service in registry.services where !deployed.contains(ExactString(service.name)) && mine(.service, service.name)
                && seen.insert(ExactString(service.name)).inserted {
                services.append(DriftCoverage.Unchecked(name: service.name, reason: "no deployments"))
            }
        }
        return (issuers, services)
    }

    /// Whether this run checks an entity: all of them, or those of its shard.
    var selection: @Sendable (EntityKind, String) -> Bool {
        guard let shard = options.shard else { return { _, _ in true } }
        return { kind, name in shard.contains(kind, named: name) }
    }

    public func run(_ loaded: LoadedRegistry, registryDirectory: String, source: any DocumentSource,
                    progress: DriftProgress? = nil) async -> ValidationReport {
        await runWithNotes(loaded, registryDirectory: registryDirectory, source: source, progress: progress).report
    }

    /// `run`'s report, and the run's notes for `DriftRun.notes` (sorted, each once).
    public func runWithNotes(_ loaded: LoadedRegistry, registryDirectory: String, source: any DocumentSource,
                             progress: DriftProgress? = nil) async -> (report: ValidationReport, notes: [DriftNote]) {
        let outcome = await check(loaded, registryDirectory: registryDirectory, source: source, progress: progress)
        return (outcome.report, outcome.notes)
    }

    /// What one run found, noted and managed to read.
    public struct Outcome: Sendable {
        public var report: ValidationReport
        /// Sorted, each once (`DriftRun.notes`).
        public var notes: [DriftNote]
        /// For `DriftRun.coverage`: an issuer counts as checked only when its key set (and its discovery
        /// document, when named) was read, a service only when every one of its deployed configs was read
        /// with every value resolved; every other one is listed as unchecked with why. This follows the
        /// reads alone, never the findings, which a policy may turn off.
        public var coverage: DriftCoverage
    }

    public func check(_ loaded: LoadedRegistry, registryDirectory: String, source: any DocumentSource,
                      progress: DriftProgress? = nil) async -> Outcome {
        let registry = loaded.registry
        let index = registry.index()
        let policy = registry.policy
        let issuerChecker = IssuerChecker(today: options.today, certificateWarnDays: options.certificateWarnDays, catalog: catalog)
        let deploymentChecker = DeploymentChecker(settings: DeploymentReadSettings(springProperties: options.springProperties, springProfiles: options.springProfiles),
                                                  catalog: catalog)
        let root = try? RepositoryRoot.forRegistry(registryDirectory, explicit: options.root)

        enum Job: Sendable {
            case issuer(Issuer)
            case deployment(Service, Deployment, position: Int)
        }
        var jobs: [Job] = []
        let mine = selection
        if options.checkIssuers {
            // One check per issuer name: duplicates are a registry finding, not a reason to fetch twice.
            var seen = Set<ExactString>()
            for issuer in registry.issuers where seen.insert(ExactString(issuer.name)).inserted && (issuer.jwksUri != nil || issuer.discoveryUrl != nil)
                && mine(.issuer, issuer.name) {
                jobs.append(.issuer(issuer))
            }
        }
        if options.checkDeployments {
            // By service, not by deployment: coverage names services, so all of one service's
            // deployments are checked by the same shard.
            for service in registry.services where mine(.service, service.name) {
                for (position, deployment) in service.deployments.enumerated() { jobs.append(.deployment(service, deployment, position: position)) }
            }
        }

        let total = jobs.count
        let counter = ProgressCounter()
        var findings = loaded.findings.filter { $0.severity == .error }
        var notes: [DriftNote] = []
        var unchecked: [DriftCoverage.Unchecked] = []
        // The checkers run only this runner's catalog's rules. Each finding keeps the severity its rule
        // gave it, as in `validate`: the default of that rule type in this catalog, or one its check chose
        // for that finding (a verification skipped only for a health check is a warning); policy
        // overrides apply below.
        let driftRules = DriftRuleIDs(catalog: catalog)
        await withTaskGroup(of: (findings: [Finding], notes: [DriftNote], unchecked: DriftCoverage.Unchecked?).self) { group in
            for job in jobs {
                group.addTask {
                    let result: (findings: [Finding], notes: [DriftNote], unchecked: DriftCoverage.Unchecked?)
                    switch job {
                    case .issuer(let issuer):
                        let examined = await issuerChecker.examine(issuer, policy: policy, source: source)
                        result = (examined.findings, examined.notes, examined.unread.map { DriftCoverage.Unchecked(name: issuer.name, reason: $0) })
                    case .deployment(let service, let deployment, let position):
                        let examined = await deploymentChecker.examine(service: service, deployment: deployment, index: index,
                                                                       registryDirectory: registryDirectory, root: root, source: source)
                        result = (examined.findings, [], examined.unmade.map {
                            DriftCoverage.Unchecked(name: service.name, deployment: position, source: deployment.source.value, reason: $0)
                        })
                    }
                    let done = await counter.increment()
                    progress?(done, total)
                    return result
                }
            }
            for await result in group {
                notes += result.notes
                findings += result.findings.filter { driftRules.contains(id: $0.ruleID) }
                if let item = result.unchecked { unchecked.append(item) }
            }
        }

        let planned = planned(of: registry)
        let uncheckedIssuers = unchecked.filter { $0.deployment == nil && $0.source == nil } + unplanned(of: registry).issuers
        let uncheckedDeployments = unchecked.filter { $0.deployment != nil } + unplanned(of: registry).services
        let unreadIssuers = Set(uncheckedIssuers.map { ExactString($0.name) })
        let uncomparedServices = Set(uncheckedDeployments.map { ExactString($0.name) })
        let coverage = DriftCoverage(issuersSkipped: !options.checkIssuers, deploymentsSkipped: !options.checkDeployments,
                                     issuers: planned.issuers.filter { !unreadIssuers.contains(ExactString($0)) },
                                     services: planned.services.filter { !uncomparedServices.contains(ExactString($0)) },
                                     issuersUnchecked: uncheckedIssuers, deploymentsUnchecked: uncheckedDeployments)

        let context = RuleContext(registry: registry, today: options.today, knownRuleIDs: Set(catalog.rules.map { $0.description.id }))
        let applied = Validator(catalog: catalog, today: options.today).apply(findings: findings, to: registry, context: context)
        let reportedRules = catalog.rules.map { $0.description }.filter { $0.stage == .drift || findings.map(\.ruleID).contains($0.id) }
        return Outcome(report: ValidationReport(findings: applied.findings, suppressed: applied.suppressed, rules: reportedRules, registry: registry),
                       notes: DriftNote.normalized(notes), coverage: coverage)
    }
}

actor ProgressCounter {
    var value = 0
    func increment() -> Int {
        value += 1
        return value
    }
}

/// A finding that an approved exception hides, kept for the summary and the exceptions register.
public struct SuppressedFinding: Sendable, Hashable {
    public var finding: Finding
    public var exceptionLocation: SourceLocation
    public var expires: Day
    public var approvedBy: String
    public var ticket: String?
}

public struct ReportSummary: Sendable, Hashable, Codable {
    public var errors = 0
    public var warnings = 0
    public var notes = 0
    public var suppressed = 0

    public init(findings: [Finding], suppressed: Int) {
        for finding in findings {
            switch finding.severity {
            case .error: errors += 1
            case .warning: warnings += 1
            case .note: notes += 1
            }
        }
        self.suppressed = suppressed
    }
}

/// Everything a reporter needs: pure data, sorted, so every output format is a pure function of it.
public struct ValidationReport: Sendable {
    public var findings: [Finding]
    public var suppressed: [SuppressedFinding]
    public var summary: ReportSummary
    /// The rules that ran, for SARIF's rule table and JUnit's test cases.
    public var rules: [RuleDescription]
    public var registry: Registry

    public init(findings: [Finding], suppressed: [SuppressedFinding], rules: [RuleDescription], registry: Registry) {
        self.findings = findings.sorted(by: Finding.reportOrder)
        self.suppressed = suppressed.sorted { Finding.reportOrder($0.finding, $1.finding) }
        self.summary = ReportSummary(findings: self.findings, suppressed: suppressed.count)
        self.rules = rules
        self.registry = registry
    }

    /// True when some finding is at or above `threshold`: the exit status 1 condition.
    public func fails(at threshold: Severity) -> Bool {
        findings.contains { $0.severity >= threshold }
    }
}

/// Runs the catalog's rules over a loaded registry, then applies policy severity overrides and exceptions.
public struct Validator: Sendable {
    public var catalog: RuleCatalog
    public var today: Day
    /// Runs the rules one after another and times each (AUDREG_TIMING=rules), instead of in parallel.
    public var timesEachRule: Bool

    public init(catalog: RuleCatalog = .builtIn, today: Day, timesEachRule: Bool = PhaseTiming.perRule) {
        self.catalog = catalog
        self.today = today
        self.timesEachRule = timesEachRule
    }

    public func validate(directory: String, loader: RegistryLoader = RegistryLoader()) throws(RegistryError) -> ValidationReport {
        validate(try loader.load(directory: directory))
    }

    public func validate(_ loaded: LoadedRegistry) -> ValidationReport {
        let registry = loaded.registry
        var findings = loaded.findings
        findings.append(contentsOf: Self.policyCountFindings(registry))
        var timing = PhaseTiming()
        let context = RuleContext(registry: registry, today: today, knownRuleIDs: Set(catalog.rules.map { $0.description.id }))
        timing.lap("rule context")
        let rules = catalog.rules.filter { $0.description.stage == .registry }.map { $0.init() }
        let perRule: [[Finding]]
        if timesEachRule {
            // One rule at a time, so each one's time is its own (for profiling; slower than in parallel).
            perRule = rules.map { rule in
                let findings = rule.findings(in: context)
                timing.lap("rule \(type(of: rule).description.id)")
                return findings
            }
        } else {
            perRule = Self.runTogether(rules, in: context)
            timing.lap("rules")
        }
        for ruleFindings in perRule { findings.append(contentsOf: ruleFindings) }
        var report = apply(findings: findings, to: registry, context: context)
        timing.lap("severity overrides and exceptions")
        timing.report()
        // Drift rules are not run by validate; the report lists the rules that were.
        report.rules = catalog.descriptions.filter { $0.stage != .drift }
        return report
    }

    /// Runs the rules' registry-wide parts side by side, and their per-service parts in one pass over
    /// the services, cut into slices that the cores share out.
    static func runTogether(_ rules: [any Rule], in context: RuleContext) -> [[Finding]] {
        let serviceRules = rules.compactMap { $0 as? any ServiceRule }
        let services = context.registry.services
        var jobs = rules.map(RuleJob.registryWide)
        if !serviceRules.isEmpty { jobs += ParallelMap.slices(of: services.count, size: 1024).map(RuleJob.services) }
        return ParallelMap.map(jobs) { job in
            switch job {
            case .registryWide(let rule):
                return rule.check(context)
            case .services(let positions):
                var findings: [Finding] = []
                for position in positions {
                    let service = services[position]
                    for rule in serviceRules { rule.check(service, at: position, in: context, into: &findings) }
                }
                return findings
            }
        }
    }

    /// Applies the policy's severity overrides and the entities' exceptions to raw findings.
    public func apply(findings raw: [Finding], to registry: Registry, context: RuleContext) -> ValidationReport {
        let overrides = registry.policy.severityOverrides
        let exceptions = Self.activeExceptions(in: registry, today: today)
        var kept: [Finding] = []
        var suppressed: [SuppressedFinding] = []
        var seen = Set<Finding>()
        for var finding in raw {
            guard seen.insert(finding).inserted else { continue }
            if let override = overrides[finding.ruleID]?.value {
                guard let severity = Severity(rawValue: override) else { continue } // "off"
                finding.severity = severity
            }
            if let entity = finding.entity, let exception = exceptions[ExceptionKey(entity: entity, rule: finding.ruleID)],
               !Self.unsuppressible.contains(finding.ruleID) {
                suppressed.append(SuppressedFinding(finding: finding, exceptionLocation: exception.location,
                                                    expires: exception.expires!.value, approvedBy: exception.approvedBy?.value ?? "",
                                                    ticket: exception.ticket?.value))
                continue
            }
            kept.append(finding)
        }
        return ValidationReport(findings: kept, suppressed: suppressed, rules: catalog.rules.map { $0.description }, registry: registry)
    }

    /// Findings about exceptions themselves cannot be excepted away.
    static let unsuppressible: Set<String> = ["exception-expired", "exception-invalid"]

    struct ExceptionKey: Hashable {
        var entity: EntityRef
        var rule: String
    }

    /// Exceptions that suppress today: complete (reason, approver, expiry) and not yet expired.
    static func activeExceptions(in registry: Registry, today: Day) -> [ExceptionKey: RuleException] {
        var result: [ExceptionKey: RuleException] = [:]
        let owners: [(EntityRef, [RuleException])] = registry.services.map { ($0.ref, $0.exceptions) } + registry.issuers.map { ($0.ref, $0.exceptions) }
        for (ref, exceptions) in owners {
            for exception in exceptions {
                guard let expires = exception.expires, expires.value >= today,
                      exception.reason != nil, exception.approvedBy != nil else { continue }
                let key = ExceptionKey(entity: ref, rule: exception.rule.value)
                if result[key] == nil { result[key] = exception }
            }
        }
        return result
    }

    static func policyCountFindings(_ registry: Registry) -> [Finding] {
        guard let first = registry.policies.first, let firstOrigin = first.origin else { return [] }
        return registry.policies.dropFirst().compactMap { policy in
            guard let origin = policy.origin, let metadata = policy.metadata else { return nil }
            return Finding(ruleID: LoaderRuleID.schema, severity: .error,
                           message: "a registry holds at most one Policy; this one ('\(metadata.name.value)') is ignored in favour of the first",
                           location: origin.location, entity: EntityRef(.policy, metadata.name.value),
                           related: [RelatedLocation(firstOrigin.location, entity: first.metadata.map { EntityRef(.policy, $0.name.value) }, message: "the Policy in force")])
        }
    }
}

private enum RuleJob: Sendable {
    case registryWide(any Rule)
    case services(Range<Int>)
}

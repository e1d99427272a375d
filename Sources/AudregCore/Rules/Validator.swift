/// A finding that an approved exception hides, kept for the summary and the exceptions register.
public struct SuppressedFinding: Sendable, Hashable {
    public var finding: Finding
    public var exceptionLocation: SourceLocation
    public var expires: Day
    public var approvedBy: String
    public var ticket: String?
    /// Why the exception was granted, as written.
    public var reason: String? = nil
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

    public init(errors: Int, warnings: Int, notes: Int, suppressed: Int) {
        self.errors = errors
        self.warnings = warnings
        self.notes = notes
        self.suppressed = suppressed
    }

    var counted: String { "\(errors) errors, \(warnings) warnings, \(notes) notes, \(suppressed) suppressed" }

    /// Why a report whose summary says this, but which lists `findings` and `suppressed` suppressed ones,
    /// cannot be read as evidence; nil when the summary counts exactly what is listed. A report cut by
    /// `--max-findings` counts what it does not list: judged on the listed findings only, a control
    /// whose errors were cut away would read as met. Every reader of a drift report asks here (build,
    /// serve and export through `DriftReport.read`, and `drift merge`), so none takes a cut report.
    public func mismatch(listing findings: [Finding], suppressed: Int) -> String? {
        let listed = ReportSummary(findings: findings, suppressed: suppressed)
        guard listed != self else { return nil }
        return "summary does not count the findings listed (it counts \(counted); the report lists \(listed.counted)): "
            + Self.cutAdvice
    }

    /// What a cut or edited report is, and what to write instead.
    public static let cutAdvice = "a report cut by --max-findings, or edited, leaves findings out, and controls judged on the listed ones alone could read as met; run 'audreg drift' without --max-findings for a report that lists every finding"
}

/// Everything a reporter needs: pure data, sorted, so every output format is a pure function of it.
public struct ValidationReport: Sendable {
    public var findings: [Finding]
    public var suppressed: [SuppressedFinding]
    public var summary: ReportSummary
    /// The rules that ran, for SARIF's rule table and JUnit's test cases.
    public var rules: [RuleDescription]
    public var registry: Registry
    /// Findings left out by `limited(to:)` (`--max-findings`), by severity. `summary` still counts them,
    /// and so does the exit status: a finding not shown is not a finding that passed.
    public var omitted = ReportSummary(findings: [], suppressed: 0)

    public init(findings: [Finding], suppressed: [SuppressedFinding], rules: [RuleDescription], registry: Registry) {
        self.findings = findings.sorted(by: Finding.reportOrder)
        self.suppressed = suppressed.sorted { Finding.reportOrder($0.finding, $1.finding) }
        self.summary = ReportSummary(findings: self.findings, suppressed: suppressed.count)
        self.rules = rules
        self.registry = registry
        self.unreadFiles = Self.unreadFiles(findings: findings, registry: registry)
    }

    /// True when some finding, shown or omitted, is at or above `threshold`: the exit status 1 condition.
    public func fails(at threshold: Severity) -> Bool {
        findings.contains { $0.severity >= threshold }
            || (threshold <= .error && omitted.errors > 0) || (threshold <= .warning && omitted.warnings > 0)
            || (threshold <= .note && omitted.notes > 0)
    }

    /// The rules of this report that the policy turns off (`severity: {rule: off}`), with where it says so,
    /// in rule order. Their findings are dropped, so every reporter says they were not assessed rather
    /// than letting an empty result read as a pass.
    public var turnedOff: [(ruleID: String, location: SourceLocation)] {
        let overrides = registry.policy.severityOverrides
        return rules.compactMap { rule in
            guard let override = overrides[rule.id], override.value.isExactly("off") else { return nil }
            return (rule.id, override.location)
        }
    }

    /// Registry files that could not be read: an error stopped their parse (`yaml-syntax`, which also
    /// reports an unreadable file), or an error without an entity came from a file that defined no loaded
    /// entity. What they define is unknown, so nothing about it may be claimed. In report order, each once.
    ///
    /// Worked out from the findings before the policy's severity overrides: a policy that turns
    /// `yaml-syntax` off hides the finding, not the fact that the file was not read.
    public var unreadFiles: [String]

    static func unreadFiles(findings: [Finding], registry: Registry) -> [String] {
        var loaded = Set<ExactString>()
        for service in registry.services { loaded.insert(ExactString(service.origin.file)) }
        for issuer in registry.issuers { loaded.insert(ExactString(issuer.origin.file)) }
        for team in registry.teams { loaded.insert(ExactString(team.origin.file)) }
        for policy in registry.policies { if let origin = policy.origin { loaded.insert(ExactString(origin.file)) } }
        var files: [String] = []
        var seen = Set<ExactString>()
        for finding in findings where finding.severity == .error {
            let file = ExactString(finding.location.file)
            let stopped = finding.ruleID == LoaderRuleID.yamlSyntax
                || (finding.ruleID == LoaderRuleID.schema && finding.entity == nil && !loaded.contains(file))
            if stopped, seen.insert(file).inserted { files.append(finding.location.file) }
        }
        return files
    }

    /// How many findings `limited(to:)` left out.
    public var omittedCount: Int { omitted.errors + omitted.warnings + omitted.notes }

    /// The report with at most `maximum` findings (`--max-findings`): the most severe first, then in report
    /// order, so a cut never hides an error behind notes. The summary keeps the full counts.
    public func limited(to maximum: Int) -> ValidationReport {
        guard findings.count > maximum else { return self }
        var result = self
        let ranked = findings.enumerated().sorted { lhs, rhs in
            lhs.element.severity != rhs.element.severity ? lhs.element.severity > rhs.element.severity : lhs.offset < rhs.offset
        }
        let kept = ranked.prefix(max(maximum, 0)).map(\.offset).sorted()
        result.findings = kept.map { findings[$0] }
        var omittedFindings = ranked.dropFirst(max(maximum, 0)).map(\.element)
        omittedFindings.sort(by: Finding.reportOrder)
        result.omitted = ReportSummary(findings: omittedFindings, suppressed: 0)
        return result
    }
}

/// Runs the catalog's rules over a loaded registry, then applies policy severity overrides and exceptions.
public struct Validator: Sendable {
    public var catalog: RuleCatalog
    public var today: Day
    /// Runs the rules one after another and times each (AUDREG_TIMING=rules), instead of in parallel.
    public var timesEachRule: Bool
    /// Whether the phases' durations are reported (the executable reads AUDREG_TIMING).
    public var timing: TimingOptions

    public init(catalog: RuleCatalog = .builtIn, today: Day, timing: TimingOptions = .off, timesEachRule: Bool? = nil) {
        self.catalog = catalog
        self.today = today
        self.timing = timing
        self.timesEachRule = timesEachRule ?? timing.timesEachRule
    }

    public func validate(directory: String, loader: RegistryLoader = RegistryLoader()) throws(RegistryError) -> ValidationReport {
        var timing = PhaseTiming(self.timing)
        let loaded = try loader.load(directory: directory)
        timing.lap("load registry (read, parse, build entities)")
        return validate(loaded, timing: timing)
    }

    public func validate(_ loaded: LoadedRegistry) -> ValidationReport {
        validate(loaded, timing: PhaseTiming(timing))
    }

    private func validate(_ loaded: LoadedRegistry, timing: PhaseTiming) -> ValidationReport {
        var timing = timing
        let registry = loaded.registry
        var findings = loaded.findings
        findings.append(contentsOf: Self.policyCountFindings(registry))
        let context = RuleContext(registry: registry, today: today, knownRuleIDs: Set(catalog.rules.map { $0.description.id }), files: loaded.files)
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
        // Drift rules are not run by validate; the report lists the rules that were, and any whose
        // findings the loader raised (a registry file linked from outside the root).
        let raised = Set(report.findings.map(\.ruleID))
        report.rules = catalog.descriptions.filter { $0.stage != .drift || raised.contains($0.id) }
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
                                                    ticket: exception.ticket?.value, reason: exception.reason?.value))
                continue
            }
            kept.append(finding)
        }
        var report = ValidationReport(findings: Self.capped(kept), suppressed: suppressed, rules: catalog.rules.map { $0.description }, registry: registry)
        report.unreadFiles = ValidationReport.unreadFiles(findings: raw, registry: registry)
        return report
    }

    /// Findings listed per rule per file (SECURITY.md, Limits): past it, one finding counts the rest, so a
    /// file built to raise a rule a million times cannot flood CI logs, PR comments or memory downstream.
    public static let maxFindingsPerRulePerFile = 1_000

    /// Byte-exact: findings in `\u{E9}.yaml` and `e\u{301}.yaml` are capped apart.
    struct RuleFileKey: Hashable {
        var rule: ExactString
        var file: ExactString
    }

    /// Keeps the first `limit` findings of each rule in each file, in report order, and adds one finding
    /// per cut group that says how many more there were, at the first one left out, with the highest
    /// severity among them.
    static func capped(_ findings: [Finding], limit: Int = maxFindingsPerRulePerFile) -> [Finding] {
        var counts: [RuleFileKey: Int] = [:]
        var over = false
        for finding in findings {
            let key = RuleFileKey(rule: ExactString(finding.ruleID), file: ExactString(finding.location.file))
            let count = counts[key, default: 0] + 1
            counts[key] = count
            // One finding over the limit costs what the count line would: only cut past that.
            if count > limit + 1 { over = true }
        }
        guard over else { return findings }
        var listed: [RuleFileKey: Int] = [:]
        var leftOut: [RuleFileKey: (count: Int, severity: Severity, first: Finding)] = [:]
        var result: [Finding] = []
        for finding in findings.sorted(by: Finding.reportOrder) {
            let key = RuleFileKey(rule: ExactString(finding.ruleID), file: ExactString(finding.location.file))
            let count = listed[key, default: 0]
            if count < limit || counts[key, default: 0] <= limit + 1 {
                listed[key] = count + 1
                result.append(finding)
            } else if let previous = leftOut[key] {
                leftOut[key] = (previous.count + 1, max(previous.severity, finding.severity), previous.first)
            } else {
                leftOut[key] = (1, finding.severity, finding)
            }
        }
        for (key, omitted) in leftOut {
            result.append(Finding(ruleID: key.rule.text, severity: omitted.severity,
                                  message: "\(omitted.count) more \(key.rule.text) finding(s) in this file from here on are not listed (audreg lists at most \(limit) per rule per file); fix the ones listed and run again",
                                  location: omitted.first.location))
        }
        return result
    }

    /// Findings about exceptions themselves cannot be excepted away, nor can a name defined twice:
    /// exceptions are found by name, so a second definition could bring the exception that hides it.
    public static let unsuppressible: Set<String> = ["exception-expired", "exception-invalid", "duplicate-name"]

    /// Rules whose severity no policy changes: a duplicate definition shadows the first wherever it
    /// is read (site, exports), so it is always an error.
    public static let fixedSeverity: Set<String> = ["duplicate-name"]

    struct ExceptionKey: Hashable {
        var entity: EntityRef
        var rule: String
    }

    /// Exceptions that suppress today: complete (reason, approver, expiry) and not yet expired.
    static func activeExceptions(in registry: Registry, today: Day) -> [ExceptionKey: RuleException] {
        var result: [ExceptionKey: RuleException] = [:]
        let owners: [(EntityRef, [RuleException])] = registry.services.map { ($0.ref, $0.exceptions) } + registry.issuers.map { ($0.ref, $0.exceptions) }
        for (ref, exceptions) in owners {
            for exception in exceptions where exception.isInForce(on: today) {
                let key = ExceptionKey(entity: ref, rule: exception.rule.value)
                if result[key] == nil { result[key] = exception }
            }
        }
        return result
    }

    /// A drift report's suppressed findings, split by whether an exception of `registry` still covers
    /// them on `today`: the report records what was excepted when it ran, and an exception that has
    /// expired or been removed since hides nothing now.
    package static func driftSuppressions(_ suppressed: [SuppressedFinding], in registry: Registry, today: Day)
        -> (excepted: [SuppressedFinding], lapsed: [Finding]) {
        let active = activeExceptions(in: registry, today: today)
        var excepted: [SuppressedFinding] = []
        var lapsed: [Finding] = []
        for item in suppressed {
            if let entity = item.finding.entity, active[ExceptionKey(entity: entity, rule: item.finding.ruleID)] != nil,
               !unsuppressible.contains(item.finding.ruleID) {
                excepted.append(item)
            } else {
                lapsed.append(item.finding)
            }
        }
        return (excepted, lapsed)
    }

    static func policyCountFindings(_ registry: Registry) -> [Finding] {
        var findings: [Finding] = []
        if let first = registry.policies.first, let firstOrigin = first.origin {
            findings += registry.policies.dropFirst().compactMap { policy in
                guard let origin = policy.origin, let metadata = policy.metadata else { return nil }
                return Finding(ruleID: LoaderRuleID.schema, severity: .error,
                               message: "a registry holds at most one Policy, and this one ('\(metadata.name.value)') is another: none of them is in force, and the defaults apply until all but one are removed",
                               location: origin.location, entity: EntityRef(.policy, metadata.name.value),
                               related: [RelatedLocation(firstOrigin.location, entity: first.metadata.map { EntityRef(.policy, $0.name.value) }, message: "another Policy")])
            }
        }
        for policy in registry.policies {
            for rule in policy.ignoredSeverityOverrides {
                findings.append(Finding(ruleID: LoaderRuleID.schema, severity: .error,
                                        message: "a policy cannot change the severity of '\(rule.value)', so this override is ignored: a name defined twice is always an error; remove the override",
                                        location: rule.location, entity: policy.metadata.map { EntityRef(.policy, $0.name.value) }))
            }
        }
        return findings
    }
}

private enum RuleJob: Sendable {
    case registryWide(any Rule)
    case services(Range<Int>)
}

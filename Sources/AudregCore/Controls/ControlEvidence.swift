import Foundation

/// What one run of a rule looks at. It decides two things: which services a finding of the rule
/// counts against, and whether the rule ran for a given service at all.
public enum EvidenceScope: String, Sendable, Hashable, CaseIterable {
    /// A registry file as read (syntax, duplicate keys, schema): the entity the finding names, or,
    /// when the loader cannot tell, every entity defined in that file. Runs with every validation.
    case file
    /// A registry entity as checked by the validator: the entity the finding names (an issuer's
    /// finding reaches every service that accepts it). Runs with every validation.
    case service
    /// An issuer's published discovery document and JWKS (`audreg drift`): every service that accepts
    /// the issuer. Runs only when a drift report covers the issuer.
    case issuer
    /// A service's deployed gateway config (`audreg drift`): the service that declares the deployment.
    /// Runs only when a drift report covers the service's deployments.
    case deployment

    public var label: String {
        switch self {
        case .file: return "registry file"
        case .service: return "registry entry"
        case .issuer: return "issuer's published keys (drift)"
        case .deployment: return "deployed config (drift)"
        }
    }
}

/// The one table of which rule evidences which control, and at what scope, built from the rules'
/// own declarations (`RuleDescription.controls`, `.scope`) and the rules that a control catalog file
/// names. The site and the OSCAL export read it; nothing else decides what evidences a control.
public struct ControlEvidence: Sendable {
    public struct Entry: Sendable, Hashable {
        public var ruleID: String
        /// nil for a rule a catalog file names that this audreg does not have: it never runs.
        public var scope: EvidenceScope?
    }

    private var byControl: [String: [Entry]] = [:]
    private var scopes: [String: EvidenceScope] = [:]
    private var applicability: [String: RuleApplicability] = [:]

    public init(controls: ControlCatalog, rules: RuleCatalog) {
        var ruleIDs: [String: Set<String>] = [:]
        for description in rules.descriptions {
            scopes[description.id] = description.scope
            applicability[description.id] = description.appliesWhen
            for id in description.controls {
                if let control = controls.control(id) { ruleIDs[control.id, default: []].insert(description.id) }
            }
        }
        for framework in controls.frameworks {
            for control in framework.controls {
                let ids = ruleIDs[control.id, default: []].union(control.declaredRules)
                byControl[control.id] = ids.sorted().map { Entry(ruleID: $0, scope: scopes[$0]) }
            }
        }
    }

    /// The rules that evidence a control, sorted by ID.
    public func entries(for control: Control) -> [Entry] { byControl[control.id] ?? [] }

    public func ruleIDs(for control: Control) -> [String] { entries(for: control).map(\.ruleID) }

    /// A known rule's scope; nil for IDs this audreg does not have.
    public func scope(of ruleID: String) -> EvidenceScope? { scopes[ruleID] }

    /// What a known rule needs a service to state to have anything to check (nil for unknown rules).
    public func applicability(of ruleID: String) -> RuleApplicability? { applicability[ruleID] }

    /// Why a known rule has nothing to check for `service` (see `RuleApplicability`), or nil.
    public func nothingToCheck(rule ruleID: String, for service: Service, discoveryIssuers: Set<ExactString>? = nil) -> String? {
        applicability[ruleID]?.nothingToCheck(service, discoveryIssuers: discoveryIssuers)
    }
}

/// The status of one control for one service.
public enum ControlState: String, Sendable, Hashable, CaseIterable {
    /// Every evidencing rule ran for the service and none reports a finding.
    case met
    /// An evidencing rule reports an open finding that reaches the service.
    case failing
    /// The only findings are suppressed by approved exceptions, until they expire.
    case excepted
    /// An evidencing rule did not run for the service (no or stale drift report, nothing to check,
    /// a skipped check, a rule turned off); nothing is claimed either way.
    case notAssessed = "not-assessed"
}

/// How fresh and how complete the drift evidence is, against `today`.
public struct DriftEvidence: Sendable {
    public static let defaultMaxAgeDays = 7

    public var run: DriftRun?
    public var today: Day
    public var maxAgeDays: Int
    /// Days between the run and `today`, when both are known.
    public var ageDays: Int?
    /// Why no drift rule counts as run for any service; nil when the report is usable.
    public var reportGap: String?
    // By bytes: a registry name and a report name are the same entity only when their bytes are.
    let issuersChecked: Set<ExactString>
    let servicesChecked: Set<ExactString>
    /// What the run could not read or compare, by issuer and by service: looked up once per service and rule.
    let issuersUnread: [ExactString: [String]]
    let deploymentsUnmade: [ExactString: [DriftCoverage.Unchecked]]

    public init(run: DriftRun?, today: Day, maxAgeDays: Int = DriftEvidence.defaultMaxAgeDays) {
        self.run = run
        self.today = today
        self.maxAgeDays = maxAgeDays
        ageDays = run?.day.map { $0.days(until: today) }
        issuersChecked = Set((run?.coverage?.issuers ?? []).map { ExactString($0) })
        servicesChecked = Set((run?.coverage?.services ?? []).map { ExactString($0) })
        issuersUnread = Dictionary(grouping: run?.coverage?.issuersUnchecked ?? [], by: { ExactString($0.name) }).mapValues { $0.map(\.reason) }
        deploymentsUnmade = Dictionary(grouping: run?.coverage?.deploymentsUnchecked ?? [], by: { ExactString($0.name) })
        if let run, let reason = run.notOfThisRegistry {
            reportGap = reason
        } else if let run {
            if let ageDays {
                if ageDays > maxAgeDays {
                    reportGap = "the drift report of \(run.checkedAt!) is \(ageDays) days old, older than --max-drift-age \(maxAgeDays)"
                } else if ageDays < 0 {
                    reportGap = "the drift report is dated \(run.checkedAt!), after --today \(today)"
                }
            } else {
                reportGap = "the drift report does not say when it was run (an offline replay without a manifest)"
            }
            if reportGap == nil && run.coverage == nil {
                reportGap = "the drift report does not say what it checked (an earlier audreg wrote it); run 'audreg drift --format json' again"
            }
            // Earlier reports listed what they tried as checked, read or not: their silence proves nothing.
            if reportGap == nil, let coverage = run.coverage, !coverage.recordsUnchecked {
                reportGap = "the drift report does not say which comparisons it could not make (an earlier audreg wrote it); run 'audreg drift --format json' again"
            }
        } else {
            reportGap = "no drift report was given ('audreg drift --format json', then --drift-report)"
        }
    }

    /// Why a rule of `scope` did not run for `service`, or nil when it did. Registry rules run with
    /// every validation, whatever the drift report; drift rules run only where the report read what
    /// they judge.
    func gap(_ scope: EvidenceScope, for service: Service, issuerHasDocuments: (String) -> Bool) -> String? {
        switch scope {
        case .file, .service:
            return nil
        case .issuer:
            if let reportGap { return reportGap }
            guard let coverage = run?.coverage else { return "no drift coverage" }
            if coverage.issuersSkipped { return "the drift run skipped issuer checks (--skip-issuers)" }
            guard !service.accepts.isEmpty else { return "the service accepts no issuer whose keys could be checked" }
            for accepted in service.accepts {
                let name = accepted.issuer.value
                // Said as the registry says it, though the report lists such an issuer as unchecked too.
                if !issuerHasDocuments(name) { return "issuer \(name) has no JWKS or discovery URL to check" }
                // Unread outweighs checked, should a report list an issuer under both.
                if let unread = issuersUnread[ExactString(name)], !unread.isEmpty { return "the drift run could not read issuer \(name)'s published keys: " + unread.joined(separator: "; ") }
                if issuersChecked.contains(ExactString(name)) { continue }
                return "the drift run did not check issuer \(name)"
            }
            return nil
        case .deployment:
            return deploymentGap(for: service, deployment: nil)
        }
    }

    /// Why the drift run did not compare `service`'s deployment at `deployment` (its position in
    /// `deployments`), or, for nil, every one of its deployments; nil when it did. Only what the run
    /// read counts: a config it could not read or resolve is unmade whatever its finding's severity.
    /// The control pages and the Enforcers page both ask here.
    public func deploymentGap(for service: Service, deployment: Int?) -> String? {
        if let reportGap { return reportGap }
        guard let coverage = run?.coverage else { return "no drift coverage" }
        if coverage.deploymentsSkipped { return "the drift run skipped deployment checks (--skip-deployments)" }
        guard !service.deployments.isEmpty else { return "the service has no deployment to check" }
        let mine = deploymentsUnmade[ExactString(service.name)] ?? []
        let unmade = deployment.map { position in mine.filter { $0.deployment == position } } ?? mine
        if !unmade.isEmpty {
            return "the drift run could not compare " + unmade.map { item in
                (item.source.map { "deployment '\($0)'" } ?? "a deployment") + ": " + item.reason
            }.joined(separator: "; ")
        }
        if servicesChecked.contains(ExactString(service.name)) { return nil }
        // The run read this one deployment while another of the same service could not be compared.
        if deployment != nil && !mine.isEmpty { return nil }
        return "the drift run did not check this service's deployments"
    }

    /// Why the drift run did not compare `issuer`'s published documents, or nil when it read them.
    public func issuerGap(_ issuer: Issuer) -> String? {
        if let reportGap { return reportGap }
        guard let coverage = run?.coverage else { return "no drift coverage" }
        if coverage.issuersSkipped { return "the drift run skipped issuer checks (--skip-issuers)" }
        let name = ExactString(issuer.name)
        if issuer.jwksUri == nil && issuer.discoveryUrl == nil { return "it has no JWKS or discovery URL to check" }
        if let unread = issuersUnread[name], !unread.isEmpty { return "the drift run could not read its published keys: " + unread.joined(separator: "; ") }
        if issuersChecked.contains(name) { return nil }
        return "the drift run did not check it"
    }

    /// Why the run as a whole did not compare everything, or nil when it compared every issuer with
    /// documents and every service with deployments.
    public func registryGap(_ registry: Registry) -> String? {
        if let reportGap { return reportGap }
        guard let coverage = run?.coverage else { return "no drift coverage" }
        var parts: [String] = []
        if coverage.issuersSkipped { parts.append("issuer checks were skipped (--skip-issuers)") }
        if coverage.deploymentsSkipped { parts.append("deployment checks were skipped (--skip-deployments)") }
        let issuers = coverage.issuersSkipped ? 0 : registry.issuers.filter { ($0.jwksUri != nil || $0.discoveryUrl != nil) && issuerGap($0) != nil }.count
        let services = coverage.deploymentsSkipped ? 0 : registry.services.filter { !$0.deployments.isEmpty && deploymentGap(for: $0, deployment: nil) != nil }.count
        if issuers > 0 { parts.append("\(issuers) issuer\(issuers == 1 ? "'s" : "s'") published keys were not read") }
        if services > 0 { parts.append("\(services) service\(services == 1 ? "'s" : "s'") deployments were not compared") }
        return parts.isEmpty ? nil : parts.joined(separator: "; ") + " (each page's Evidence and the Enforcers page say why)"
    }

    /// "2026-11-30T09:00:00Z, live, 1 day old"
    public var summary: String {
        guard let run else { return "no drift report" }
        var text = "\(run.checkedAt ?? "time unknown"), \(run.mode == .live ? "live" : "replayed from saved responses")"
        if let ageDays { text += ", \(ageDays) day\(ageDays == 1 ? "" : "s") old" }
        return text
    }
}

/// Every finding counted against what it exposes, and whether each rule ran for each service: the
/// per-(service, control) state the site and the OSCAL export show.
public struct ControlAssessment: Sendable {
    public let evidence: ControlEvidence
    public let drift: DriftEvidence
    /// Service name → rule ID → open findings that reach the service.
    public private(set) var failing: [String: [String: [Finding]]] = [:]
    /// Service name → rule ID → suppressed findings that reach the service.
    public private(set) var excepted: [String: [String: [SuppressedFinding]]] = [:]
    /// Rules the policy turned off: they report nothing, so they evidence nothing.
    public let rulesOff: Set<String>
    /// Why nothing can be assessed for any service, when a registry file could not be read: whatever it
    /// defines (a service, a second definition of one, an audience another service shares) is unknown, so
    /// no control is met, for any service, until it reads.
    public let unreadRegistry: String?
    let documentedIssuers: Set<String>
    /// The issuers with a discovery URL: only for them is there a discovery document to compare.
    let discoveryIssuers: Set<ExactString>

    /// `drift` is the last `audreg drift --format json` run, if any; only its drift-stage findings are
    /// counted (its loader findings repeat the validation's).
    public init(report: ValidationReport, drift: DriftReport?, controls: ControlCatalog = .builtIn, rules: RuleCatalog = .builtIn,
                today: Day, maxDriftAgeDays: Int = DriftEvidence.defaultMaxAgeDays) {
        evidence = ControlEvidence(controls: controls, rules: rules)
        self.drift = DriftEvidence(run: drift?.run, today: today, maxAgeDays: maxDriftAgeDays)
        let registry = report.registry
        rulesOff = Set(registry.policy.severityOverrides.filter { $0.value.value == "off" }.keys)
        unreadRegistry = Self.unreadFiles(report)
        documentedIssuers = Set(registry.issuers.filter { $0.jwksUri != nil || $0.discoveryUrl != nil }.map(\.name))
        discoveryIssuers = Set(registry.issuers.filter { $0.discoveryUrl != nil }.map { ExactString($0.name) })
        let reach = FindingReach(registry: registry)
        for finding in report.findings {
            for name in reach.services(reachedBy: finding) { failing[name, default: [:]][finding.ruleID, default: []].append(finding) }
        }
        for suppressed in report.suppressed {
            for name in reach.services(reachedBy: suppressed.finding) {
                excepted[name, default: [:]][suppressed.finding.ruleID, default: []].append(suppressed)
            }
        }
        // A stale or incomplete report still shows its findings: a finding is evidence of a problem
        // however old, while its silence is evidence of nothing.
        let driftSuppressed = Validator.driftSuppressions(drift?.suppressed ?? [], in: registry, today: today)
        for finding in (drift?.findings ?? []) + driftSuppressed.lapsed where rules.rule(id: finding.ruleID)?.stage == .drift {
            for name in reach.services(reachedBy: finding) { failing[name, default: [:]][finding.ruleID, default: []].append(finding) }
        }
        for suppressed in driftSuppressed.excepted where rules.rule(id: suppressed.finding.ruleID)?.stage == .drift {
            for name in reach.services(reachedBy: suppressed.finding) {
                excepted[name, default: [:]][suppressed.finding.ruleID, default: []].append(suppressed)
            }
        }
    }

    /// Said once for every control, when some registry file could not be read (`ValidationReport.unreadFiles`).
    static func unreadFiles(_ report: ValidationReport) -> String? {
        let files = report.unreadFiles
        guard let first = files.first else { return nil }
        let more = files.count > 1 ? " and \(files.count - 1) more file\(files.count == 2 ? "" : "s")" : ""
        return "the registry file \(first)\(more) could not be read (see its \(LoaderRuleID.yamlSyntax) or \(LoaderRuleID.schema) error), so what it defines is unknown"
    }

    /// Why `ruleID` did not run for `service`, or nil when it did.
    public func gap(rule ruleID: String, for service: Service) -> String? {
        guard let scope = evidence.scope(of: ruleID) else { return "\(ruleID) is not a rule of this audreg" }
        if let unreadRegistry { return unreadRegistry }
        if rulesOff.contains(ruleID) { return "the policy turns \(ruleID) off" }
        if let reason = evidence.nothingToCheck(rule: ruleID, for: service, discoveryIssuers: discoveryIssuers) { return reason }
        return drift.gap(scope, for: service, issuerHasDocuments: documentedIssuers.contains)
    }

    public struct Result: Sendable {
        public var state: ControlState
        public var failing: [Finding]
        public var excepted: [SuppressedFinding]
        /// Rule ID and why it did not run, for each evidencing rule that did not.
        public var gaps: [(rule: String, reason: String)]
        public var exceptedUntil: Day? { excepted.map(\.expires).min() }
    }

    /// The state of `control` for `service`; nil when no rule evidences the control. A finding
    /// outweighs a rule that did not run, which outweighs an exception.
    public func assess(_ control: Control, for service: Service) -> Result? {
        let entries = evidence.entries(for: control)
        guard !entries.isEmpty else { return nil }
        let open = failing[service.name] ?? [:]
        let suppressed = excepted[service.name] ?? [:]
        var result = Result(state: .met, failing: [], excepted: [], gaps: [])
        for entry in entries {
            result.failing += open[entry.ruleID] ?? []
            result.excepted += suppressed[entry.ruleID] ?? []
            if let reason = gap(rule: entry.ruleID, for: service) { result.gaps.append((entry.ruleID, reason)) }
        }
        // A rule with nothing to check here is left out of the judgement, unless no rule had anything.
        let unassessed = RuleApplicability.leavesUnassessed(gapReasons: result.gaps.map(\.reason), ruleCount: entries.count)
        if !result.failing.isEmpty { result.state = .failing }
        else if unassessed { result.state = .notAssessed }
        else if !result.excepted.isEmpty { result.state = .excepted }
        return result
    }
}

/// Which services a finding counts against: the one it names; for an issuer, every service that
/// accepts it; for a team, the services it owns; for the policy, every service; and for a finding
/// that names nothing (a file that could not be read as entities), every entity defined in its file.
struct FindingReach {
    let allServices: [String]
    let serviceNames: Set<ExactString>
    // By bytes: `\u{E9}.yaml` and `e\u{301}.yaml` are two files, and a finding in one says nothing
    // about the entities of the other.
    var byIssuer: [ExactString: [String]] = [:]
    var byOwner: [ExactString: [String]] = [:]
    var entitiesByFile: [ExactString: [EntityRef]] = [:]

    init(registry: Registry) {
        var names: [String] = []
        var seen = Set<ExactString>()
        for service in registry.services {
            entitiesByFile[ExactString(service.origin.file), default: []].append(service.ref)
            guard seen.insert(ExactString(service.name)).inserted else { continue }
            names.append(service.name)
            for accepted in service.accepts { byIssuer[ExactString(accepted.issuer.value), default: []].append(service.name) }
            if let owner = service.metadata.owner?.value { byOwner[ExactString(owner), default: []].append(service.name) }
        }
        allServices = names
        serviceNames = seen
        for issuer in registry.issuers { entitiesByFile[ExactString(issuer.origin.file), default: []].append(issuer.ref) }
        for team in registry.teams { entitiesByFile[ExactString(team.origin.file), default: []].append(team.ref) }
        for policy in registry.policies {
            if let name = policy.metadata?.name.value, let origin = policy.origin {
                entitiesByFile[ExactString(origin.file), default: []].append(EntityRef(.policy, name))
            }
        }
    }

    func services(reachedBy finding: Finding) -> [String] {
        if let entity = finding.entity { return services(exposedBy: entity) }
        var result: [String] = []
        var seen = Set<ExactString>()
        for entity in entitiesByFile[ExactString(finding.location.file)] ?? [] {
            for name in services(exposedBy: entity) where seen.insert(ExactString(name)).inserted { result.append(name) }
        }
        return result
    }

    func services(exposedBy entity: EntityRef) -> [String] {
        switch entity.kind {
        case .service: return serviceNames.contains(ExactString(entity.name)) ? [entity.name] : []
        case .issuer: return byIssuer[ExactString(entity.name)] ?? []
        case .team: return byOwner[ExactString(entity.name)] ?? []
        case .policy: return allServices
        }
    }
}

extension ControlAssessment {
    /// Why a rule never runs for any service (unknown to this audreg, or turned off by the policy).
    public func globalGap(rule ruleID: String) -> String? {
        guard evidence.scope(of: ruleID) != nil else { return "\(ruleID) is not a rule of this audreg" }
        if let unreadRegistry { return unreadRegistry }
        return rulesOff.contains(ruleID) ? "the policy turns \(ruleID) off" : nil
    }

    /// Why rules of `scope` did not run for `service`, or nil when they did.
    public func gap(scope: EvidenceScope, for service: Service) -> String? {
        drift.gap(scope, for: service, issuerHasDocuments: documentedIssuers.contains)
    }
}

/// The commit the registry was read at, from `git log -1` (never the wall clock), for evidence dates.
public struct RegistryRevision: Sendable, Equatable {
    public var commit: String
    /// The commit's date as git prints it (`%cI`, ISO 8601).
    public var date: String
    /// Files under the registry differ from the commit.
    public var modified: Bool

    public init(commit: String, date: String, modified: Bool = false) {
        self.commit = commit
        self.date = date
        self.modified = modified
    }

    /// "commit 1a2b3c4d5e6f of 2026-11-30T09:00:00Z" (with ", plus uncommitted changes").
    public var summary: String {
        "commit \(commit.prefix(12)) of \(date)" + (modified ? ", plus uncommitted changes" : "")
    }

    /// The last commit that touched `directory`, or nil when it is not in a git working tree (or git
    /// is not installed).
    public static func read(directory: String) -> RegistryRevision? {
        guard let log = try? GitProcess.run("git", ["log", "-1", "--format=%H %cI", "--", "."], in: directory), log.status == 0 else { return nil }
        let parts = log.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ")
        guard parts.count == 2 else { return nil }
        let status = try? GitProcess.run("git", ["status", "--porcelain", "--", "."], in: directory)
        return RegistryRevision(commit: String(parts[0]), date: String(parts[1]),
                                modified: status.map { $0.status == 0 && !$0.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty } ?? false)
    }
}

import Foundation
import AudregCore

/// What the site is built from, computed once from a validation report: the indexes every page looks
/// things up in (findings by entity and by rule, callers by service, services by issuer and by owner) and
/// the tables several pages share (`SiteContext`), so the work grows linearly with the registry. The
/// pages' view models are built from it when they are rendered, each by its descriptor (`SitePage`).
public struct SiteModel: Sendable {
    public static let siteTitle = "Audience registry"
    /// Exceptions that expire within this many days are listed on the overview.
    public static let expiringWindow = 30
    /// Above this many services the coverage matrix moves from the controls page to pages of this many
    /// rows each: a table of every service is more HTML than a browser shows usefully (BENCHMARKS.md,
    /// "Figures from code comments").
    public static let matrixPageSize = 1000

    /// The site's name (`build --title`), in every page's title and header and in mkdocs.yml.
    public var siteTitle: String = SiteModel.siteTitle
    /// What the pages are built from: the registry's indexes and the tables several pages share, made
    /// once. Each page's view model is built from it by its descriptor (`SitePage.build`).
    var context: SiteContext

    /// The navigation, in order: (text, root-relative path without extension), from `SitePage.all`.
    static var navigation: [(String, String)] { SitePage.navigation }

    /// The navigation with each entry current in turn (the last: none), made once and shared by every
    /// page: a 10,000-service site would otherwise make 10,000 identical lists.
    private static let navigations: [RowList<NavItem>] = (0...navigation.count).map { current in
        .shared(navigation.enumerated().map { index, item in
            NavItem(text: item.0, href: item.1 + ".html", md: item.1 + ".md", current: index == current)
        })
    }

    static func chrome(_ title: String, path: String, template: String, section: String? = nil, siteTitle: String = siteTitle) -> PageChrome {
        let depth = path.split(separator: "/").count - 1
        let current = section ?? path
        let nav = navigations[navigation.firstIndex { $0.1 == current } ?? navigation.count]
        return PageChrome(siteTitle: siteTitle, pageTitle: title, root: String(repeating: "../", count: depth), nav: nav, template: template)
    }

    /// Where a service's and a rule's pages are (`SitePage.service`, `.rule`), and links to them.
    static func servicePath(_ name: String) -> String { "services/\(name)" }
    static func rulePath(_ id: String) -> String { "rules/\(id)" }
    static func serviceLink(_ name: String, text: String? = nil) -> SiteLink { SiteLink(text ?? name, path: servicePath(name)) }
    static func ruleLink(_ id: String) -> SiteLink { SiteLink(id, path: rulePath(id)) }
    static func issuerLink(_ name: String) -> SiteLink { SitePage.issuers.link(name, fragment: "issuer-\(name)") }
    static func teamLink(_ name: String) -> SiteLink { SitePage.teams.link(name, fragment: "team-\(name)") }

    static func severityLabel(_ severity: Severity) -> String {
        switch severity {
        case .error: return "Error"
        case .warning: return "Warning"
        case .note: return "Note"
        }
    }

    static func nonEmptyText(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }

    static func join(_ values: [String], empty: String = "none") -> String {
        values.isEmpty ? empty : values.joined(separator: ", ")
    }
}

/// Per-service control status (see `ControlState`): met only when every rule that evidences the control
/// ran for the service and none has a finding reaching it; failing when one does; not assessed when an
/// evidencing rule did not run for it; excepted when the only findings are suppressed by exceptions.
public enum ControlStatus: String, Sendable {
    case met, failing, excepted, notAssessed = "not-assessed", notEvidenced = "not-evidenced"

    var label: String {
        switch self {
        case .met: return "Met"
        case .failing: return "Failing"
        case .excepted: return "Excepted"
        case .notAssessed: return "Not assessed"
        case .notEvidenced: return "No rule evidences it"
        }
    }

    var symbol: String {
        switch self {
        case .met: return "✓"
        case .failing: return "✗"
        case .excepted: return "E"
        case .notAssessed: return "?"
        case .notEvidenced: return "–"
        }
    }
}

extension SiteModel {
    /// Builds the shared context of every page. `tokenFlow` is the picture for the token-flow page (see
    /// `TokenFlowGraph`). `drift` is the last `audreg drift --format json` run, shown on service, issuer
    /// and Drift pages. A drift report older than `maxDriftAgeDays` still shows its findings, but the
    /// controls its rules evidence are not assessed.
    public static func build(report: ValidationReport, catalog: RuleCatalog = .builtIn, controls: ControlCatalog = .builtIn,
                             today: Day, tokenFlow: TokenFlowGraph.Picture, drift: DriftReport? = nil,
                             maxDriftAgeDays: Int = DriftEvidence.defaultMaxAgeDays, registryRevision: RegistryRevision? = nil,
                             siteTitle: String = SiteModel.siteTitle, source: SourceEvidence = SourceEvidence(),
                             history: TrustHistory? = nil) -> SiteModel {
        var context = SiteContext(report: report, catalog: catalog, controls: controls, today: today, drift: drift,
                                  maxDriftAgeDays: maxDriftAgeDays, registryRevision: registryRevision)
        context.source = source
        context.history = history
        context.tokenFlow = tokenFlow
        context.prepareHistory()
        context.prepareSharedTables()
        return SiteModel(siteTitle: siteTitle, context: context)
    }

    /// The token-flow picture, drawn while the context was built.
    mutating func setTokenFlow(_ picture: TokenFlowGraph.Picture) { context.tokenFlow = picture }
}

/// What every page's view model is built from (`SitePage.build`): the report, the catalogs, indexes
/// over the registry and the findings, links made once, and the tables more than one page shows. Made
/// once per build, before any page; read, never changed, by the rendering threads.
struct SiteContext {
    let report: ValidationReport
    let catalog: RuleCatalog
    let controlCatalog: ControlCatalog
    let today: Day
    let drift: DriftReport?
    /// Every finding counted against the services it exposes, and which rules ran for which service.
    let assessment: ControlAssessment
    let registryRevision: RegistryRevision?
    /// Links to the code host and each file's last commit (`build --repo-url`, git log); empty without them.
    var source = SourceEvidence()
    /// The registry's trust history (`build --history`); nil when not built.
    var history: TrustHistory?
    /// Its widening and narrowing changes, newest first, and those of each service.
    var historyRows: [HistoryRow] = []
    var historyByService: [String: [HistoryRow]] = [:]
    var quietCommits: [QuietCommit] = []

    // Indexes, built once.
    let services: Reordered<Service>
    let issuers: [Issuer]
    let teams: [Team]
    let serviceNames: Set<String>
    let issuerNames: Set<String>
    let teamNames: Set<String>
    let ruleIDs: Set<String>
    var findingsByEntity: [EntityRef: [Finding]] = [:]
    var findingsByRule: [String: [Finding]] = [:]
    var suppressedByEntity: [EntityRef: [SuppressedFinding]] = [:]
    var findingsByLocation: [SourceLocation: [Finding]] = [:]
    /// Callee → (caller's name, hop).
    var callers: [String: [(String, DownstreamHop)]] = [:]
    var servicesByIssuer: [String: [String]] = [:]
    var servicesByOwner: [String: [String]] = [:]
    var issuersByOwner: [String: [String]] = [:]
    var failingRulesByService: [String: Set<String>] = [:]
    var exceptedRulesByService: [String: Set<String>] = [:]
    /// By service position: why the issuer-scope and deployment-scope drift rules did not run for it.
    var issuerGaps: [String?] = []
    var deploymentGaps: [String?] = []
    /// By service position: which drift evidence it lacks, numbered. Services whose two gaps are the
    /// same, byte for byte, share a number (a handful of numbers in all), so what follows from the
    /// gaps is worked out once per number instead of once per service.
    var gapProfiles: [Int32] = []
    /// By service position: the `RuleApplicability.lackingBit`s of the conditions it does not meet.
    var lackingBits: [UInt8] = []
    var gapProfileCount = 0
    struct GapProfileKey: Hashable {
        let issuer: ExactString?
        let deployment: ExactString?
        /// Which of `RuleApplicability.conditions` the service does not meet, one bit each: rules that
        /// need them have nothing to check there, so such services get their own rows.
        let lacking: UInt8
    }
    /// How many services the drift rules of each scope ran for, and the first reason one did not.
    var issuerRuns: (Int, String?) = (0, nil)
    var deploymentRuns: (Int, String?) = (0, nil)
    /// For each evidence scope (registry, issuer, deployment) and each condition's `lackingBit` (0 for
    /// `.always`): how many services meet the condition, and how many of those have the scope's
    /// evidence. A rule that needs audiences ran for the services that list one, not for every service.
    var applicableRuns: [RunCountKey: (applicable: Int, ran: Int)] = [:]
    struct RunCountKey: Hashable {
        let scope: UInt8
        let condition: UInt8
    }
    var driftFindingsByRule: [String: [Finding]] = [:]
    /// Findings exceptions hide, by rule (the registry's and the drift run's): a rule whose only
    /// findings are excepted has not passed.
    var suppressedCountByRule: [String: Int] = [:]
    /// The drift report's suppressed findings that an exception of this registry still covers today.
    var driftExcepted: [SuppressedFinding] = []
    /// Control ID → the rules that evidence it, with its page path.
    var controlRules: [String: [String]] = [:]
    var controlPaths: [String: String] = [:]
    var frameworkSlugs: [String: String] = [:]
    var driftByEntity: [EntityRef: [Finding]] = [:]
    /// The services' links, made once and shared, by position in `services`: a link copied into thousands
    /// of rows shares its strings' storage, where making it again would allocate new strings for every
    /// row (50,000 services × 27 controls); rows that know the position skip hashing the name.
    var serviceLinkTable: [SiteLink] = []
    /// Each service's position in `services`, by name: the table's entry rather than a second copy of
    /// the link (a fifth of the size; 5 MiB less at 50,000 services).
    var servicePositions: [String: Int32] = [:]
    var controlLinks: [String: SiteLink] = [:]
    var ruleLinks: [String: SiteLink] = [:]
    var teamLinks: [String: SiteLink] = [:]
    let issuerByName: [String: Issuer]
    let allControls: [(Framework, Control)]
    /// What a service page shows about an issuer it accepts, worked out once per issuer rather than once
    /// per service (the URLs are parsed to decide whether they may be links).
    var issuerDisplays: [String: IssuerDisplay] = [:]
    /// The controls a service page lists: those evidenced by at least one rule.
    var serviceControlColumns: [ServiceControlColumn] = []
    /// What a service page without an open or excepted finding shows for them (most pages): one list,
    /// shared, so each page neither builds it again nor has it boxed and rendered again (see `BoxCache`).
    var allControlsMet = RowList<ControlStatusRow>.shared([])
    /// By gap profile (`gapProfiles`): the control rows (needing attention, met), the reasons rules did
    /// not run and the evidence rows of pages without an open or excepted finding.
    var sharedControls: [(attention: RowList<ControlStatusRow>, met: RowList<ControlStatusRow>, notRun: RowList<NotRunGroup>)?] = []
    var sharedEvidence: [[EvidenceSourceRow]?] = []

    // Tables more than one page shows, made once by `prepareSharedTables`.
    /// The services list's rows (also searched).
    var serviceRows = ServiceRows.none
    /// Every audience value with the services that accept it (the Audiences page; counted on the overview; searched).
    var audienceRows: [AudienceRow] = []
    /// Every exception, by expiry (the Exceptions page; counted and those expiring soon listed on the overview).
    var exceptionRows: [ExceptionRow] = []
    /// The control pages, framework summaries and coverage matrix (the Controls pages; coverage on the overview).
    var controls = ControlsModel()
    /// The search page's entries, also written as the search index.
    var searchEntries = SearchEntries(services: .none, audiences: [], others: [])
    /// The token-flow picture, drawn on another thread while the rest is made.
    var tokenFlow = TokenFlowGraph.Picture(svg: "", engine: "")

    struct IssuerDisplay {
        var issuerURL: ExternalLink?
        var jwks: ExternalLink?
        var algorithms: [String]
    }

    struct ServiceControlColumn {
        var link: SiteLink
        var id: String
        var title: String
        var framework: String
        var rules: [String]
        var needs: EvidenceNeeds
    }

    /// Which runs a control's evidence needs, worked out once per control so a matrix cell is a few
    /// comparisons.
    struct EvidenceNeeds: Sendable {
        var issuerRules: [String] = []
        var deploymentRules: [String] = []
        /// Rules that never run for any service (unknown to this audreg, or turned off), with why.
        var neverRun: [(rule: String, reason: String)] = []
        /// Rules that have nothing to check for a service that does not state what they need.
        var conditional: [(rule: String, applicability: RuleApplicability)] = []
        /// How many rules evidence the control.
        var ruleCount = 0

        var always: Bool { !neverRun.isEmpty }
    }

    init(report: ValidationReport, catalog: RuleCatalog, controls: ControlCatalog, today: Day, drift: DriftReport?,
         maxDriftAgeDays: Int = DriftEvidence.defaultMaxAgeDays, registryRevision: RegistryRevision? = nil) {
        self.report = report
        self.catalog = catalog
        self.controlCatalog = controls
        self.today = today
        self.drift = drift
        self.registryRevision = registryRevision
        let assessment = ControlAssessment(report: report, drift: drift, controls: controls, rules: catalog, today: today,
                                           maxDriftAgeDays: maxDriftAgeDays)
        self.assessment = assessment
        services = report.registry.services.firstOfEachName(\.name)
        issuers = Array(report.registry.issuers.firstOfEachName(\.name))
        teams = Array(report.registry.teams.firstOfEachName(\.name))
        let sortedServices = services
        serviceNames = Set(sortedServices.indices.map { sortedServices[$0].name })
        issuerByName = Dictionary(issuers.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        allControls = controls.frameworks.flatMap { framework in framework.controls.map { (framework, $0) } }
        issuerNames = Set(issuers.map(\.name))
        teamNames = Set(teams.map(\.name))
        ruleIDs = Set(catalog.descriptions.map(\.id))

        for finding in report.findings {
            if let entity = finding.entity { findingsByEntity[entity, default: []].append(finding) }
            findingsByRule[finding.ruleID, default: []].append(finding)
            findingsByLocation[finding.location, default: []].append(finding)
        }
        for suppressed in report.suppressed {
            if let entity = suppressed.finding.entity { suppressedByEntity[entity, default: []].append(suppressed) }
            suppressedCountByRule[suppressed.finding.ruleID, default: 0] += 1
        }
        // Control status counts every finding against what it exposes (see `ControlAssessment`),
        // drift findings included.
        for (name, rules) in assessment.failing { failingRulesByService[name] = Set(rules.keys) }
        for (name, rules) in assessment.excepted { exceptedRulesByService[name] = Set(rules.keys) }
        issuerGaps = services.indices.map { assessment.gap(scope: .issuer, for: services[$0]) }
        deploymentGaps = services.indices.map { assessment.gap(scope: .deployment, for: services[$0]) }
        let discoveryIssuers = Set(report.registry.issuers.filter { $0.discoveryUrl != nil }.map { ExactString($0.name) })
        lackingBits = services.indices.map { Self.lacking(services[$0], discoveryIssuers: discoveryIssuers) }
        var profileNumbers: [GapProfileKey: Int32] = [:]
        gapProfiles.reserveCapacity(services.count)
        for position in services.indices {
            let key = GapProfileKey(issuer: issuerGaps[position].map { ExactString($0) }, deployment: deploymentGaps[position].map { ExactString($0) },
                                    lacking: lackingBits[position])
            if let number = profileNumbers[key] {
                gapProfiles.append(number)
            } else {
                profileNumbers[key] = Int32(profileNumbers.count)
                gapProfiles.append(Int32(profileNumbers.count - 1))
            }
        }
        gapProfileCount = profileNumbers.count
        var lackingCounts: [UInt8: (services: Int, withIssuerEvidence: Int, withDeploymentEvidence: Int)] = [:]
        for position in services.indices {
            var counts = lackingCounts[lackingBits[position], default: (0, 0, 0)]
            counts.services += 1
            if issuerGaps[position] == nil { counts.withIssuerEvidence += 1 }
            if deploymentGaps[position] == nil { counts.withDeploymentEvidence += 1 }
            lackingCounts[lackingBits[position]] = counts
        }
        for condition in [RuleApplicability.always] + RuleApplicability.ruleConditions {
            let bit = condition.lackingBit
            // A service whose audiences could not be read had something to check that the rule could
            // not assess: it counts as applicable, never as run.
            let nothingToCheckBits = bit & ~RuleApplicability.unassessedConditions.reduce(0) { $0 | $1.lackingBit }
            let applicable = lackingCounts.filter { $0.key & nothingToCheckBits == 0 }.values.reduce(0) { $0 + $1.services }
            let meets = lackingCounts.filter { $0.key & bit == 0 }.values
            applicableRuns[RunCountKey(scope: 0, condition: bit)] = (applicable, meets.reduce(0) { $0 + $1.services })
            applicableRuns[RunCountKey(scope: 1, condition: bit)] = (applicable, meets.reduce(0) { $0 + $1.withIssuerEvidence })
            applicableRuns[RunCountKey(scope: 2, condition: bit)] = (applicable, meets.reduce(0) { $0 + $1.withDeploymentEvidence })
        }
        issuerRuns = (issuerGaps.lazy.filter { $0 == nil }.count, issuerGaps.lazy.compactMap { $0 }.first)
        deploymentRuns = (deploymentGaps.lazy.filter { $0 == nil }.count, deploymentGaps.lazy.compactMap { $0 }.first)
        let driftSuppressed = Validator.driftSuppressions(drift?.suppressed ?? [], in: report.registry, today: today)
        for finding in (drift?.findings ?? []) + driftSuppressed.lapsed where catalog.rule(id: finding.ruleID)?.stage == .drift {
            driftFindingsByRule[finding.ruleID, default: []].append(finding)
        }
        for suppressed in driftSuppressed.excepted where catalog.rule(id: suppressed.finding.ruleID)?.stage == .drift {
            suppressedCountByRule[suppressed.finding.ruleID, default: 0] += 1
        }
        driftExcepted = driftSuppressed.excepted
        for finding in (drift?.findings ?? []) + driftSuppressed.lapsed {
            if let entity = finding.entity { driftByEntity[entity, default: []].append(finding) }
        }
        for index in services.indices {
            let name = services[index].name
            for hop in services[index].downstream { callers[hop.service.value, default: []].append((name, hop)) }
            for accepted in services[index].accepts { servicesByIssuer[accepted.issuer.value, default: []].append(name) }
            if let owner = services[index].metadata.owner?.value { servicesByOwner[owner, default: []].append(name) }
        }
        for issuer in issuers {
            if let owner = issuer.metadata.owner?.value { issuersByOwner[owner, default: []].append(issuer.name) }
        }
        // Built-in frameworks take their plain slugs first, so an added catalog whose id slugs alike
        // (`nist-csf-2-0`) gets a suffixed one and never takes over the built-in's permalinks.
        let builtIn = Set(ControlCatalog.builtIn.frameworks.map { ExactString($0.id) })
        let ids = controls.frameworks.map(\.id)
        frameworkSlugs = Slug.unique(ids.filter { builtIn.contains(ExactString($0)) } + ids.filter { !builtIn.contains(ExactString($0)) })
        for framework in controls.frameworks {
            let slugs = Slug.unique(framework.controls.map(\.id))
            for control in framework.controls {
                controlRules[control.id] = assessment.evidence.ruleIDs(for: control)
                controlPaths[control.id] = "controls/\(frameworkSlugs[framework.id]!)/\(slugs[control.id]!)"
                controlLinks[control.id] = SiteLink(control.id, path: controlPaths[control.id]!)
            }
        }
        servicePositions.reserveCapacity(services.count)
        serviceLinkTable = services.indices.map { SiteModel.serviceLink(services[$0].name) }
        for index in services.indices { servicePositions[services[index].name] = Int32(index) }
        for id in ruleIDs { ruleLinks[id] = SiteModel.ruleLink(id) }
        for name in teamNames { teamLinks[name] = SiteModel.teamLink(name) }
        for issuer in issuers {
            issuerDisplays[issuer.name] = IssuerDisplay(issuerURL: issuer.issuer.map { ExternalLink($0.value.text) },
                                                        jwks: issuer.jwksUri.map { ExternalLink($0.value) }, algorithms: issuer.algorithms.map(\.value))
        }
        for (framework, control) in allControls {
            let rules = controlRules[control.id] ?? []
            guard !rules.isEmpty, let link = controlLinks[control.id] else { continue }
            serviceControlColumns.append(ServiceControlColumn(link: link, id: control.id, title: control.title, framework: framework.shortTitle,
                                                              rules: rules, needs: evidenceNeeds(rules)))
        }
        allControlsMet = .shared(serviceControlColumns.map { Self.controlStatusRow($0, failing: [], excepted: [], gaps: []) })
        // Services without an open or excepted finding differ only in which drift evidence they lack
        // (a handful of combinations): their pages share the lists made here, boxed once per thread.
        sharedControls = Array(repeating: nil, count: gapProfileCount)
        sharedEvidence = Array(repeating: nil, count: gapProfileCount)
        for position in services.indices where failingRulesByService[services[position].name] == nil
                                                && exceptedRulesByService[services[position].name] == nil {
            let key = Int(gapProfiles[position])
            guard sharedControls[key] == nil else { continue }
            let rows = serviceControlColumns.map { Self.controlStatusRow($0, failing: [], excepted: [], gaps: gaps($0.needs, at: position)) }
            let attention = rows.filter { $0.status != ControlStatus.met.rawValue }
            sharedControls[key] = attention.isEmpty
                ? (RowList([]), allControlsMet, RowList([]))
                : (.shared(attention), .shared(rows.filter { $0.status == ControlStatus.met.rawValue }), .shared(Self.notRunGroups(attention)))
            sharedEvidence[key] = evidenceSources(at: position)
        }
    }

    /// The earliest expiry of the exceptions that suppress findings of `rules` reaching `service`.
    func exceptedUntil(_ service: String, rules: [String]) -> String? {
        guard let byRule = assessment.excepted[service] else { return nil }
        return rules.compactMap { byRule[$0]?.map(\.expires).min() }.min()?.description
    }

    func evidenceNeeds(_ rules: [String]) -> EvidenceNeeds {
        var needs = EvidenceNeeds()
        needs.ruleCount = rules.count
        for rule in rules {
            if let reason = assessment.globalGap(rule: rule) { needs.neverRun.append((rule, reason)); continue }
            if let applicability = assessment.evidence.applicability(of: rule), applicability != .always {
                needs.conditional.append((rule, applicability))
            }
            switch assessment.evidence.scope(of: rule) {
            case .issuer: needs.issuerRules.append(rule)
            case .deployment: needs.deploymentRules.append(rule)
            default: break
            }
        }
        return needs
    }

    /// The evidencing rules that did not run for the service at `position`, with why.
    func gaps(_ needs: EvidenceNeeds, at position: Int) -> [(rule: String, reason: String)] {
        var gaps = needs.neverRun
        // Nothing to check comes first, as in `ControlAssessment.gap`: a rule with nothing to check at
        // this service is listed with that reason only, whatever the drift run read.
        var nothing: Set<String> = []
        for (rule, applicability) in needs.conditional where lacks(applicability, at: position) {
            gaps.append((rule, gapReason(applicability, at: position)))
            nothing.insert(rule)
        }
        if !needs.issuerRules.isEmpty, let reason = issuerGaps[position] {
            gaps += needs.issuerRules.lazy.filter { !nothing.contains($0) }.map { ($0, reason) }
        }
        if !needs.deploymentRules.isEmpty, let reason = deploymentGaps[position] {
            gaps += needs.deploymentRules.lazy.filter { !nothing.contains($0) }.map { ($0, reason) }
        }
        return gaps
    }

    /// The rules of `rows` that did not run, each once, grouped by reason: reasons in the order they
    /// first appear (the controls' order), rules by ID, so the page is the same on every build.
    static func notRunGroups(_ rows: [ControlStatusRow]) -> [NotRunGroup] {
        var groups: [NotRunGroup] = []
        var groupOfReason: [ExactString: Int] = [:]
        var listed: Set<ExactString> = []
        for gap in rows.lazy.flatMap(\.notRun) where listed.insert(ExactString(gap.rule.href)).inserted {
            let reason = ExactString(gap.reason)
            if let index = groupOfReason[reason] {
                groups[index].rules.append(gap.rule)
            } else {
                groupOfReason[reason] = groups.count
                groups.append(NotRunGroup(reason: gap.reason, rules: [gap.rule]))
            }
        }
        for index in groups.indices { groups[index].rules.sort { $0.text.utf8.lexicographicallyPrecedes($1.text.utf8) } }
        return groups
    }

    /// "config-audience-broadened, config-token-forwarded did not run: the service has no deployment to
    /// check", one clause per reason.
    static func describe(_ gaps: [(rule: String, reason: String)]) -> String {
        var order: [ExactString] = []
        var rules: [ExactString: [String]] = [:]
        for gap in gaps {
            let reason = ExactString(gap.reason)
            if rules[reason] == nil { order.append(reason) }
            rules[reason, default: []].append(gap.rule)
        }
        return order.map { "\(rules[$0]!.joined(separator: ", ")) did not run: \($0.text)" }.joined(separator: "; ")
    }

    static func lacking(_ service: Service, discoveryIssuers: Set<ExactString>) -> UInt8 {
        var bits: UInt8 = 0
        for condition in RuleApplicability.conditions where condition.nothingToCheck(service, discoveryIssuers: discoveryIssuers) != nil {
            bits |= condition.lackingBit
        }
        return bits
    }

    /// Why a rule with `applicability` did not assess the service at `position`: the first single
    /// condition it needs that the service does not meet, in `RuleApplicability.nothingToCheck`'s order.
    func gapReason(_ applicability: RuleApplicability, at position: Int) -> String {
        for condition in RuleApplicability.conditions where applicability.lackingBit & condition.lackingBit != 0 && lacks(condition, at: position) {
            return RuleApplicability.reason(condition) ?? ""
        }
        return RuleApplicability.reason(applicability) ?? ""
    }

    /// Whether the service at `position` does not meet `condition` (worked out once per service).
    func lacks(_ condition: RuleApplicability, at position: Int) -> Bool {
        lackingBits[position] & condition.lackingBit != 0
    }

    /// Whether the control is not assessed for the service at `position`, as `ControlAssessment.assess`
    /// decides: a rule that did not run, other than one with nothing to check, or nothing to check for
    /// every rule. No allocation: this runs for every service and control.
    func hasGap(_ needs: EvidenceNeeds, at position: Int) -> Bool {
        if needs.always { return true }
        if needs.conditional.isEmpty {
            return (!needs.issuerRules.isEmpty && issuerGaps[position] != nil) || (!needs.deploymentRules.isEmpty && deploymentGaps[position] != nil)
        }
        // A condition that is not met for a reason other than "nothing to check" (audiences that could
        // not be read) leaves the control unassessed outright.
        if needs.conditional.contains(where: { lacks($0.applicability, at: position)
                                              && !RuleApplicability.isNothingToCheck(gapReason($0.applicability, at: position)) }) {
            return true
        }
        func nothing(_ rule: String) -> Bool {
            needs.conditional.contains { $0.rule == rule && lacks($0.applicability, at: position) }
        }
        let nothingCount = needs.conditional.lazy.filter { lacks($0.applicability, at: position) }.count
        if nothingCount > 0 && nothingCount >= needs.ruleCount { return true }
        if issuerGaps[position] != nil && needs.issuerRules.contains(where: { !nothing($0) }) { return true }
        if deploymentGaps[position] != nil && needs.deploymentRules.contains(where: { !nothing($0) }) { return true }
        return false
    }

    func serviceLink(_ name: String) -> SiteLink { servicePositions[name].map { serviceLinkTable[Int($0)] } ?? SiteModel.serviceLink(name) }
    func ruleLink(_ id: String) -> SiteLink { ruleLinks[id] ?? SiteModel.ruleLink(id) }

    // MARK: links and rows

    func nonEmpty(_ text: String?) -> String? { SiteModel.nonEmptyText(text) }

    func entityLink(_ ref: EntityRef?) -> SiteLink? {
        guard let ref else { return nil }
        switch ref.kind {
        case .service: return serviceNames.contains(ref.name) ? serviceLink(ref.name) : nil
        case .issuer: return issuerNames.contains(ref.name) ? SiteModel.issuerLink(ref.name) : nil
        case .team: return teamNames.contains(ref.name) ? SiteModel.teamLink(ref.name) : nil
        case .policy: return nil
        }
    }

    func ownerLink(_ owner: String?) -> SiteLink? {
        guard let owner else { return nil }
        return teamLinks[owner]
    }

    func findingRow(_ finding: Finding) -> FindingRow {
        FindingRow(severity: finding.severity.rawValue, severityLabel: SiteModel.severityLabel(finding.severity),
                   rule: ruleLink(ruleIDs.contains(finding.ruleID) ? finding.ruleID : "unknown"),
                   entity: entityLink(finding.entity), entityText: finding.entity?.description ?? "",
                   message: finding.message, location: finding.location.description,
                   sourceURL: sourceURL(finding.location))
    }

    /// The location's file and line in the code host, at `ref` (default: the build's).
    func sourceURL(_ location: SourceLocation, ref: String? = nil) -> String? {
        guard var links = source.links else { return nil }
        if let ref {
            // A file at a commit the host does not have would be a broken link.
            guard links.commitsOnHost else { return nil }
            if let atRef = SourceLinks(repoURL: links.base, ref: ref, prefix: links.prefix) { links = atRef }
        }
        return links.blob(location.file, line: location.line)
    }

    /// The trust history as rows: widening and narrowing changes, newest first; commits without either.
    mutating func prepareHistory() {
        guard let history else { return }
        for commit in history.commits {
            let commitURL = source.links?.commit(commit.commit)
            let short = String(commit.commit.prefix(12))
            var neutral = 0
            for change in commit.diff.changes {
                guard change.kind != .neutral else { neutral += 1; continue }
                let findings = change.findings.map { finding -> FindingRow in
                    var row = findingRow(finding)
                    row.sourceURL = sourceURL(finding.location, ref: commit.commit)
                    return row
                }
                let row = HistoryRow(kind: change.kind.rawValue, kindLabel: change.kind == .widening ? "Widening" : "Narrowing",
                                     symbol: change.kind == .widening ? "▲" : "▼", commit: short, commitURL: commitURL,
                                     date: commit.date, author: commit.author, subject: commit.subject,
                                     entity: entityLink(change.entity), entityText: change.entity.description,
                                     summary: change.summary, findings: findings)
                historyRows.append(row)
                if change.entity.kind == .service { historyByService[change.entity.name, default: []].append(row) }
            }
            // A file that did not read is neither a widening nor a narrowing: the commit says what it
            // could not compare, with the findings that say why, and is never listed as quiet.
            for sentence in commit.diff.notCompared {
                let findings = commit.diff.unattributed.filter { $0.ruleID == LoaderRuleID.yamlSyntax || $0.ruleID == LoaderRuleID.schema }
                    .map { finding -> FindingRow in
                        var row = findingRow(finding)
                        row.sourceURL = sourceURL(finding.location, ref: commit.commit)
                        return row
                    }
                historyRows.append(HistoryRow(kind: "not-compared", kindLabel: "Not compared", symbol: "?", commit: short, commitURL: commitURL,
                                              date: commit.date, author: commit.author, subject: commit.subject,
                                              entity: nil, entityText: "", summary: sentence, findings: findings))
            }
            if !commit.diff.changes.contains(where: { $0.kind != .neutral }) && commit.diff.notCompared.isEmpty {
                quietCommits.append(QuietCommit(commit: short, commitURL: commitURL, date: commit.date, author: commit.author,
                                                subject: commit.subject, neutral: neutral))
            }
        }
    }

    func historyPage() -> TrustHistoryPage {
        guard let history else {
            return TrustHistoryPage(built: false,
                                    reason: "This site was built without a trust history: the registry is not in a git repository, or the build ran with --history 0 or --no-git-evidence.",
                                    commitCount: 0, limit: 0, widening: 0, narrowing: 0, history: [], quiet: [], note: nil)
        }
        return TrustHistoryPage(built: true, reason: "", commitCount: history.commits.count, limit: history.limit,
                                widening: historyRows.filter { $0.kind == TrustChangeKind.widening.rawValue }.count,
                                narrowing: historyRows.filter { $0.kind == TrustChangeKind.narrowing.rawValue }.count,
                                history: historyRows, quiet: quietCommits, note: history.note)
    }

    /// "2026-11-30T09:00:00Z, live" or "2026-11-30T09:00:00Z, replayed from saved responses".
    var driftWhen: String {
        guard let run = drift?.run else { return "" }
        let time = run.checkedAt ?? "time unknown"
        switch run.mode {
        case .live: return "\(time), live"
        case .offline: return "\(time), replayed from saved responses"
        }
    }

    /// "No drift" only for what the run compared: a gap (a stale report, a skipped check, keys or a
    /// config not read) is said instead, findings or not.
    func driftStatus(_ findings: [Finding], gap: String?) -> DriftStatus {
        var status = DriftStatus(reported: drift != nil, when: driftWhen, findings: findings.map(findingRow))
        if drift != nil {
            status.compared = gap == nil
            status.notCompared = gap ?? ""
        }
        return status
    }

    /// The service at `position`: its deployments' gap is already worked out (`deploymentGaps`).
    func driftStatus(forService position: Int) -> DriftStatus {
        driftStatus(driftByEntity[services[position].ref] ?? [], gap: deploymentGaps[position])
    }

    func driftStatus(for issuer: Issuer) -> DriftStatus {
        driftStatus(driftByEntity[issuer.ref] ?? [], gap: assessment.drift.issuerGap(issuer))
    }

    /// The whole run, for the Drift page and the overview.
    func registryDriftStatus(_ findings: [Finding]) -> DriftStatus {
        driftStatus(findings, gap: assessment.drift.registryGap(report.registry))
    }

    func controlLink(_ id: String) -> SiteLink? {
        if let link = controlLinks[id] { return link }
        guard let control = controlCatalog.control(id), let path = controlPaths[control.id] else { return nil }
        return SiteLink(control.id, path: path)
    }

    func exceptionRows(for ref: EntityRef, _ exceptions: [RuleException]) -> [ExceptionRow] {
        let suppressed = suppressedByEntity[ref] ?? []
        return exceptions.map { exception in
            let rule = exception.rule.value
            let status: (String, String)
            var daysLeft = ""
            if let expires = exception.expires?.value {
                let days = today.days(until: expires)
                daysLeft = String(days)
                if days < 0 { status = ("expired", "Expired") }
                else if exception.reason == nil || exception.approvedBy == nil { status = ("incomplete", "Incomplete") }
                else if days <= SiteModel.expiringWindow { status = ("expiring", "Expiring soon") }
                else { status = ("active", "Active") }
            } else {
                status = ("incomplete", "Incomplete")
            }
            let count = suppressed.filter { $0.finding.ruleID == rule && $0.exceptionLocation == exception.location }.count
            return ExceptionRow(entity: entityLink(ref), entityText: ref.description,
                                rule: ruleIDs.contains(rule) ? ruleLink(rule) : nil, ruleText: rule,
                                reason: exception.reason?.value ?? "", approvedBy: exception.approvedBy?.value ?? "",
                                ticket: nonEmpty(exception.ticket?.value), expires: exception.expires?.value.description ?? "",
                                daysLeft: daysLeft, status: status.0, statusLabel: status.1, suppressedCount: String(count),
                                location: exception.location.description,
                                when: ExceptionRow.when(expires: exception.expires?.value.description ?? "", daysLeft: daysLeft))
        }
    }

    /// The services list's rows, made when read from what the rows need (not from the whole context,
    /// whose tables a later change would then copy).
    func makeServiceRows() -> ServiceRows {
        let services = services, links = serviceLinkTable, teamLinks = teamLinks
        let findingCounts = findingsByEntity.mapValues(\.count)
        return ServiceRows(count: services.count) { position in
            let service = services[position]
            let audiences = service.audiences.map(\.value.text)
            let count = findingCounts[service.ref] ?? 0
            let owner = service.metadata.owner?.value
            return ServiceRow(link: links[position], title: service.metadata.title?.value ?? service.name,
                              owner: owner.flatMap { teamLinks[$0] }, ownerText: owner ?? "no owner",
                              environment: service.metadata.environment?.value ?? "", audiences: audiences,
                              audiencesText: SiteModel.join(audiences), findingCount: count, hasFindings: count > 0)
        }
    }

    static func controlStatusRow(_ column: ServiceControlColumn, failing: Set<String>, excepted: Set<String>,
                                 gaps: [(rule: String, reason: String)], exceptedUntil: String? = nil,
                                 ruleLink: (String) -> SiteLink = SiteModel.ruleLink) -> ControlStatusRow {
        // As `ControlAssessment.assess`: rules with nothing to check are left out unless all are.
        let unassessed = RuleApplicability.leavesUnassessed(gapReasons: gaps.map(\.reason), ruleCount: column.rules.count)
        let status = status(rules: column.rules, failing: failing, excepted: excepted, unassessed: unassessed)
        return ControlStatusRow(control: column.link, controlID: column.id, title: column.title, framework: column.framework,
                                status: status.rawValue, statusLabel: status.label, symbol: status.symbol, ruleCount: column.rules.count,
                                failingRules: failing.isEmpty ? [] : column.rules.filter(failing.contains).map(ruleLink),
                                exceptedRules: excepted.isEmpty ? [] : column.rules.filter(excepted.contains).map(ruleLink),
                                notRun: gaps.map { RuleGap(rule: ruleLink($0.rule), reason: $0.reason) },
                                exceptedUntil: excepted.isEmpty ? nil : exceptedUntil)
    }

    static func modeLabel(_ mode: HopMode) -> (String, String) {
        switch mode {
        case .tokenExchange:
            return ("Token exchange", "The caller exchanges the incoming token (RFC 8693) for a new one issued for the callee's audience.")
        case .newToken:
            return ("New token", "The caller authenticates with its own credentials and gets a token for the callee; the user's token does not cross.")
        case .passthrough:
            return ("Passthrough", "The incoming token is forwarded unchanged; the callee must accept the caller's audience.")
        }
    }

    func hopRow(from: String, hop: DownstreamHop) -> HopRow {
        let (label, explanation) = Self.modeLabel(hop.mode.value)
        let to = hop.service.value
        return HopRow(from: serviceNames.contains(from) ? serviceLink(from) : nil, fromText: from,
                      to: serviceNames.contains(to) ? serviceLink(to) : nil, toText: to,
                      mode: hop.mode.value.rawValue, modeLabel: label, explanation: explanation, reason: nonEmpty(hop.description))
    }

    /// A finding outweighs a rule that did not run, which outweighs an exception (as `ControlAssessment`).
    static func status(rules: [String], failing: Set<String>, excepted: Set<String>, unassessed: Bool) -> ControlStatus {
        guard !rules.isEmpty else { return .notEvidenced }
        if !failing.isEmpty, rules.contains(where: failing.contains) { return .failing }
        if unassessed { return .notAssessed }
        if !excepted.isEmpty, rules.contains(where: excepted.contains) { return .excepted }
        return .met
    }

    static func audienceAnchor(_ audience: String) -> String { "aud-" + StableHash.hex(audience) }

    /// One service's page. Pages are made when rendered (see `ServicePages`), not kept for the whole
    /// site: on a large registry every page's rows held at once are hundreds of megabytes (BENCHMARKS.md).
    func servicePage(at position: Int) -> ServicePage {
        let service = services[position]
        let ref = service.ref
        let accepts = service.accepts.map { accepted -> AcceptedIssuerRow in
            let issuer = accepted.issuer.value
            let known = issuerDisplays[issuer]
            return AcceptedIssuerRow(
                issuer: issuerNames.contains(issuer) ? SiteModel.issuerLink(issuer) : nil, issuerName: issuer,
                issuerURL: known?.issuerURL, jwks: known?.jwks,
                tokenTypes: accepted.tokenTypes.map { SiteModel.join($0.map(\.value)) } ?? "not checked",
                tokenTypesChecked: accepted.tokenTypes != nil,
                algorithms: SiteModel.join(accepted.algorithms?.map(\.value) ?? known?.algorithms ?? [], empty: "issuer default"),
                maxLifetime: accepted.maxLifetime?.value.description ?? "policy maximum (\(report.registry.policy.effectiveMaxTokenLifetime))",
                requiredClaims: SiteModel.join((accepted.requiredClaims ?? []).map(\.value), empty: "not listed"))
        }
        let flagged = Set(service.audiences.filter { !(findingsByLocation[$0.location] ?? []).isEmpty }.map(\.value))
        let failing = failingRulesByService[service.name] ?? []
        let excepted = exceptedRulesByService[service.name] ?? []
        let profile = Int(gapProfiles[position])
        let controlsAttention: RowList<ControlStatusRow>
        let controlsMet: RowList<ControlStatusRow>
        let notRunReasons: RowList<NotRunGroup>
        if failing.isEmpty && excepted.isEmpty, let shared = sharedControls[profile] {
            (controlsAttention, controlsMet, notRunReasons) = shared
        } else {
            let controls = serviceControlColumns.map {
                Self.controlStatusRow($0, failing: failing, excepted: excepted, gaps: gaps($0.needs, at: position),
                                      exceptedUntil: exceptedUntil(service.name, rules: $0.rules), ruleLink: ruleLink)
            }
            controlsAttention = RowList(controls.filter { $0.status != ControlStatus.met.rawValue })
            // Every column met means every row is the shared list's row, so the page holds that list itself.
            controlsMet = controlsAttention.isEmpty ? allControlsMet : RowList(controls.filter { $0.status == ControlStatus.met.rawValue })
            notRunReasons = RowList(Self.notRunGroups(controlsAttention.items))
        }
        return ServicePage(
            name: service.name, title: service.metadata.title?.value ?? service.name,
            titled: (service.metadata.title?.value).map { !$0.isExactly(service.name) } ?? false,
            description: nonEmpty(service.metadata.description?.value),
            owner: ownerLink(service.metadata.owner?.value), ownerText: service.metadata.owner?.value ?? "no owner",
            environment: service.metadata.environment?.value ?? "not set",
            labels: service.metadata.labels.map { LabelRow(key: $0.key, value: $0.value) }.sorted { ExactText.precedes($0.key, $1.key) },
            source: service.origin.file,
            accepts: accepts,
            audiences: service.audiences.map { AudienceValue(value: $0.value.text, link: SitePage.audiences.link($0.value.text, fragment: Self.audienceAnchor($0.value.text)), flagged: flagged.contains($0.value)) },
            scopes: service.scopes.map(\.value), roles: service.roles.map(\.value),
            scopesText: SiteModel.join(service.scopes.map(\.value)), rolesText: SiteModel.join(service.roles.map(\.value)),
            downstream: service.downstream.map { hopRow(from: service.name, hop: $0) },
            upstream: (callers[service.name] ?? []).map { hopRow(from: $0.0, hop: $0.1) },
            deployments: service.deployments.map { DeploymentRow(kind: $0.kind.value.rawValue, source: $0.source.value, provider: nonEmpty($0.provider?.value)) },
            findings: (findingsByEntity[ref] ?? []).map(findingRow),
            exposedFindings: exposedFindings(of: service).map(findingRow),
            evidence: sharedEvidence[profile] ?? evidenceSources(at: position),
            exceptions: exceptionRows(for: ref, service.exceptions),
            controlsAttention: controlsAttention,
            controlsMet: controlsMet,
            notRunReasons: notRunReasons,
            drift: driftStatus(forService: position),
            definedURL: sourceURL(service.origin.location),
            editURL: source.links?.edit(service.origin.file),
            lastChange: source.lastChange[ExactString(service.origin.file)].map {
                LastChange(date: $0.date, commit: String($0.commit.prefix(12)), commitURL: source.links?.commit($0.commit))
            },
            history: historyByService[service.name] ?? [],
            historyBuilt: history != nil,
            enforcement: enforcementPoints(at: position))
    }

    // MARK: pages

    /// The control pages, the framework summaries and the services × controls matrix: independent of
    /// the other pages, so `build` makes them on another core.
    struct ControlsModel: Sendable {
        var controlPages: [(String, ControlPage)] = []
        var frameworkSections: [FrameworkSection] = []
        var coverage: [FrameworkCoverage] = []
        var columns: [MatrixColumn] = []
        var matrixRows: [MatrixRow] = []
        var matrixInline = true
        /// The pages of a split matrix, in order; each one's path is `SitePage.matrixPath(part:)`.
        var matrixPages: [MatrixPage] = []
        var matrixLinks: [SiteLink] = []
    }

    func controlsModel() -> ControlsModel {
        // Controls: per control page, per framework summary, and the services × controls matrix.
        let controlCount = controlCatalog.frameworks.reduce(0) { $0 + $1.controls.count }
        var statusGrid: [[ControlStatus]] = Array(repeating: [], count: services.count)
        for index in statusGrid.indices { statusGrid[index].reserveCapacity(controlCount) }
        // Looked up once per service, not once per service and control.
        let failingByPosition = services.indices.map { failingRulesByService[services[$0].name] ?? [] }
        let exceptedByPosition = services.indices.map { exceptedRulesByService[services[$0].name] ?? [] }
        var controlPages: [(String, ControlPage)] = []
        var frameworkSections: [FrameworkSection] = []
        var coverage: [FrameworkCoverage] = []
        var columns: [MatrixColumn] = []
        for framework in controlCatalog.frameworks {
            var rows: [ControlRow] = []
            var frameworkCounts = (evidenced: 0, met: 0, failing: 0, excepted: 0, notAssessed: 0)
            let frameworkLink = SitePage.controlsIndex.link(framework.shortTitle, fragment: "fw-\(frameworkSlugs[framework.id]!)")
            for control in framework.controls {
                let rules = controlRules[control.id] ?? []
                let needs = evidenceNeeds(rules)
                let path = controlPaths[control.id]!
                var counts = (met: 0, failing: 0, excepted: 0, notAssessed: 0)
                var serviceRowsForControl: [ServiceControlRow] = []
                var metServices: [Int32] = []
                // Services not assessed, grouped by why: usually one reason for all of them.
                var unassessed: [[Int32]] = []
                var unassessedReasons: [String] = []
                // By gap profile: the group of the reason it gives here (worked out on its first service).
                var groupOfProfile = [Int?](repeating: nil, count: gapProfileCount)
                var groupOfReason: [ExactString: Int] = [:]
                for index in services.indices {
                    let failing = failingByPosition[index]
                    let excepted = exceptedByPosition[index]
                    let status = Self.status(rules: rules, failing: failing, excepted: excepted, unassessed: hasGap(needs, at: index))
                    statusGrid[index].append(status)
                    guard status != .notEvidenced else { continue }
                    switch status {
                    case .met: counts.met += 1
                    case .failing: counts.failing += 1
                    case .excepted: counts.excepted += 1
                    case .notAssessed: counts.notAssessed += 1
                    case .notEvidenced: break
                    }
                    if status == .met {
                        metServices.append(Int32(index))
                        continue
                    }
                    if status == .notAssessed {
                        let profile = Int(gapProfiles[index])
                        let group: Int
                        if let known = groupOfProfile[profile] {
                            group = known
                        } else {
                            let reason = Self.describe(gaps(needs, at: index))
                            group = groupOfReason[ExactString(reason)] ?? unassessed.count
                            if group == unassessed.count {
                                groupOfReason[ExactString(reason)] = group
                                unassessed.append([])
                                unassessedReasons.append(reason)
                            }
                            groupOfProfile[profile] = group
                        }
                        unassessed[group].append(Int32(index))
                        continue
                    }
                    serviceRowsForControl.append(ServiceControlRow(
                        service: serviceLinkTable[index], status: status.rawValue, statusLabel: status.label, symbol: status.symbol,
                        failingRules: rules.filter(failing.contains).map(ruleLink),
                        exceptedRules: rules.filter(excepted.contains).map(ruleLink),
                        exceptedUntil: excepted.isEmpty ? nil : exceptedUntil(services[index].name, rules: rules)))
                }
                let unassessedGroups = unassessed.indices.map { group in
                    UnassessedGroup(reason: unassessedReasons[group], services: SiteLinkList(table: serviceLinkTable, positions: unassessed[group]),
                                    count: unassessed[group].count)
                }
                let link = controlLinks[control.id]!
                columns.append(MatrixColumn(control: link, title: control.title))
                rows.append(ControlRow(link: link, id: control.id, title: control.title, ruleCount: rules.count, evidenced: !rules.isEmpty,
                                       met: counts.met, failing: counts.failing, excepted: counts.excepted, notAssessed: counts.notAssessed))
                if !rules.isEmpty {
                    frameworkCounts.evidenced += 1
                    if counts.failing > 0 { frameworkCounts.failing += 1 }
                    else if counts.notAssessed > 0 { frameworkCounts.notAssessed += 1 }
                    else if counts.excepted > 0 { frameworkCounts.excepted += 1 }
                    else { frameworkCounts.met += 1 }
                }
                let ruleRowsForControl = rules.map { id in
                    let rule = catalog.rule(id: id)
                    return RuleRow(link: ruleLink(id), id: id, name: rule?.name ?? id, severity: rule?.defaultSeverity.rawValue ?? "",
                                   summary: rule?.summary ?? "", findingCount: findingsByRule[id]?.count ?? 0)
                }
                let evidenceRows = rules.map { evidenceRow(rule: $0, needs: needs) }
                controlPages.append((path, ControlPage(
                    id: control.id, title: control.title, text: control.text, url: control.url.map(ExternalLink.init),
                    framework: frameworkLink, frameworkTitle: "\(framework.title)", aliases: nonEmpty(control.aliases.map { alias in
                        // An old ID that was split over several controls is only partly this one.
                        controlCatalog.controls(forAlias: alias).count > 1 ? alias + " (in part)" : alias
                    }.joined(separator: ", ")),
                    rules: ruleRowsForControl, evidence: evidenceRows, evidenced: !rules.isEmpty, attention: serviceRowsForControl,
                    unassessed: unassessedGroups, metServices: SiteLinkList(table: serviceLinkTable, positions: metServices),
                    met: counts.met, failing: counts.failing, excepted: counts.excepted, notAssessed: counts.notAssessed)))
            }
            frameworkSections.append(FrameworkSection(anchor: "fw-\(frameworkSlugs[framework.id]!)", id: framework.id, title: framework.title,
                                                      version: framework.version, url: framework.url.map(ExternalLink.init), controls: rows))
            coverage.append(FrameworkCoverage(link: frameworkLink, controls: framework.controls.count, evidenced: frameworkCounts.evidenced,
                                              met: frameworkCounts.met, failing: frameworkCounts.failing, excepted: frameworkCounts.excepted,
                                              notAssessed: frameworkCounts.notAssessed))
        }
        let matrixRows = services.indices.map { index in
            MatrixRow(service: serviceLinkTable[index], cells: statusGrid[index].map { MatrixCell(value: $0) })
        }
        var controlMatrixLinks: [SiteLink] = []
        let matrixInline = matrixRows.count <= SiteModel.matrixPageSize
        var matrixPages: [MatrixPage] = []
        if !matrixInline {
            let chunks = stride(from: 0, to: matrixRows.count, by: SiteModel.matrixPageSize).map {
                Array(matrixRows[$0..<min($0 + SiteModel.matrixPageSize, matrixRows.count)])
            }
            let links = chunks.enumerated().map { number, rows in
                SiteLink("Services \(number * SiteModel.matrixPageSize + 1)–\(number * SiteModel.matrixPageSize + rows.count): "
                         + "\(rows.first!.service.text) … \(rows.last!.service.text)", path: SitePage.matrixPath(part: number))
            }
            for (number, rows) in chunks.enumerated() {
                let range = "\(rows.first!.service.text) … \(rows.last!.service.text)"
                matrixPages.append(MatrixPage(
                    range: range, columns: columns, rows: rows, previous: number > 0 ? links[number - 1] : nil,
                    next: number + 1 < links.count ? links[number + 1] : nil))
            }
            controlMatrixLinks = links
        }

        return ControlsModel(controlPages: controlPages, frameworkSections: frameworkSections, coverage: coverage, columns: columns,
                             matrixRows: matrixRows, matrixInline: matrixInline, matrixPages: matrixPages, matrixLinks: controlMatrixLinks)
    }

    /// Makes the tables more than one page shows (see the stored properties above). The controls part
    /// is made on another thread while this one makes the rest.
    mutating func prepareSharedTables() {
        let parts = Locked(ModelParts())
        let group = DispatchGroup()
        let context = self
        DispatchQueue.global().async(group: group) {
            let controls = context.controlsModel()
            parts.withLock { $0.controls = controls }
        }
        serviceRows = makeServiceRows()
        audienceRows = makeAudienceRows()
        exceptionRows = makeExceptionRows()
        searchEntries = makeSearchEntries()
        group.wait()
        controls = parts.withLock { $0.controls! }
    }

    /// Every audience value with the services that accept it, flags from the findings of the rules that
    /// flag audience values (`RuleDescription.flagsAudienceValue`). Grouped by sorting (value, service
    /// position) pairs: one array, where a dictionary of arrays would allocate one per audience. Values
    /// are grouped byte for byte, as gateways compare them: two spellings of one text are two rows.
    func makeAudienceRows() -> [AudienceRow] {
        var uses: [(value: ExactString, service: Int32)] = []
        uses.reserveCapacity(services.indices.reduce(0) { $0 + services[$1].audiences.count })
        for index in services.indices {
            for audience in services[index].audiences { uses.append((audience.value, Int32(index))) }
        }
        uses.sort { $0.value < $1.value || ($0.value == $1.value && $0.service < $1.service) }
        let audienceRules = Set(catalog.descriptions.filter(\.flagsAudienceValue).map(\.id))
        var flagsByAudience: [ExactString: [AudienceFlag]] = [:]
        if report.findings.contains(where: { audienceRules.contains($0.ruleID) }) {
            for index in services.indices {
                for audience in services[index].audiences {
                    for finding in findingsByLocation[audience.location] ?? [] where audienceRules.contains(finding.ruleID) {
                        flagsByAudience[audience.value, default: []].append(AudienceFlag(rule: ruleLink(finding.ruleID), message: finding.message))
                    }
                }
            }
        }
        var audienceRows: [AudienceRow] = []
        var start = 0
        while start < uses.count {
            let value = uses[start].value
            var end = start + 1
            while end < uses.count && uses[end].value == value { end += 1 }
            var links: [SiteLink] = []
            for position in start..<end where position == start || uses[position].service != uses[position - 1].service {
                links.append(serviceLinkTable[Int(uses[position].service)])
            }
            let flags = flagsByAudience[value] ?? []
            audienceRows.append(AudienceRow(value: value.text, anchor: Self.audienceAnchor(value.text), services: links,
                                            flags: flags, flagged: !flags.isEmpty || links.count > 1, shared: links.count > 1))
            start = end
        }
        return audienceRows
    }

    /// Every exception of a service or issuer, by expiry.
    func makeExceptionRows() -> [ExceptionRow] {
        var allExceptions: [ExceptionRow] = []
        for index in services.indices where !services[index].exceptions.isEmpty {
            allExceptions += exceptionRows(for: services[index].ref, services[index].exceptions)
        }
        for issuer in issuers { allExceptions += exceptionRows(for: issuer.ref, issuer.exceptions) }
        allExceptions.sort { ($0.expires, $0.entityText, $0.ruleText) < ($1.expires, $1.entityText, $1.ruleText) }
        return allExceptions
    }

    /// Search: services (with audiences), audiences, issuers, teams, rules, controls.
    func makeSearchEntries() -> SearchEntries {
        var others: [SearchEntry] = []
        for issuer in issuers {
            let title = issuer.metadata.title?.value ?? issuer.name
            others.append(SearchEntry(kind: "Issuer", title: issuer.name, link: SiteModel.issuerLink(issuer.name),
                                      detail: [title, issuer.issuer?.value.text ?? ""].joined(separator: " · ")))
        }
        for team in teams {
            others.append(SearchEntry(kind: "Team", title: team.name, link: SiteModel.teamLink(team.name), detail: team.metadata.title?.value ?? team.name))
        }
        for rule in catalog.descriptions {
            others.append(SearchEntry(kind: "Rule", title: rule.id, link: ruleLink(rule.id), detail: rule.name + " · " + rule.summary))
        }
        for (framework, control) in allControls {
            if let link = controlLink(control.id) {
                others.append(SearchEntry(kind: "Control", title: control.id, link: link, detail: "\(framework.shortTitle) · \(control.title)"))
            }
        }
        return SearchEntries(services: serviceRows, audiences: audienceRows, others: others)
    }
}

/// What `prepareSharedTables` gets back from its other thread (read after the group's wait).
private struct ModelParts: Sendable {
    var controls: SiteContext.ControlsModel?
}

/// Every service's page, made on access from the context's indexes, as `SitePage.service` makes each
/// when it is rendered (for tests and callers that want them all).
public struct ServicePages: RandomAccessCollection, Sendable {
    let builder: SiteContext

    public var startIndex: Int { 0 }
    public var endIndex: Int { builder.services.count }
    public subscript(position: Int) -> ServicePage { builder.servicePage(at: position) }

    /// The list of controls met that pages without an open or excepted finding share.
    var allControlsMet: RowList<ControlStatusRow> { builder.allControlsMet }
}

// MARK: evidence

extension SiteContext {
    /// Where registry evidence comes from: this build's reading of the registry, dated by its commit
    /// when it is a git repository.
    var registryEvidence: String {
        guard let registryRevision else { return "the registry as read by this build (not dated: no git commit given)" }
        return "the registry at \(registryRevision.summary)"
    }

    var driftEvidenceText: String {
        let drift = assessment.drift
        guard drift.run != nil else { return "no drift report" }
        return "the drift run of \(drift.summary)"
    }

    /// Findings that reach a service from elsewhere: its issuers, its team, the policy, the file it is in.
    func exposedFindings(of service: Service) -> [Finding] {
        guard let byRule = assessment.failing[service.name] else { return [] }
        var seen = Set<Finding>()
        var result: [Finding] = []
        for findings in byRule.values {
            for finding in findings where finding.entity != service.ref && seen.insert(finding).inserted { result.append(finding) }
        }
        return result.sorted(by: Finding.reportOrder)
    }

    /// The service page's evidence: each source, whether it ran for this service, and when.
    func evidenceSources(at position: Int) -> [EvidenceSourceRow] {
        [
            EvidenceSourceRow(label: "Registry checks (\(EvidenceScope.file.label), \(EvidenceScope.service.label))", status: ControlStatus.met.rawValue,
                              ran: true, text: "Ran on \(registryEvidence)."),
            source(EvidenceScope.issuer, gap: issuerGaps[position]),
            source(EvidenceScope.deployment, gap: deploymentGaps[position]),
        ]
    }

    private func source(_ scope: EvidenceScope, gap: String?) -> EvidenceSourceRow {
        let label = scope == .issuer ? "Issuer keys and discovery (drift)" : "Deployed gateway config (drift)"
        if let gap {
            return EvidenceSourceRow(label: label, status: ControlStatus.notAssessed.rawValue, ran: false, text: "Not run for this service: \(gap).")
        }
        return EvidenceSourceRow(label: label, status: ControlStatus.met.rawValue, ran: true, text: "Ran in \(driftEvidenceText).")
    }

    /// One evidencing rule on a control page: its scope, where its evidence comes from, for how many
    /// services it ran, and what it found.
    func evidenceRow(rule id: String, needs: EvidenceNeeds) -> EvidenceRow {
        let scope = assessment.evidence.scope(of: id)
        let total = services.count
        // The services the rule had something to check in (a rule about audiences has nothing to check
        // in a service that lists none), and of those, the ones its evidence covers.
        let applicability = assessment.evidence.applicability(of: id) ?? .always
        let scopeNumber: UInt8 = scope == .issuer ? 1 : scope == .deployment ? 2 : 0
        let counts = applicableRuns[RunCountKey(scope: scopeNumber, condition: applicability.lackingBit)] ?? (total, total)
        var applicable = counts.applicable
        var ran = counts.ran
        var reason: String? = scope == .issuer ? issuerRuns.1 : scope == .deployment ? deploymentRuns.1 : nil
        if let never = needs.neverRun.first(where: { $0.rule == id }) {
            ran = 0
            applicable = max(applicable, 1)
            reason = never.reason
        }
        let nothingToCheck = applicable < total ? RuleApplicability.reason(applicability) : nil
        let source = scope == .issuer || scope == .deployment ? driftEvidenceText : registryEvidence
        var ranText = ran == total ? "Ran for every service (\(total))" : "Ran for \(ran) of \(total) services"
        let registryCounts = applicableRuns[RunCountKey(scope: 0, condition: applicability.lackingBit)] ?? (total, total)
        if registryCounts.ran < registryCounts.applicable, needs.neverRun.first(where: { $0.rule == id }) == nil {
            for condition in RuleApplicability.unassessedConditions where applicability.lackingBit & condition.lackingBit != 0 {
                ranText += "; not run where \(RuleApplicability.reason(condition) ?? "")"
            }
        }
        if let reason, ran < applicable { ranText += "; not run where \(reason)" }
        if let nothingToCheck { ranText += "; nothing to check where \(nothingToCheck)" }
        let open = (findingsByRule[id]?.count ?? 0) + (driftFindingsByRule[id]?.count ?? 0)
        let excepted = suppressedCountByRule[id] ?? 0
        // Met only when it checked every service it had something to check in, and at least one, and
        // found nothing, exceptions included.
        let status: ControlStatus = open > 0 ? .failing : ran < applicable || ran == 0 ? .notAssessed : excepted > 0 ? .excepted : .met
        let noResult = applicable == 0 ? "No result: nothing to check" : "No result: it did not run"
        let exceptedText = excepted == 0 ? "" : "; \(excepted) excepted finding\(excepted == 1 ? "" : "s")"
        return EvidenceRow(rule: ruleLink(id), scope: scope?.label ?? "unknown rule", source: source, ran: ranText,
                           result: (open == 0 ? (ran == 0 ? noResult : "No open finding") : "\(open) open finding\(open == 1 ? "" : "s")") + exceptedText,
                           status: status.rawValue, statusLabel: status.label, symbol: status.symbol)
    }

}

extension RuleApplicability {
    /// This condition's bit in `SiteModel.lackingBits`; 0 for `.always`, which every service meets.
    var lackingBit: UInt8 {
        switch self {
        case .always: return 0
        case .audiences: return 1
        case .acceptedIssuers: return 2
        case .federationTrust: return 4
        case .readableAudiences: return 8
        case .statedEnvironment: return 16
        case .acceptedIssuersWithReadableAudiences: return 2 | 8
        case .discoveryDocuments: return 32
        }
    }
}

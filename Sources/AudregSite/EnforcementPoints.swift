import AudregCore

/// One enforcement point: a deployment the registry declares for a service (a gateway, proxy or
/// framework config), and whether the last drift run found it checking the token's audience.
public struct EnforcementPoint: Sendable {
    public enum State: String, Sendable {
        /// The config checks no audience (config-audience-unchecked).
        case unchecked
        /// Tokens are not verified at all, or not for every request (config-verification-skipped).
        case skipped
        /// Nothing was read that says either way: no (usable) drift report, an unreadable config, a
        /// value drift could not resolve. Never shown as checking.
        case notAssessed = "not-assessed"
        /// Checks the audience, but accepts values the registry does not list (config-audience-broadened).
        case broadened
        /// Read by the drift run, with none of the findings above.
        case checks

        /// Off first, then not assessed, then checking: the order of the Enforcers page.
        var rank: Int {
            switch self {
            case .unchecked: return 0
            case .skipped: return 1
            case .notAssessed: return 2
            case .broadened: return 3
            case .checks: return 4
            }
        }

        var isOff: Bool { self == .unchecked || self == .skipped }

        var label: String {
            switch self {
            case .unchecked: return "Audience unchecked"
            case .skipped: return "Verification skipped"
            case .notAssessed: return "Not assessed"
            case .broadened: return "Checks the audience, accepts others too"
            case .checks: return "Checks the audience"
            }
        }

        /// The badge class, shared with the control states' colours.
        var status: String {
            switch self {
            case .unchecked, .skipped: return ControlStatus.failing.rawValue
            case .notAssessed: return ControlStatus.notAssessed.rawValue
            case .broadened: return ControlStatus.excepted.rawValue
            case .checks: return ControlStatus.met.rawValue
            }
        }

        var symbol: String {
            switch self {
            case .unchecked, .skipped: return "✗"
            case .notAssessed: return "?"
            case .broadened: return "!"
            case .checks: return "✓"
            }
        }
    }

    public var service: SiteLink
    public var kind: String
    /// The enforcers this kind of config can hold ("Kong openid-connect plugin (decK) or Kong jwt plugin (OSS)").
    public var enforcer: String
    /// What the enforcer does when the audience is left out, from the enforcer table.
    public var whenOmitted: String
    /// `source` as the registry writes it, and the config file in the code host (`build --repo-url`).
    public var source: String
    public var configURL: String?
    public var provider: String?
    public var state: String
    public var stateLabel: String
    public var status: String
    public var symbol: String
    /// Why it is not assessed, or that an exception covers its finding.
    public var stateReason: String?
    /// The drift findings behind the state, with their rule pages and config lines.
    public var driftFindings: [FindingRow]
}

/// The facts of one enforcer, as a row of the Enforcers page's table.
public struct EnforcerRow: Sendable {
    public var kind: String
    public var hasReader: Bool
    public var name: String
    public var audienceFields: String
    public var whenOmitted: String
    /// Set only when an empty list means something else than an omitted one.
    public var whenEmpty: String?
    public var matching: String
    public var reference: ExternalLink
    public var limitation: String?
    public var verified: String?
}

/// Every enforcement point of the registry, those whose audience check is off first, and the enforcer table.
public struct EnforcersPage: Sendable {
    /// False when the build was given no drift report.
    public var reported: Bool
    public var when: String
    /// Why no point is assessed, when none is (no report, a stale one).
    public var reportGap: String?
    public var off: [EnforcementPoint]
    public var unassessed: [EnforcementPoint]
    public var checking: [EnforcementPoint]
    public var total: Int
    public var offCount: Int
    public var unassessedCount: Int
    public var checkingCount: Int
    /// Services that declare no deployment: where their audience is enforced is not known.
    public var undeclared: SiteLinkList
    public var undeclaredCount: Int
    public var enforcers: [EnforcerRow]
}

extension SiteContext {
    /// The drift rules whose findings say whether a deployment checks the audience, or why it could not be told.
    static let enforcementRules: Set<String> = [
        "config-audience-unchecked", "config-verification-skipped", "config-audience-broadened", "config-audience-narrowed",
        "config-provider-missing", SourceOutsideRootRule.id, "config-value-unresolved",
    ]

    /// The service's deployments as enforcement points, in the registry's order.
    func enforcementPoints(at position: Int) -> [EnforcementPoint] {
        let service = services[position]
        guard !service.deployments.isEmpty else { return [] }
        let ref = service.ref
        let open = (driftByEntity[ref] ?? []).filter { Self.enforcementRules.contains($0.ruleID) }
        let suppressed = driftExcepted.filter { $0.finding.entity == ref && Self.enforcementRules.contains($0.finding.ruleID) }
        // A config finding relates to the registry's deployment entry it comes from. One that names none
        // (a report written by hand, or by an audreg that did not say) belongs to the only deployment, or
        // to no particular one of several: then none of them is claimed to check.
        var byDeployment = Array(repeating: (open: [Finding](), suppressed: [SuppressedFinding]()), count: service.deployments.count)
        var unattributed = false
        func deployment(of finding: Finding) -> Int? {
            if let index = service.deployments.firstIndex(where: { entry in
                finding.related.contains { Self.sameStart($0.location, entry.location) }
            }) { return index }
            return service.deployments.count == 1 ? 0 : nil
        }
        for finding in open {
            if let index = deployment(of: finding) { byDeployment[index].open.append(finding) } else { unattributed = true }
        }
        for item in suppressed {
            if let index = deployment(of: item.finding) { byDeployment[index].suppressed.append(item) } else { unattributed = true }
        }
        return service.deployments.enumerated().map { index, entry in
            enforcementPoint(service: service, position: position, entry: entry, index: index,
                             open: byDeployment[index].open, suppressed: byDeployment[index].suppressed, unattributed: unattributed)
        }
    }

    static func sameStart(_ lhs: SourceLocation, _ rhs: SourceLocation) -> Bool {
        lhs.sameFile(as: rhs) && lhs.line == rhs.line && lhs.column == rhs.column
    }

    private func enforcementPoint(service: Service, position: Int, entry: Deployment, index: Int, open: [Finding],
                                  suppressed: [SuppressedFinding], unattributed: Bool) -> EnforcementPoint {
        let rules = Set(open.map(\.ruleID)).union(suppressed.map(\.finding.ruleID))
        // What the drift run read decides, never a finding: a policy may turn the finding that says a
        // config could not be read or resolved off, and the config is still not compared.
        let gap = assessment.drift.deploymentGap(for: service, deployment: index)
        var reason: String?
        let state: EnforcementPoint.State
        if rules.contains("config-audience-unchecked") {
            state = .unchecked
        } else if rules.contains("config-verification-skipped") {
            state = .skipped
        } else if let gap {
            state = .notAssessed
            reason = gap
        } else if unattributed {
            state = .notAssessed
            reason = "a finding of the drift run names this service but not which of its deployments"
        } else if service.accepts.isEmpty {
            // Without accepted issuers drift does not report a provider that verifies nothing.
            state = .notAssessed
            reason = "the registry lists no accepted issuer for this service, so drift does not report skipped verification"
        } else if rules.contains("config-audience-broadened") {
            state = .broadened
        } else {
            state = .checks
        }
        // A finding suppressed by an exception still describes the config: the check stays off.
        let offRules: Set<String> = state == .unchecked ? ["config-audience-unchecked"] : state == .skipped ? ["config-verification-skipped"] : []
        if !offRules.isEmpty, !open.contains(where: { offRules.contains($0.ruleID) }),
           let until = suppressed.filter({ offRules.contains($0.finding.ruleID) }).map(\.expires).min() {
            reason = "its finding is excepted until \(until), which does not turn the check on"
        }
        var evidence = open.map(findingRow)
        evidence += suppressed.map { item in
            var row = findingRow(item.finding)
            row.severity = "suppressed"
            row.severityLabel = "Excepted"
            return row
        }
        let reader = entry.kind.value.reader
        let facts = reader.enforcers
        let omitted = Set(facts.map(\.whenOmitted.summary)).count == 1
            ? facts[0].whenOmitted.summary
            : facts.map { "\($0.name): \($0.whenOmitted.summary)" }.joined(separator: "; ")
        let sourceText = entry.source.value
        var configURL: String?
        if !sourceText.hasSubstring("://"), !sourceText.hasBytePrefix("/") {
            let folder = service.origin.file.splitOnScalar("/").dropLast().joined(separator: "/")
            configURL = source.links?.blob(folder.isEmpty ? sourceText : folder + "/" + sourceText)
        }
        return EnforcementPoint(
            service: serviceLinkTable[position], kind: entry.kind.value.rawValue, enforcer: facts.map(\.name).joined(separator: " or "),
            whenOmitted: omitted, source: sourceText, configURL: configURL, provider: nonEmpty(entry.provider?.value),
            state: state.rawValue, stateLabel: state.label, status: state.status, symbol: state.symbol, stateReason: reason,
            driftFindings: evidence)
    }

    func enforcersPage() -> EnforcersPage {
        // Sorted by state, then service and deployment order; the keys stay here, out of the view model.
        var keyed: [(point: EnforcementPoint, rank: Int, service: Int, deployment: Int)] = []
        var undeclared: [Int32] = []
        for position in services.indices {
            if services[position].deployments.isEmpty {
                undeclared.append(Int32(position))
            } else {
                for (index, point) in enforcementPoints(at: position).enumerated() {
                    keyed.append((point, EnforcementPoint.State(rawValue: point.state)?.rank ?? Int.max, position, index))
                }
            }
        }
        keyed.sort { ($0.rank, $0.service, $0.deployment) < ($1.rank, $1.service, $1.deployment) }
        let points = keyed.map(\.point)
        let rows = EnforcerTable.rows.map { row -> EnforcerRow in
            let facts = row.facts
            return EnforcerRow(kind: row.kind ?? "no reader yet", hasReader: row.kind != nil, name: facts.name,
                               audienceFields: facts.audienceFields.isEmpty ? "no setting" : facts.audienceFields.joined(separator: ", "),
                               whenOmitted: facts.whenOmitted.summary,
                               whenEmpty: facts.whenEmpty == facts.whenOmitted ? nil : facts.whenEmpty.summary,
                               matching: facts.matching.rawValue, reference: ExternalLink(facts.reference),
                               limitation: facts.limitation, verified: facts.verified)
        }
        let offRank = EnforcementPoint.State.skipped.rank
        let checkingRank = EnforcementPoint.State.broadened.rank
        let off = keyed.filter { $0.rank <= offRank }.map(\.point)
        let unassessed = keyed.filter { $0.rank > offRank && $0.rank < checkingRank }.map(\.point)
        let checking = keyed.filter { $0.rank >= checkingRank }.map(\.point)
        return EnforcersPage(
            reported: drift != nil, when: driftWhen, reportGap: drift == nil ? nil : assessment.drift.reportGap,
            off: off, unassessed: unassessed, checking: checking, total: points.count,
            offCount: off.count, unassessedCount: unassessed.count, checkingCount: checking.count,
            undeclared: SiteLinkList(table: serviceLinkTable, positions: undeclared), undeclaredCount: undeclared.count, enforcers: rows)
    }
}

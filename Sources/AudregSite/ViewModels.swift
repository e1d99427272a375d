import AudregCore
/// View models for the site's pages. Templates are logic-free: every list is sorted and every value is a
/// display string here. Internal links are relative to the site root (`href` for the HTML tree, `md` for
/// the Markdown tree); templates prefix them with the page's `root` (`../` per folder level), so a row
/// can be shared between pages at different depths.

/// A link to another page of the site.
public struct SiteLink: Sendable, Hashable {
    public var text: String
    public var href: String
    public var md: String

    /// `path` is root-relative and has no extension; `fragment` is an anchor on that page.
    public init(_ text: String, path: String, fragment: String? = nil) {
        self.text = text
        let suffix = fragment.map { "#\($0)" } ?? ""
        self.href = path + ".html" + suffix
        self.md = path + ".md" + suffix
    }
}

/// A value from the registry that may be a URL: `url` is set only for http(s) URLs (see `SafeURL`).
public struct ExternalLink: Sendable, Hashable {
    public var text: String
    /// Named apart from every other field so a Mustache lookup of a nil value cannot find an outer one.
    public var externalURL: String?

    public init(_ text: String) {
        self.text = text
        self.externalURL = SafeURL.href(text)
    }
}

public struct NavItem: Sendable {
    public var text: String
    public var href: String
    public var md: String
    public var current: Bool
}

/// What every page carries: where it sits, its title and the navigation.
public struct PageChrome: Sendable {
    public var siteTitle: String
    public var pageTitle: String
    /// `""`, `"../"` or `"../../"`: the way back to the site root from this page.
    public var root: String
    /// The same list on every page of a section, so it is marked shared.
    public var nav: RowList<NavItem>
    /// The template that rendered the page, for the footer.
    public var template: String
}

public struct FindingRow: Sendable {
    public var severity: String
    public var severityLabel: String
    public var rule: SiteLink
    public var entity: SiteLink?
    public var entityText: String
    public var message: String
    public var location: String
    /// The file and line in the code host (`build --repo-url`); nil without one.
    public var sourceURL: String? = nil
}

public struct ExceptionRow: Sendable {
    public var entity: SiteLink?
    public var entityText: String
    public var rule: SiteLink?
    public var ruleText: String
    public var reason: String
    public var approvedBy: String
    public var ticket: String?
    public var expires: String
    public var daysLeft: String
    public var status: String
    public var statusLabel: String
    public var suppressedCount: String
    public var location: String
    /// `expires 2027-01-31 (12 days left)`, or for a lapsed one `expired 2026-11-30, 3 days ago`: an
    /// expired exception suppresses nothing, and the overview must not say "None" beside it.
    public var when: String

    static func when(expires: String, daysLeft: String) -> String {
        guard let days = Int(daysLeft) else { return "has no valid expiry" }
        return days < 0 ? "expired \(expires), \(-days) day\(days == -1 ? "" : "s") ago, and suppresses nothing" : "expires \(expires) (\(days) days left)"
    }
}

public struct ServiceRow: Sendable {
    public var link: SiteLink
    public var title: String
    public var owner: SiteLink?
    public var ownerText: String
    public var environment: String
    public var audiences: [String]
    public var audiencesText: String
    public var findingCount: Int
    public var hasFindings: Bool
}

public struct AcceptedIssuerRow: Sendable {
    public var issuer: SiteLink?
    public var issuerName: String
    public var issuerURL: ExternalLink?
    public var jwks: ExternalLink?
    public var tokenTypes: String
    public var tokenTypesChecked: Bool
    public var algorithms: String
    public var maxLifetime: String
    public var requiredClaims: String
}

public struct HopRow: Sendable {
    public var from: SiteLink?
    public var fromText: String
    public var to: SiteLink?
    public var toText: String
    public var mode: String
    public var modeLabel: String
    public var explanation: String
    /// The hop's own description (why the call is made).
    public var reason: String?
}

public struct DeploymentRow: Sendable {
    public var kind: String
    public var source: String
    public var provider: String?
}

public struct ControlStatusRow: Sendable {
    public var control: SiteLink
    public var controlID: String
    public var title: String
    public var framework: String
    public var status: String
    public var statusLabel: String
    public var symbol: String
    /// How many rules evidence the control; the control page lists them.
    public var ruleCount: Int
    /// The evidencing rules with an open finding on this service, and those suppressed by an exception.
    public var failingRules: [SiteLink]
    public var exceptedRules: [SiteLink]
    /// The evidencing rules that did not run for this service, with why.
    public var notRun: [RuleGap]
    /// When the earliest exception behind an excepted rule expires (YYYY-MM-DD).
    public var exceptedUntil: String?
}

/// An evidencing rule that did not run for a service, and why.
public struct RuleGap: Sendable {
    public var rule: SiteLink
    public var reason: String
}

/// The rules that did not run for a service for one reason. A service page says "not run" in the
/// controls table and gives each reason once, here: repeated in every cell, the reasons were half of
/// a service page's bytes (BENCHMARKS.md).
public struct NotRunGroup: Sendable {
    public var reason: String
    public var rules: [SiteLink]
}

/// One source of evidence on a service page: whether it ran for the service, and when.
public struct EvidenceSourceRow: Sendable {
    public var label: String
    public var status: String
    public var ran: Bool
    public var text: String
}

/// One evidencing rule on a control page: its scope, the run it comes from, for how many services
/// it ran, and its result.
public struct EvidenceRow: Sendable {
    public var rule: SiteLink
    public var scope: String
    public var source: String
    public var ran: String
    public var result: String
    public var status: String
    public var statusLabel: String
    public var symbol: String
}

/// Services where a control is not assessed, for one reason.
public struct UnassessedGroup: Sendable {
    public var reason: String
    public var services: SiteLinkList
    public var count: Int
}

public struct LabelRow: Sendable {
    public var key: String
    public var value: String
}

public struct AudienceValue: Sendable {
    public var value: String
    public var link: SiteLink
    public var flagged: Bool
}

public struct ServicePage: Sendable {
    public var name: String
    public var title: String
    /// False when the service has no title of its own: the page shows its name once.
    public var titled: Bool
    public var description: String?
    public var owner: SiteLink?
    public var ownerText: String
    public var environment: String
    public var labels: [LabelRow]
    public var source: String
    public var accepts: [AcceptedIssuerRow]
    public var audiences: [AudienceValue]
    public var scopes: [String]
    public var roles: [String]
    public var scopesText: String
    public var rolesText: String
    public var downstream: [HopRow]
    public var upstream: [HopRow]
    public var deployments: [DeploymentRow]
    public var findings: [FindingRow]
    /// Findings on its issuers, team, policy or file that count against this service too.
    public var exposedFindings: [FindingRow]
    /// Each source of evidence, whether it ran for this service, and when.
    public var evidence: [EvidenceSourceRow]
    public var exceptions: [ExceptionRow]
    /// Controls the service fails, holds an exception for, or that are not assessed, with the rules
    /// concerned. Shared by the pages of services without an open or excepted finding that lack the
    /// same evidence.
    public var controlsAttention: RowList<ControlStatusRow>
    /// Controls the service meets (shared as `controlsAttention` is).
    public var controlsMet: RowList<ControlStatusRow>
    /// Why the rules behind "not assessed" rows did not run, each reason once (shared as `controlsAttention` is).
    public var notRunReasons: RowList<NotRunGroup>
    public var drift: DriftStatus
    /// "Defined in" as a link to the file and line, and "Edit this file" (`build --repo-url`). Named
    /// apart from `FindingRow.sourceURL`, so a finding without a link cannot pick up the page's.
    public var definedURL: String? = nil
    public var editURL: String? = nil
    /// The commit that last changed the file (git log).
    public var lastChange: LastChange? = nil
    /// This service's widening and narrowing changes over the trust history, newest first.
    public var history: [HistoryRow] = []
    /// False when the site was built without a trust history.
    public var historyBuilt: Bool = false
    /// Its deployments, each with whether it checks the audience.
    public var enforcement: [EnforcementPoint] = []
}

public struct LastChange: Sendable {
    public var date: String
    public var commit: String
    public var commitURL: String?
}

/// One widening or narrowing change of the trust history.
public struct HistoryRow: Sendable {
    public var kind: String
    public var kindLabel: String
    public var symbol: String
    public var commit: String
    public var commitURL: String?
    public var date: String
    public var author: String
    public var subject: String
    public var entity: SiteLink?
    public var entityText: String
    public var summary: String
    public var findings: [FindingRow]
}

/// A commit of the trust history that neither widened nor narrowed access.
public struct QuietCommit: Sendable {
    public var commit: String
    public var commitURL: String?
    public var date: String
    public var author: String
    public var subject: String
    public var neutral: Int
}

public struct TrustHistoryPage: Sendable {
    public var built: Bool
    /// Why there is no history, when `built` is false.
    public var reason: String
    public var commitCount: Int
    public var limit: Int
    public var widening: Int
    public var narrowing: Int
    /// Widening and narrowing changes, newest first (`history`, as on service pages, for the shared partial).
    public var history: [HistoryRow]
    public var quiet: [QuietCommit]
    public var note: String?
}

public struct AudienceFlag: Sendable {
    public var rule: SiteLink
    public var message: String
}

public struct AudienceRow: Sendable {
    public var value: String
    public var anchor: String
    public var services: [SiteLink]
    public var flags: [AudienceFlag]
    public var flagged: Bool
    public var shared: Bool
}

public struct IssuerSection: Sendable {
    public var anchor: String
    public var name: String
    public var title: String
    public var description: String?
    public var owner: SiteLink?
    public var ownerText: String
    public var environment: String
    public var issuerURL: ExternalLink?
    public var discovery: ExternalLink?
    public var jwks: ExternalLink?
    public var algorithms: String
    public var acceptedBy: [SiteLink]
    public var findings: [FindingRow]
    public var drift: DriftStatus
}

public struct TeamSection: Sendable {
    public var anchor: String
    public var name: String
    public var title: String
    public var description: String?
    public var contact: ExternalLink?
    public var services: [SiteLink]
    public var issuers: [SiteLink]
    public var findings: [FindingRow]
    public var findingCount: Int
}

public struct RuleRow: Sendable {
    public var link: SiteLink
    public var id: String
    public var name: String
    public var severity: String
    public var summary: String
    public var findingCount: Int
}

public struct ExampleBlock: Sendable {
    public var yaml: String
    public var fence: String
}

public struct RulePage: Sendable {
    public var id: String
    public var name: String
    public var severity: String
    public var stage: String
    public var summary: String
    public var rationale: String
    public var remediation: String
    public var references: [ExternalLink]
    public var controls: [SiteLink]
    public var triggering: [ExampleBlock]
    public var nonTriggering: [ExampleBlock]
    public var findings: [FindingRow]
}

public struct ControlRow: Sendable {
    public var link: SiteLink
    public var id: String
    public var title: String
    public var ruleCount: Int
    public var evidenced: Bool
    public var met: Int
    public var failing: Int
    public var excepted: Int
    public var notAssessed: Int
}

public struct FrameworkSection: Sendable {
    public var anchor: String
    public var id: String
    public var title: String
    public var version: String
    public var url: ExternalLink?
    public var controls: [ControlRow]
}

public struct ServiceControlRow: Sendable {
    public var service: SiteLink
    public var status: String
    public var statusLabel: String
    public var symbol: String
    public var failingRules: [SiteLink]
    public var exceptedRules: [SiteLink]
    /// When the earliest exception behind an excepted rule expires (YYYY-MM-DD).
    public var exceptedUntil: String?
}

public struct ControlPage: Sendable {
    public var id: String
    public var title: String
    public var text: String
    public var url: ExternalLink?
    public var framework: SiteLink
    public var frameworkTitle: String
    public var aliases: String?
    public var rules: [RuleRow]
    /// Each evidencing rule: scope, source and date, for how many services it ran, result.
    public var evidence: [EvidenceRow]
    public var evidenced: Bool
    /// Services where the control is failing or excepted, with the rules concerned.
    public var attention: [ServiceControlRow]
    /// Services where it is not assessed, grouped by why.
    public var unassessed: [UnassessedGroup]
    /// Services that meet the control.
    public var metServices: SiteLinkList
    public var met: Int
    public var failing: Int
    public var excepted: Int
    public var notAssessed: Int
}

/// One byte per cell: a 50,000-service matrix has millions of them. The strings are derived.
public struct MatrixCell: Sendable, CustomReflectable {
    var value: ControlStatus

    public var status: String { value.rawValue }
    public var symbol: String { value.symbol }
    public var label: String { value.label }

    public var customMirror: Mirror {
        Mirror(self, children: ["status": status, "symbol": symbol, "label": label], displayStyle: .struct)
    }
}

/// A list of rows that a page holds; `isShared` marks one list that many pages hold (the navigation, a
/// service page's controls when it has no open or excepted finding), so that it is boxed and rendered
/// once per rendering thread instead of once per page (`BoxCache`, `SharedRenderings`). A shared list
/// is one object, made once where the model makes it: pages that hold it hold that object, and that
/// is how it is recognised, never by the address of an array's storage.
public struct RowList<Element: Sendable>: RandomAccessCollection, Sendable, CustomReflectable {
    final class Storage: Sendable {
        let items: [Element]
        init(_ items: [Element]) { self.items = items }
    }

    let storage: Storage
    public let isShared: Bool

    /// A page's own list.
    public init(_ items: [Element]) {
        storage = Storage(items)
        isShared = false
    }

    /// A list that many pages will hold: make it once and give every page this value.
    public static func shared(_ items: [Element]) -> RowList {
        RowList(storage: Storage(items), isShared: true)
    }

    private init(storage: Storage, isShared: Bool) {
        self.storage = storage
        self.isShared = isShared
    }

    public var items: [Element] { storage.items }
    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.items.count }
    public subscript(position: Int) -> Element { storage.items[position] }

    public var customMirror: Mirror { Mirror(self, unlabeledChildren: storage.items, displayStyle: .collection) }
}

/// Links picked from a shared table by position: a control page lists every service that meets it,
/// and the same 10,000 links would otherwise be copied onto every control page.
public struct SiteLinkList: RandomAccessCollection, Sendable, CustomReflectable {
    let table: [SiteLink]
    let positions: [Int32]

    init(table: [SiteLink], positions: [Int32]) {
        self.table = table
        self.positions = positions
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { positions.count }
    public subscript(position: Int) -> SiteLink { table[Int(positions[position])] }

    public var customMirror: Mirror { Mirror(self, unlabeledChildren: Array(self), displayStyle: .collection) }
}

public struct MatrixRow: Sendable {
    public var service: SiteLink
    public var cells: [MatrixCell]
}

public struct MatrixColumn: Sendable {
    public var control: SiteLink
    public var title: String
}

public struct ControlsPage: Sendable {
    public var frameworks: [FrameworkSection]
    public var columns: [MatrixColumn]
    /// The whole matrix when it fits on this page (`matrixInline`); empty when it is split.
    public var rows: [MatrixRow]
    public var matrixInline: Bool
    /// The pages of a split matrix, in service-name order.
    public var matrixPages: [SiteLink]
    public var serviceCount: Int
    public var pageSize: Int
}

/// One page of the coverage matrix of a large registry: `SiteModel.matrixPageSize` services.
public struct MatrixPage: Sendable {
    /// "alpha-api … delta-api"
    public var range: String
    public var columns: [MatrixColumn]
    public var rows: [MatrixRow]
    public var previous: SiteLink?
    public var next: SiteLink?
}

public struct CountItem: Sendable {
    public var label: String
    public var value: Int
    public var link: SiteLink
}

public struct SeverityCount: Sendable {
    public var severity: String
    public var label: String
    public var count: Int
}

public struct FrameworkCoverage: Sendable {
    public var link: SiteLink
    public var controls: Int
    public var evidenced: Int
    public var met: Int
    public var failing: Int
    public var excepted: Int
    public var notAssessed: Int
}

public struct OverviewPage: Sendable {
    public var counts: [CountItem]
    public var severities: [SeverityCount]
    public var findingsTotal: Int
    public var suppressedTotal: Int
    public var expiringSoon: [ExceptionRow]
    public var expiringWindow: Int
    public var coverage: [FrameworkCoverage]
    public var today: String
    public var drift: DriftStatus
    public var driftCount: Int
    /// "2026-11-30T09:00:00Z, live, 1 day old", or "no drift report".
    public var driftEvidence: String
    public var driftAge: String
    /// Why drift rules count as not run for every service, when they do.
    public var driftGap: String?
    public var maxDriftAge: Int
    public var registryEvidence: String
}

public struct ListPage<Item: Sendable>: Sendable {
    public var items: [Item]
}

public struct SearchPage: Sendable {
    public var items: SearchEntries
}

/// The services list: one row per service, made when read.
public struct ServicesPage: Sendable {
    public var items: ServiceRows
}

public struct TokenFlowPage: Sendable {
    /// A complete `<svg>` element, produced by this program (never from registry text unescaped).
    public var svg: StreamedText
    public var engine: String
    public var hops: [HopRow]
    public var mermaid: StreamedText
    public var hasHops: Bool
    /// One row per kind of hop, made from `TokenFlowGraph.hopStyles`, the table the drawing uses.
    public var legend: [LegendRow] = TokenFlowGraph.hopStyles.map(LegendRow.init)
    public var mermaidLegend: String = TokenFlowGraph.mermaidLegend
}

public struct LegendRow: Sendable {
    public var mode: String
    public var label: String
    public var description: String
    /// A short line drawn with the hop's own stroke (program-made SVG).
    public var swatch: String

    init(_ style: TokenFlowGraph.HopStyle) {
        mode = style.mode.rawValue
        label = style.label
        description = style.legend
        swatch = "<svg class=\"legend-swatch\" role=\"img\" width=\"44\" height=\"12\" viewBox=\"0 0 44 12\"><title>\(style.legend)</title>"
            + "<line x1=\"2\" y1=\"6\" x2=\"42\" y2=\"6\" " + style.svgStroke + "/></svg>"
    }
}

public struct SearchEntry: Sendable {
    public var kind: String
    public var title: String
    public var link: SiteLink
    public var detail: String
}

/// Every search entry, made when it is read: the search page and the two index files each go over
/// them once, and keeping one entry per service and per audience made a large build's peak higher
/// (BENCHMARKS.md). Services and audiences come from their rows; the few others are kept.
/// The services list's rows, each made when it is read (by the services list, the search page and the
/// search index, and their fingerprints). Kept made, 50,000 rows were 11 MiB of a site build's peak;
/// making one costs a few table lookups and the joined audiences.
public struct ServiceRows: RandomAccessCollection, Sendable, CustomReflectable {
    private let rowCount: Int
    private let row: @Sendable (Int) -> ServiceRow

    init(count: Int, row: @escaping @Sendable (Int) -> ServiceRow) {
        rowCount = count
        self.row = row
    }

    static let none = ServiceRows(count: 0) { _ in preconditionFailure("a list without rows has no row") }

    public var startIndex: Int { 0 }
    public var endIndex: Int { rowCount }
    public subscript(position: Int) -> ServiceRow { row(position) }

    public var customMirror: Mirror { Mirror(self, unlabeledChildren: Array(self), displayStyle: .collection) }
}

public struct SearchEntries: RandomAccessCollection, Sendable, CustomReflectable {
    let services: ServiceRows
    let audiences: [AudienceRow]
    let others: [SearchEntry]

    public var startIndex: Int { 0 }
    public var endIndex: Int { services.count + audiences.count + others.count }

    public subscript(position: Int) -> SearchEntry {
        if position < services.count {
            let row = services[position]
            var detail = row.title
            for audience in row.audiences { detail += " · " + audience }
            return SearchEntry(kind: "Service", title: row.link.text, link: row.link, detail: detail)
        }
        let audience = position - services.count
        if audience < audiences.count {
            let row = audiences[audience]
            return SearchEntry(kind: "Audience", title: row.value, link: SitePage.audiences.link(row.value, fragment: row.anchor),
                               detail: row.services.map(\.text).joined(separator: ", "))
        }
        return others[audience - audiences.count]
    }

    public var customMirror: Mirror { Mirror(self, unlabeledChildren: Array(self), displayStyle: .collection) }
}

/// What the last drift run (`audreg build --drift-report`) found for one service or issuer, or for the
/// whole registry on the Drift page. `reported` is false when the build was given no drift report.
public struct DriftStatus: Sendable {
    public var reported: Bool
    /// When the run looked, and how: "2026-11-30T09:00:00Z, live".
    public var when: String
    public var findings: [FindingRow]
    /// Whether the run compared everything this status is about; "No drift" is said only then.
    public var compared: Bool = false
    /// Why not, when a report was given but did not compare it all.
    public var notCompared: String = ""
}

public struct DriftPage: Sendable {
    public var drift: DriftStatus
    public var mode: String
    public var severities: [SeverityCount]
    /// Findings on entities this registry no longer has (the report is older than the registry).
    public var unmatched: Int
    public var hasUnmatched: Bool
    /// What the run observed that is not a finding (a key set served as text/plain), in the report's order.
    public var notes: [DriftNoteRow]
    public var hasNotes: Bool
}

/// One drift run note: fetched text (a URL, a server's Content-Type), encoded by the page's sink.
public struct DriftNoteRow: Sendable {
    public var kind: String
    public var subject: String
    public var message: String
}

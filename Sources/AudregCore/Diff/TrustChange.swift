/// How a change moves the trust boundary: who may present which token to whom.
public enum TrustChangeKind: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// Something is accepted that was not before: it needs a security review.
    case widening
    /// Something that was accepted no longer is.
    case narrowing
    /// Shown, not judged: descriptions, titles, owners, contacts, deployments.
    case neutral

    /// Widening sorts first, so the changes that need a review head every list.
    private var rank: Int {
        switch self {
        case .widening: return 0
        case .narrowing: return 1
        case .neutral: return 2
        }
    }

    public static func < (lhs: TrustChangeKind, rhs: TrustChangeKind) -> Bool { lhs.rank < rhs.rank }
}

/// One classified difference between two registries, with the rule findings it introduced.
public struct TrustChange: Sendable, Hashable {
    public var kind: TrustChangeKind
    public var entity: EntityRef
    /// A stable field name for scripts: `audiences`, `accepts.algorithms`, `downstream.mode`, `exceptions.expires`, `description`.
    public var field: String
    /// The item within a list the change is about: the issuer, hop target or exception rule. Nil for plain fields.
    public var item: String?
    /// One sentence for people: "hop to payments-api passes the caller's token through".
    public var summary: String
    public var before: String?
    public var after: String?
    /// Where the change is, on the head side (on the base side for removals).
    public var location: SourceLocation?
    /// Spans on the head side that the change covers; findings inside them are attributed to it.
    public var spans: [SourceLocation]
    /// Findings introduced by the change set that this change triggered.
    public var findings: [Finding]

    public init(kind: TrustChangeKind, entity: EntityRef, field: String, item: String? = nil, summary: String,
                before: String? = nil, after: String? = nil, location: SourceLocation? = nil,
                spans: [SourceLocation] = [], findings: [Finding] = []) {
        self.kind = kind
        self.entity = entity
        self.field = field
        self.item = item
        self.summary = summary
        self.before = before
        self.after = after
        self.location = location
        self.spans = spans
        self.findings = findings
    }
}

/// What changed between a base registry and a head registry, and which findings came and went.
public struct TrustDiff: Sendable {
    /// Grouped by entity (entities with widening first), widening first within each entity.
    public var changes: [TrustChange]
    /// Findings present on the head side and not on the base side, whether attributed to a change or not.
    public var introduced: [Finding]
    /// Findings present on the base side that are gone on the head side.
    public var fixed: [Finding]
    /// Findings of the base side that an exception hides on the head side: not fixed, excepted.
    public var newlySuppressed: [Finding]
    /// What could not be compared, one sentence each: an entity whose file does not read on one side
    /// is neither removed nor added, and a file that does not read hides whatever it defines. Never a
    /// change of any kind, and `--fail-on widening` or `change` fails on it: nothing may pass unseen.
    public var notCompared: [String] = []
    /// Human names of both sides, such as `origin/main` and `working tree`.
    public var baseLabel: String
    public var headLabel: String

    public init(changes: [TrustChange], introduced: [Finding], fixed: [Finding], newlySuppressed: [Finding],
                baseLabel: String, headLabel: String) {
        self.changes = changes
        self.introduced = introduced
        self.fixed = fixed
        self.newlySuppressed = newlySuppressed
        self.baseLabel = baseLabel
        self.headLabel = headLabel
    }

    public func count(_ kind: TrustChangeKind) -> Int { changes.filter { $0.kind == kind }.count }

    public var hasWidening: Bool { changes.contains { $0.kind == .widening } }

    /// Introduced findings that no single change explains; reports list them on their own.
    public var unattributed: [Finding] {
        let attributed = Set(changes.flatMap(\.findings))
        return introduced.filter { !attributed.contains($0) }
    }

    /// The entities in report order, each with its changes.
    public var byEntity: [(entity: EntityRef, changes: [TrustChange])] {
        var order: [EntityRef] = []
        var groups: [EntityRef: [TrustChange]] = [:]
        for change in changes {
            if groups[change.entity] == nil { order.append(change.entity) }
            groups[change.entity, default: []].append(change)
        }
        return order.map { ($0, groups[$0]!) }
    }

    /// `3 widening, 1 narrowing, 2 neutral`.
    public var countsLine: String {
        TrustChangeKind.allCases.map { "\(count($0)) \($0.rawValue)" }.joined(separator: ", ")
    }
}

/// When `audreg diff` exits 1.
public enum DiffFailOn: String, Sendable, CaseIterable {
    /// Any widening change: lets a repository require a security approval for those changes only.
    case widening
    /// Any widening or narrowing change.
    case change
    /// Any finding at error severity introduced by the change set.
    case finding
    /// Never (the default): the diff is informational.
    case never

    public func fails(_ diff: TrustDiff) -> Bool {
        switch self {
        // A finding newly covered by an exception widens whatever the edit that did it looked like (an
        // approver added to an incomplete exception, a second one beside an expired one).
        case .widening: return diff.hasWidening || !diff.notCompared.isEmpty || !diff.newlySuppressed.isEmpty
        case .change: return diff.changes.contains { $0.kind != .neutral } || !diff.notCompared.isEmpty || !diff.newlySuppressed.isEmpty
        case .finding: return diff.introduced.contains { $0.severity == .error }
        case .never: return false
        }
    }
}

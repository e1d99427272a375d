import Foundation

/// Compares two loaded registries entity by entity, classifies every difference, and runs the rules on both
/// sides to find the findings the change introduces and those it fixes.
public struct TrustDiffer: Sendable {
    public var validator: Validator

    public init(today: Day, catalog: RuleCatalog = .builtIn, timing: TimingOptions = .off) {
        self.validator = Validator(catalog: catalog, today: today, timing: timing)
    }

    public func diff(base: LoadedRegistry, head: LoadedRegistry, baseLabel: String = "base", headLabel: String = "head") -> TrustDiff {
        let validator = validator
        let (baseReport, headReport, classified) = Concurrently.run(
            { validator.validate(base) }, { validator.validate(head) },
            { Self.changes(base: base.registry, head: head.registry, catalog: validator.catalog, today: validator.today) })
        return diff(baseReport: baseReport, headReport: headReport, changes: classified, baseLabel: baseLabel, headLabel: headLabel)
    }

    /// As `diff(base:head:)` with both sides already validated: a history of many commits validates
    /// each registry once, as the head of one step and the base of the next.
    public func diff(base: ValidationReport, head: ValidationReport, baseLabel: String = "base", headLabel: String = "head") -> TrustDiff {
        diff(baseReport: base, headReport: head, changes: Self.changes(base: base.registry, head: head.registry, catalog: validator.catalog, today: validator.today),
             baseLabel: baseLabel, headLabel: headLabel)
    }

    func diff(baseReport: ValidationReport, headReport: ValidationReport, changes classified: [TrustChange],
              baseLabel: String, headLabel: String) -> TrustDiff {
        var changes = classified

        // Findings are matched by rule, entity and message: lines move when a file is edited, meaning does not.
        let baseKeys = FindingMultiset(baseReport.findings)
        let headKeys = FindingMultiset(headReport.findings)
        let introduced = headReport.findings.filter { !baseKeys.consume($0) }
        let headSuppressed = Set(headReport.suppressed.map { FindingKey($0.finding) })
        var fixed: [Finding] = []
        var newlySuppressed: [Finding] = []
        for finding in baseReport.findings where !headKeys.consume(finding) {
            if headSuppressed.contains(FindingKey(finding)) {
                newlySuppressed.append(finding)
            } else {
                fixed.append(finding)
            }
        }

        let notCompared = Self.setAsideUnread(&changes, base: baseReport, head: headReport, baseLabel: baseLabel, headLabel: headLabel)
        Self.attribute(introduced, to: &changes)
        var diff = TrustDiff(changes: Self.ordered(changes), introduced: introduced, fixed: fixed,
                             newlySuppressed: newlySuppressed, baseLabel: baseLabel, headLabel: headLabel)
        diff.notCompared = notCompared
        return diff
    }

    /// An entity missing on one side because its file does not read there was not removed (or added):
    /// its "removed" or "added" change is taken out and said to be not compared, as is every unread file.
    static func setAsideUnread(_ changes: inout [TrustChange], base: ValidationReport, head: ValidationReport,
                               baseLabel: String, headLabel: String) -> [String] {
        let unreadOnBase = base.unreadFiles
        let unreadOnHead = head.unreadFiles
        // An entity that head's findings still name, though it was not built (an `apiVersion: audreg/v2`,
        // a schema error that stops the document), is there but unreadable: not removed.
        let namedOnHead = Set(head.findings.compactMap(\.entity) + head.suppressed.compactMap(\.finding.entity))
        let headRefs = Set(head.registry.services.map(\.ref) + head.registry.issuers.map(\.ref) + head.registry.teams.map(\.ref))
        let unloadedOnHead = namedOnHead.subtracting(headRefs)
        guard !unreadOnBase.isEmpty || !unreadOnHead.isEmpty || !unloadedOnHead.isEmpty else { return [] }
        func files(_ registry: Registry) -> [EntityRef: String] {
            var result: [EntityRef: String] = [:]
            for service in registry.services { result[service.ref] = service.origin.file }
            for issuer in registry.issuers { result[issuer.ref] = issuer.origin.file }
            for team in registry.teams { result[team.ref] = team.origin.file }
            return result
        }
        let baseFiles = files(base.registry)
        let headFiles = files(head.registry)
        let headUnread = Set(unreadOnHead.map { ExactString($0) })
        let baseUnread = Set(unreadOnBase.map { ExactString($0) })
        var notCompared: [String] = []
        changes.removeAll { change in
            guard change.field == "entity" else { return false }
            if change.after == nil, let file = baseFiles[change.entity], headUnread.contains(ExactString(file)) {
                notCompared.append("\(change.entity) not compared: \(file) could not be read on \(headLabel), so it is not known to be removed")
                return true
            }
            if change.after == nil, unloadedOnHead.contains(change.entity) {
                notCompared.append("\(change.entity) not compared: \(headLabel) still defines it, but it could not be loaded there (see its findings), so it is not known to be removed")
                return true
            }
            if change.before == nil, let file = headFiles[change.entity], baseUnread.contains(ExactString(file)) {
                notCompared.append("\(change.entity) not compared: \(file) could not be read on \(baseLabel), so it is not known to be new")
                return true
            }
            return false
        }
        for file in unreadOnHead { notCompared.append("\(file) could not be read on \(headLabel): what it defines there is not compared") }
        for file in unreadOnBase { notCompared.append("\(file) could not be read on \(baseLabel): what it defined there is not compared") }
        return notCompared
    }

    // MARK: Attribution

    /// Gives each introduced finding to the change whose head-side span holds the finding or one of its
    /// related locations (the smallest such span wins); a new entity's findings go to its "added" change.
    static func attribute(_ findings: [Finding], to changes: inout [TrustChange]) {
        // Spans indexed by file and "added" changes by entity, so each finding looks only at the
        // changes in its own files: linear in findings and changes together.
        var spansByFile: [String: [(index: Int, span: SourceLocation)]] = [:]
        var additions: [EntityRef: Int] = [:]
        for (index, change) in changes.enumerated() {
            for span in change.spans { spansByFile[span.file, default: []].append((index, span)) }
            if change.field == "entity" && change.before == nil && additions[change.entity] == nil { additions[change.entity] = index }
        }
        for finding in findings {
            let points = [finding.location] + finding.related.map(\.location)
            var best: (index: Int, size: Int)?
            var files = Set<String>()
            for point in points where files.insert(point.file).inserted {
                for (index, span) in spansByFile[point.file] ?? [] {
                    guard points.contains(where: { span.spanContains($0) }) else { continue }
                    let size = span.spanSize
                    if best == nil || size < best!.size || (size == best!.size && index < best!.index) { best = (index, size) }
                }
            }
            if best == nil, let entity = finding.entity, let index = additions[entity] {
                best = (index, 0)
            }
            if let best { changes[best.index].findings.append(finding) }
        }
    }

    static func ordered(_ changes: [TrustChange]) -> [TrustChange] {
        var strongest: [EntityRef: TrustChangeKind] = [:]
        for change in changes {
            strongest[change.entity] = min(strongest[change.entity] ?? .neutral, change.kind)
        }
        return changes.enumerated().sorted { lhs, rhs in
            let (a, b) = (lhs.element, rhs.element)
            if a.entity != b.entity {
                let (ka, kb) = (strongest[a.entity]!, strongest[b.entity]!)
                if ka != kb { return ka < kb }
                return a.entity < b.entity
            }
            if a.kind != b.kind { return a.kind < b.kind }
            return lhs.offset < rhs.offset
        }.map(\.element)
    }

    // MARK: Classification

    static func changes(base: Registry, head: Registry, catalog: RuleCatalog, today: Day? = nil) -> [TrustChange] {
        let (baseIndex, headIndex) = (base.index(), head.index())
        var changes: [TrustChange] = []
        let serviceNames = Self.names(base.services.map(\.name), head.services.map(\.name))
        // Who else accepts each audience a service newly accepts, found in one pass over the head side,
        // for those audiences only: the diff stays linear in the registry's size.
        var newAudiences = Set<ExactString>()
        for name in serviceNames {
            guard let before = baseIndex.services[name], let after = headIndex.services[name], !before.isSameParse(as: after) else { continue }
            let old = Set(before.audiences.map(\.value))
            for audience in after.audiences where !old.contains(audience.value) { newAudiences.insert(audience.value) }
        }
        var audienceOwners: [ExactString: [String]] = [:]
        if !newAudiences.isEmpty {
            var lastOwner: [ExactString: Int] = [:] // each service counts once per audience, however often it lists it
            for (position, service) in head.services.enumerated() {
                for audience in service.audiences where newAudiences.contains(audience.value) && lastOwner[audience.value] != position {
                    lastOwner[audience.value] = position
                    audienceOwners[audience.value, default: []].append(service.name)
                }
            }
        }

        for name in serviceNames {
            changes += ServiceDiff.changes(base: baseIndex.services[name], head: headIndex.services[name], audienceOwners: audienceOwners,
                                           basePolicy: base.policy, baseIssuers: baseIndex.issuers, today: today)
        }
        var acceptedBy: [String: [String]] = [:]
        for service in head.services {
            for accepted in service.accepts where acceptedBy[accepted.issuer.value]?.last != service.name {
                acceptedBy[accepted.issuer.value, default: []].append(service.name)
            }
        }
        for name in Self.names(base.issuers.map(\.name), head.issuers.map(\.name)) {
            changes += IssuerDiff.changes(base: baseIndex.issuers[name], head: headIndex.issuers[name], acceptedBy: acceptedBy[name] ?? [],
                                          basePolicy: base.policy, headPolicy: head.policy, today: today)
        }
        for name in Self.names(base.teams.map(\.name), head.teams.map(\.name)) {
            changes += TeamDiff.changes(base: baseIndex.teams[name], head: headIndex.teams[name])
        }
        changes += PolicyDiff.changes(base: base.policies.first, head: head.policies.first, catalog: catalog)
        return changes
    }

    /// Names on either side, each once, sorted.
    static func names(_ base: [String], _ head: [String]) -> [String] {
        Array(Set(base).union(head)).sorted()
    }
}

// MARK: - Finding matching

/// Equal and hashed by bytes: with `String` fields, a head finding quoting an audience as e + U+0301 would
/// match a base finding quoting it as U+00E9 and pass as pre-existing, though it is about another value.
struct FindingKey: Hashable {
    var rule: ExactString
    var entity: ExactString
    var message: ExactString

    init(_ finding: Finding) {
        rule = ExactString(finding.ruleID)
        entity = ExactString(finding.entity?.description ?? finding.location.file)
        // Some messages cite positions ("first at line 12, column 3"); an edit above them is not a new finding.
        message = ExactString(finding.message.replacingOccurrences(of: #"(line|column) [0-9]+"#, with: "$1 #", options: .regularExpression))
    }
}

/// Counts findings by key so that two identical findings on one side cancel two on the other, not one.
final class FindingMultiset {
    private var counts: [FindingKey: Int] = [:]

    init(_ findings: [Finding]) {
        for finding in findings { counts[FindingKey(finding), default: 0] += 1 }
    }

    /// True (and one fewer left) when the other side has this finding.
    func consume(_ finding: Finding) -> Bool {
        let key = FindingKey(finding)
        guard let count = counts[key], count > 0 else { return false }
        counts[key] = count - 1
        return true
    }
}

extension SourceLocation {
    /// True when `point`'s start lies within this span (same file).
    fileprivate func spanContains(_ point: SourceLocation) -> Bool {
        guard point.file.isExactly(file) else { return false }
        let start = (line, column)
        let end = (endLine, endColumn)
        let at = (point.line, point.column)
        return at >= start && at <= end
    }

    /// A rough size used to prefer the narrowest span.
    fileprivate var spanSize: Int { (endLine - line) * 10_000 + (endColumn - column) }
}

extension TrustDiffer {
    /// Compares two registry directories.
    public func diff(baseDirectory: String, headDirectory: String, loader: RegistryLoader = RegistryLoader()) throws -> TrustDiff {
        // Files the two sides share are parsed once; when both sides fail, the base's error is reported.
        let (base, head) = try loader.load(base: baseDirectory, head: headDirectory)
        return diff(base: base, head: head, baseLabel: baseDirectory, headLabel: headDirectory)
    }

    /// Compares the registry folder as of a git ref (read with git itself) with the working tree.
    public func diff(gitBase ref: String, headDirectory: String, loader: RegistryLoader = RegistryLoader()) throws -> TrustDiff {
        let tree = try GitBaseTree.extract(ref: ref, registryDirectory: headDirectory)
        defer { tree.remove() }
        let base: LoadedRegistry
        let head: LoadedRegistry
        if let path = tree.registryPath, (try? RegistryLoader.registryFiles(in: path)) != nil {
            // The base is a scratch copy from git objects: confined to itself, not to the working tree's root.
            (base, head) = try loader.load(base: path, baseRoot: nil, head: headDirectory)
        } else {
            head = try loader.load(directory: headDirectory)
            base = loader.load(sources: []) // the registry is new in this change
        }
        return diff(base: base, head: head, baseLabel: ref, headLabel: "\(headDirectory) (working tree)")
    }
}

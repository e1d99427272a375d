/// A URL audience that is a path prefix of another service's invites prefix-matching consumers to accept both.
public struct AudienceOverlapRule: Rule {
    public static let description = RuleDescription(
        id: "audience-overlap",
        name: "Overlapping audiences",
        defaultSeverity: .warning,
        flagsAudienceValue: true, appliesWhen: .audiences,
        summary: "One service's audience is a URL path prefix of another service's audience.",
        rationale: """
            `https://api.example.com` and `https://api.example.com/orders` look like a hierarchy, and consumers \
            or gateways that match by prefix or pattern turn that hierarchy into shared acceptance: a token for \
            the parent opens the child. Distinct resources should have audiences that are not nested.
            """,
        remediation: "Give the services sibling audiences (https://orders.api.example.com and https://billing.api.example.com) rather than nested ones.",
        references: ["RFC 8707 §2", "RFC 9068 §5"],
        controls: ["NHI5:2025", "NHI9:2025", "PR.AA-05"],
        triggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: api-gateway}
                spec: {audiences: [↓https://api.example.com]}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec: {audiences: [↓https://api.example.com/orders/v1]}
                """),
        ],
        nonTriggeringExamples: [
            // Canonically equivalent is not the same: no prefix matcher compares `caf\u{E9}` and `cafe\u{301}` as one.
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: cafe-api}
                spec: {audiences: ["https://api.example.com/caf\\u00E9"]}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: cafe-orders}
                spec: {audiences: ["https://api.example.com/cafe\\u0301/orders"]}
                """),
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec: {audiences: [https://api.example.com/orders]}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-history}
                spec: {audiences: [https://api.example.com/orders-history]}
                """),
        ])

    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        // Audiences with one origin and path form a group; each audience looks up the groups of its
        // ancestors (a prefix of its own key), so the work is linear in the audiences times their path
        // depth, never pairwise. Each audience gets at most one finding as a parent and one as a child,
        // naming the first few on the other side and counting the rest: K parents over M children are
        // 2 × (K + M) findings, not 2 × K × M. Keys and names are compared as bytes.
        let audiences = context.audiences
        // Sized once: grown step by step, the table's last doubling held the old and the new buckets
        // at the same time, at the rules' memory peak.
        var groupOf: [HierarchyKey: Int] = Dictionary(minimumCapacity: audiences.count)
        var members: [[Int]] = []
        for (position, entry) in audiences.enumerated() {
            guard let key = entry.hierarchyKey else { continue }
            if let group = groupOf[key] { members[group].append(position) } else {
                groupOf[key] = members.count
                members.append([position])
            }
        }
        var nested = [[Int]](repeating: [], count: members.count)
        var ancestors: [(child: Int, groups: [Int])] = []
        for (position, child) in audiences.enumerated() {
            guard let key = child.hierarchyKey, !child.ancestorEnds.isEmpty else { continue }
            var groups: [Int] = []
            for end in child.ancestorEnds {
                guard let group = groupOf[key.prefix(end)] else { continue }
                groups.append(group)
                nested[group].append(position)
            }
            if !groups.isEmpty { ancestors.append((position, groups)) }
        }
        let names = audiences.map { ExactString($0.name) }
        // How many of a list's audiences belong to each service: a service's own audiences are not
        // reported against each other.
        func countsByName(_ positions: [Int]) -> [ExactString: Int] {
            var counts: [ExactString: Int] = [:]
            for position in positions { counts[names[position], default: 0] += 1 }
            return counts
        }
        /// The first few of `positions` of other services than `name` (scanning a bounded stretch), and how many there are.
        func others(_ positions: [Int], total: Int, of name: ExactString) -> (shown: [Int], count: Int) {
            var shown: [Int] = []
            for position in positions.prefix(4 * RelatedLimit.locations) where names[position] != name {
                shown.append(position)
                if shown.count == RelatedLimit.locations { break }
            }
            return (shown, total)
        }
        func more(_ count: Int) -> String {
            count > 1 ? " and \(count - 1) other audience\(count == 2 ? "" : "s")" : ""
        }

        var findings: [Finding] = []
        // Parents: every audience of a group with nested audiences.
        for (group, children) in nested.enumerated() where !children.isEmpty {
            let childCounts = countsByName(children)
            for parentPosition in members[group] {
                let parent = audiences[parentPosition]
                let (shown, count) = others(children, total: children.count - (childCounts[names[parentPosition]] ?? 0), of: names[parentPosition])
                guard count > 0, let first = shown.first.map({ audiences[$0] }) else { continue }
                findings.append(finding(
                    "audience '\(parent.audience.value)' of service '\(parent.name)' is a path prefix of '\(first.audience.value)' of service '\(first.name)'\(more(count))",
                    at: parent.audience.location, entity: parent.ref,
                    related: shown.map { RelatedLocation(audiences[$0].audience.location, entity: audiences[$0].ref, message: "nested audience") }))
            }
        }
        // Children: every audience under at least one other service's audience.
        var parentCounts: [Int: [ExactString: Int]] = [:]
        for (childPosition, groups) in ancestors {
            let child = audiences[childPosition]
            var shown: [Int] = []
            var count = 0
            for group in groups {
                let counts = parentCounts[group] ?? countsByName(members[group])
                parentCounts[group] = counts
                let found = others(members[group], total: members[group].count - (counts[names[childPosition]] ?? 0), of: names[childPosition])
                count += found.count
                shown += found.shown.prefix(RelatedLimit.locations - shown.count)
            }
            guard count > 0, let first = shown.first.map({ audiences[$0] }) else { continue }
            findings.append(finding(
                "audience '\(child.audience.value)' of service '\(child.name)' sits under '\(first.audience.value)' of service '\(first.name)'\(more(count))",
                at: child.audience.location, entity: child.ref,
                related: shown.map { RelatedLocation(audiences[$0].audience.location, entity: audiences[$0].ref, message: "parent audience") }))
        }
        return findings
    }
}

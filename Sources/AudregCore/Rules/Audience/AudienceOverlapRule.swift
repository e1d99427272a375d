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
        // Indexed by origin and full path, then each audience looks up its own ancestors: linear in the
        // number of audiences times their path depth, never pairwise. An ancestor's key is a prefix of
        // the audience's own key, looked up as a substring of it, so nothing is allocated per lookup.
        let audiences = context.audiences
        var first: [Substring: Int] = [:]
        var more: [Substring: [Int]] = [:]
        for (position, entry) in audiences.enumerated() {
            guard let key = entry.hierarchyKey.map({ Substring($0) }) else { continue }
            if first[key] == nil { first[key] = position } else { more[key, default: []].append(position) }
        }
        var pairs: [(parent: AudienceUse, child: AudienceUse)] = []
        for child in audiences {
            guard let key = child.hierarchyKey, !child.ancestorEnds.isEmpty else { continue }
            for end in child.ancestorEnds {
                let ancestor = Substring(key.utf8.prefix(end))
                guard let firstParent = first[ancestor] else { continue }
                for position in [firstParent] + (more[ancestor] ?? []) where audiences[position].name != child.name {
                    pairs.append((audiences[position], child))
                }
            }
        }
        var findings: [Finding] = []
        for (parent, child) in pairs {
            findings.append(finding(
                "audience '\(parent.audience.value)' of service '\(parent.name)' is a path prefix of '\(child.audience.value)' of service '\(child.name)'",
                at: parent.audience.location, entity: parent.ref,
                related: [RelatedLocation(child.audience.location, entity: child.ref, message: "nested audience")]))
            findings.append(finding(
                "audience '\(child.audience.value)' of service '\(child.name)' sits under '\(parent.audience.value)' of service '\(parent.name)'",
                at: child.audience.location, entity: child.ref,
                related: [RelatedLocation(parent.audience.location, entity: parent.ref, message: "parent audience")]))
        }
        return findings
    }
}

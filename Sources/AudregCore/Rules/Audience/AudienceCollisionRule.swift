/// Two services that accept the same audience accept each other's tokens.
public struct AudienceCollisionRule: Rule {
    public static let description = RuleDescription(
        id: "audience-collision",
        name: "Audience collision",
        defaultSeverity: .error,
        flagsAudienceValue: true, appliesWhen: .audiences,
        summary: "Two or more services accept the same audience, so a token for one is valid at the others.",
        rationale: """
            An audience must identify exactly one recipient. When services share one, a token issued for the \
            least trusted of them can be replayed at the most sensitive (token substitution), and no log shows \
            which service the caller meant.
            """,
        remediation: "Give each service its own audience; where a caller needs several services, have it obtain one token per audience or exchange tokens at each hop.",
        references: ["RFC 9068 §5", "RFC 8725 §2.7", "RFC 8725 §3.12"],
        controls: ["NHI9:2025", "NHI6:2025", "PR.AA-05", "PR.AA-04", "MEASURE 2.7"],
        triggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec:
                  audiences: [↓https://api.example.com/orders]
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: billing-api}
                spec:
                  audiences:
                    - https://billing.api.example.com
                    - ↓https://api.example.com/orders
                """),
        ],
        nonTriggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec: {audiences: [https://orders.api.example.com]}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: billing-api}
                spec: {audiences: [https://billing.api.example.com]}
                """),
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: bucher-api, description: Precomposed u-umlaut (U+00FC).}
                spec: {audiences: ["https://b\\u00FCcher.example.com"]}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: bucher-shadow, description: u followed by a combining diaeresis (U+0308); no JWT library takes one for the other, so this is audience-confusable's case.}
                spec: {audiences: ["https://bu\\u0308cher.example.com"]}
                """),
        ])

    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        var byAudience: [ExactString: [AudienceUse]] = [:]
        var order: [ExactString] = []
        for entry in context.repeatedAudiences {
            if byAudience[entry.audience.value] == nil { order.append(entry.audience.value) }
            byAudience[entry.audience.value, default: []].append(entry)
        }
        var findings: [Finding] = []
        for audience in order {
            guard let entries = byAudience[audience] else { continue }
            let services = Set(entries.map(\.name))
            guard services.count > 1 else { continue }
            let sortedNames = services.sorted()
            var reported = Set<String>()
            for entry in entries where reported.insert(entry.name).inserted {
                let others = entries.capped { $0.name == entry.name }
                let names = RelatedLimit.names(sortedUnique: sortedNames, excluding: entry.name)
                findings.append(finding(
                    "audience '\(audience)' of service '\(entry.name)' is also accepted by \(names); a token for one is valid at the other",
                    at: entry.audience.location, entity: entry.ref,
                    related: others.map { RelatedLocation($0.audience.location, entity: $0.ref, message: "also accepts '\(audience)'") }))
            }
        }
        return findings
    }
}

/// Each extra audience is another name under which tokens for other purposes may reach the service.
public struct MultipleAudiencesRule: ServiceRule {
    public static let description = RuleDescription(
        id: "multiple-audiences",
        name: "Multiple audiences",
        defaultSeverity: .warning,
        flagsAudienceValue: true, appliesWhen: .audiences,
        summary: "A service accepts more audiences than the policy's maxAudiencesPerService.",
        rationale: """
            A service with several audiences accepts tokens minted under each of them, usually because an old \
            name was never retired or because audiences stand in for permissions. Every extra audience widens \
            what a leaked token can reach and makes collisions more likely.
            """,
        remediation: "Retire old audiences once their callers have moved, or record an exception with an expiry while they do.",
        references: ["RFC 8707 §3", "RFC 9068 §3"],
        controls: ["NHI5:2025", "NHI1:2025", "PR.AA-05"],
        triggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec:
                  audiences:
                    - https://orders.api.example.com
                    - ↓https://orders-legacy.api.example.com
                """),
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: bucher-api, description: Precomposed and decomposed spellings are two audiences to every JWT library.}
                spec:
                  audiences:
                    - "https://b\\u00FCcher.example.com"
                    - ↓"https://bu\\u0308cher.example.com"
                """),
        ],
        nonTriggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Policy
                metadata: {name: default}
                spec: {maxAudiencesPerService: 2}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec: {audiences: [https://orders.api.example.com, https://orders-legacy.api.example.com]}
                """),
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api, description: A repeated entry is one audience (the loader warns about the repeat).}
                spec: {audiences: [https://orders.api.example.com, https://orders.api.example.com]}
                """),
        ])

    public init() {}

    public func check(_ service: Service, at position: Int, in context: RuleContext, into findings: inout [Finding]) {
        let limit = context.policy.effectiveMaxAudiencesPerService
        guard service.audiences.count > limit else { return }
        // A repeated entry is no extra audience (the loader warns about it): count distinct values, as
        // the gateways see them, byte for byte.
        var seen = Set<ExactString>(minimumCapacity: service.audiences.count)
        let distinct = service.audiences.filter { seen.insert($0.value).inserted }
        guard distinct.count > limit else { return }
        let first = distinct[limit]
        findings.append(finding("service '\(service.name)' accepts \(distinct.count) audiences; the policy allows \(limit)",
                                at: first.location, entity: service.ref,
                                related: distinct.dropFirst(limit + 1).map { RelatedLocation($0.location, entity: service.ref, message: "extra audience") }))
    }
}

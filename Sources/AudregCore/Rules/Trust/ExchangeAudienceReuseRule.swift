/// If the downstream service accepts the caller-facing audience, exchanging tokens protects nothing.
public struct ExchangeAudienceReuseRule: ServiceRule {
    public static let description = RuleDescription(
        id: "exchange-audience-reuse",
        name: "Exchanged audience reused",
        defaultSeverity: .error,
        summary: "A downstream service accepts the audience of a service that calls it through token-exchange or new-token.",
        rationale: """
            Token exchange exists so that the downstream service only accepts tokens issued for it. If it also \
            accepts the calling service's audience, the original token already works there, and the exchange \
            is ceremony: anyone holding a token for the caller can skip it.
            """,
        remediation: "Remove the caller's audience from the downstream service; it should accept only its own audience, which the exchanged token carries.",
        references: ["RFC 8693 §2.1", "RFC 8725 §2.7"],
        controls: ["NHI9:2025", "PR.AA-05", "PR.AA-04"],
        triggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: edge-gateway}
                spec:
                  audiences: [https://edge.example.com]
                  downstream: [{service: orders-api, mode: token-exchange}]
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec:
                  audiences: [https://orders.api.example.com, ↓https://edge.example.com]
                """),
        ],
        nonTriggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: edge-gateway}
                spec:
                  audiences: [https://edge.example.com]
                  downstream: [{service: orders-api, mode: token-exchange}]
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec: {audiences: [https://orders.api.example.com]}
                """),
        ])

    public init() {}

    public func check(_ caller: Service, at position: Int, in context: RuleContext, into findings: inout [Finding]) {
        let callerAudiences = caller.audiences
        // A service lists one audience or a few: looking through them beats hashing them into a set.
        let callerAudienceSet = callerAudiences.count > 8 ? Set(callerAudiences.map(\.value)) : nil
        for hop in caller.downstream where hop.mode.value != .passthrough {
            guard let target = context.index.services[hop.service.value], target.name != caller.name else { continue }
            for audience in target.audiences {
                let shared = callerAudienceSet?.contains(audience.value) ?? callerAudiences.contains { $0.value == audience.value }
                guard shared else { continue }
                findings.append(finding(
                    "service '\(target.name)' accepts '\(audience.value)', the audience of '\(caller.name)', which reaches it through \(hop.mode.value.rawValue); the original token already works here",
                    at: audience.location, entity: target.ref,
                    related: [RelatedLocation(hop.location, entity: caller.ref, message: "\(hop.mode.value.rawValue) hop")]))
            }
        }
    }
}

/// A hop that replays the caller's token makes the next service accept a token that was not issued for it.
public struct GatewayPassthroughRule: ServiceRule {
    public static let description = RuleDescription(
        id: "gateway-passthrough",
        name: "Gateway pass-through",
        defaultSeverity: .error,
        summary: "A downstream hop passes the caller's token on instead of exchanging it for one with the next hop's audience.",
        rationale: """
            When a gateway forwards the token it received, the downstream service must accept the gateway's \
            audience, so every token for the gateway also opens the downstream service, and the downstream \
            service cannot tell a direct call from a forwarded one. Token exchange gives each hop a token \
            issued for it alone.
            """,
        remediation: "Exchange the token at the hop (RFC 8693, mode: token-exchange) for one whose audience is the downstream service, or call it with the gateway's own credentials (mode: new-token).",
        references: ["RFC 8693 §2", "RFC 8725 §2.7", "RFC 9068 §5"],
        controls: ["NHI9:2025", "NHI5:2025", "PR.AA-05", "PR.AA-04", "MEASURE 2.7"],
        triggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: edge-gateway}
                spec:
                  audiences: [https://edge.example.com]
                  downstream:
                    - service: orders-api
                      mode: ↓passthrough
                """),
        ],
        nonTriggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: edge-gateway}
                spec:
                  audiences: [https://edge.example.com]
                  downstream:
                    - {service: orders-api, mode: token-exchange}
                    - {service: audit-log, mode: new-token}
                """),
        ])

    public init() {}

    public func check(_ service: Service, at position: Int, in context: RuleContext, into findings: inout [Finding]) {
        for hop in service.downstream where hop.mode.value == .passthrough {
            var related: [RelatedLocation] = []
            if let target = context.index.services[hop.service.value] {
                related.append(RelatedLocation(target.origin.location, entity: target.ref, message: "receives the caller's token"))
            }
            findings.append(finding("service '\(service.name)' passes the caller's token through to '\(hop.service.value)' instead of exchanging it for one issued to '\(hop.service.value)'",
                                    at: hop.mode.location, entity: service.ref, related: related))
        }
    }
}

/// A token minted for staging must never open production, and the other way round.
public struct EnvironmentCrossingRule: ServiceRule {
    public static let description = RuleDescription(
        id: "environment-crossing",
        name: "Environment crossing",
        defaultSeverity: .error,
        appliesWhen: .statedEnvironment,
        summary: "A service accepts an issuer of another environment, a hop crosses environments, or one audience is used in two environments; an issuer or hop target of a service with an environment states none (a warning).",
        rationale: """
            Environments are isolated so that weaker controls in staging cannot reach production. A production \
            service that trusts the staging issuer, a hop from staging into production, or one audience shared \
            by both lets a token from the weaker environment into the stronger one.
            """,
        remediation: "Give each environment its own issuer and its own audiences (for example https://orders.staging.example.com), and keep hops within one environment.",
        references: ["RFC 8725 §3.12"],
        controls: ["NHI8:2025", "PR.IR-01", "PR.AA-05"],
        triggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: staging-idp, environment: staging}
                spec: {issuer: https://idp.staging.example.com}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api, environment: production}
                spec:
                  audiences: [↓https://orders.api.example.com]
                  accepts:
                    - issuer: ↓staging-idp
                  downstream:
                    - service: ↓orders-db-proxy
                      mode: token-exchange
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-db-proxy, environment: staging}
                spec: {audiences: [https://orders-db.staging.example.com]}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api-staging, environment: staging}
                spec: {audiences: [↓https://orders.api.example.com]}
                """),
            // Environments are compared byte for byte: the second starts with U+212A KELVIN SIGN.
            RuleExample("""
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: cluster-idp, environment: "\\u212A8s"}
                spec: {issuer: https://idp.cluster.example.com}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api, environment: K8s}
                spec:
                  audiences: [https://orders.api.example.com]
                  accepts:
                    - issuer: ↓cluster-idp
                """),
            // An issuer without an environment: a warning that the comparison was not made.
            RuleExample("""
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: shared-idp}
                spec: {issuer: https://idp.example.com}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api, environment: production}
                spec:
                  audiences: [https://orders.api.example.com]
                  accepts:
                    - issuer: ↓shared-idp
                """),
        ],
        nonTriggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: corp-idp, environment: production}
                spec: {issuer: https://idp.example.com}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api, environment: production}
                spec:
                  audiences: [https://orders.api.example.com]
                  accepts: [{issuer: corp-idp}]
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api-staging, environment: staging}
                spec: {audiences: [https://orders.api.staging.example.com]}
                """),
        ])

    public init() {}

    public func check(_ service: Service, at position: Int, in context: RuleContext, into findings: inout [Finding]) {
        guard let environment = service.metadata.environment?.value else { return }
        for accepted in service.accepts {
            guard let issuer = context.index.issuers[accepted.issuer.value] else { continue }
            guard let issuerEnvironment = issuer.metadata.environment?.value else {
                findings.append(notCompared("\(environment) service '\(service.name)' accepts tokens from '\(issuer.name)', an issuer that states no environment, so whether they cross environments was not checked; state the issuer's metadata.environment",
                                            at: accepted.issuer.location, service: service,
                                            related: RelatedLocation(issuer.origin.location, entity: issuer.ref, message: "issuer without an environment")))
                continue
            }
            guard !issuerEnvironment.isExactly(environment) else { continue }
            findings.append(finding("\(environment) service '\(service.name)' accepts tokens from '\(issuer.name)', an issuer of \(issuerEnvironment)",
                                    at: accepted.issuer.location, entity: service.ref,
                                    related: [RelatedLocation(issuer.origin.location, entity: issuer.ref, message: "\(issuerEnvironment) issuer")]))
        }
        for hop in service.downstream {
            guard let target = context.index.services[hop.service.value] else { continue }
            guard let targetEnvironment = target.metadata.environment?.value else {
                findings.append(notCompared("\(environment) service '\(service.name)' calls '\(target.name)', which states no environment, so whether the hop crosses environments was not checked; state its metadata.environment",
                                            at: hop.service.location, service: service,
                                            related: RelatedLocation(target.origin.location, entity: target.ref, message: "service without an environment")))
                continue
            }
            guard !targetEnvironment.isExactly(environment) else { continue }
            findings.append(finding("\(environment) service '\(service.name)' calls '\(target.name)' in \(targetEnvironment)",
                                    at: hop.service.location, entity: service.ref,
                                    related: [RelatedLocation(target.origin.location, entity: target.ref, message: "\(targetEnvironment) service")]))
        }
    }

    /// A comparison not made because the other side states no environment: unknown is not "the same",
    /// so it is said, as a warning.
    func notCompared(_ message: String, at location: SourceLocation, service: Service, related: RelatedLocation) -> Finding {
        var unknown = finding(message, at: location, entity: service.ref, related: [related])
        unknown.severity = .warning
        return unknown
    }

    public func check(_ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        // One audience in two environments: only audiences used more than once can be, so only those
        // are grouped; linear in the number of audiences.
        var usesByAudience: [ExactString: [AudienceUse]] = [:]
        var order: [ExactString] = []
        for use in context.repeatedAudiences where use.environment != nil {
            if usesByAudience[use.value] == nil { order.append(use.value) }
            usesByAudience[use.value, default: []].append(use)
        }
        for audience in order {
            guard let uses = usesByAudience[audience] else { continue }
            // Environments compared byte for byte: `K8s` and `\u{212A}8s` (KELVIN SIGN) are two.
            let environments = Set(uses.compactMap { $0.environment.map { ExactString($0) } })
            guard environments.count > 1 else { continue }
            // Per environment, the uses elsewhere: computed once per environment, not once per use.
            var elsewhere: [ExactString: (names: String, related: [RelatedLocation])] = [:]
            for environment in environments {
                let others = uses.filter { !($0.environment?.isExactly(environment.text) ?? false) }
                elsewhere[environment] = (RelatedLimit.list(others.map { "'\($0.name)' (\($0.environment ?? ""))" }),
                                          others.prefix(RelatedLimit.locations).map { RelatedLocation($0.location, entity: $0.ref, message: $0.environment) })
            }
            for use in uses {
                guard let environment = use.environment, let other = elsewhere[ExactString(environment)] else { continue }
                findings.append(finding("audience '\(audience)' of \(environment) service '\(use.name)' is also used in another environment by \(other.names)",
                                        at: use.location, entity: use.ref, related: other.related))
            }
        }
        return findings
    }
}

/// Signature algorithms decide whether question 1 (is the token authentic) can be answered at all.
public struct AlgorithmNotAllowedRule: ServiceRule {
    public static let description = RuleDescription(
        id: "algorithm-not-allowed",
        name: "Algorithm not allowed",
        defaultSeverity: .error, appliesWhen: .acceptedIssuers,
        summary: "An algorithm outside the policy, `none`, or symmetric (HS*) and asymmetric algorithms mixed for one issuer.",
        rationale: """
            `none` means no signature. Mixing HMAC and public-key algorithms for one issuer invites algorithm \
            confusion, where a public key is used as an HMAC secret to forge tokens. Algorithms outside the \
            policy are ones the organization has not reviewed.
            """,
        remediation: "Accept only the policy's algorithms, never `none`, and one family (asymmetric) per issuer.",
        references: ["RFC 8725 §3.1", "RFC 8725 §3.2", "RFC 7518 §3.1", "RFC 9068 §4"],
        controls: ["NHI4:2025", "PR.AA-03", "PR.AA-04", "MEASURE 2.7"],
        triggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: corp-idp}
                spec:
                  issuer: https://idp.example.com
                  algorithms: [RS256, ↓HS256]
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec:
                  audiences: [https://orders.api.example.com]
                  accepts:
                    - issuer: corp-idp
                      algorithms: [RS256, ↓none]
                """),
            RuleExample("""
                apiVersion: audreg/v1
                kind: Policy
                metadata: {name: default}
                spec: {allowedAlgorithms: [ES256]}
                ---
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: corp-idp}
                spec: {issuer: https://idp.example.com, algorithms: [↓RS256]}
                """),
        ],
        nonTriggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: corp-idp}
                spec: {issuer: https://idp.example.com, algorithms: [RS256, ES256]}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec:
                  audiences: [https://orders.api.example.com]
                  accepts: [{issuer: corp-idp, algorithms: [ES256]}]
                """),
        ])

    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        for issuer in context.registry.issuers {
            inspect(issuer.algorithms, owner: "issuer '\(issuer.name)'", entity: issuer.ref, context: context, into: &findings)
        }
        return findings
    }

    public func check(_ service: Service, at position: Int, in context: RuleContext, into findings: inout [Finding]) {
        for accepted in service.accepts {
            guard let algorithms = accepted.algorithms else { continue }
            inspect(algorithms, owner: "service '\(service.name)' (tokens from '\(accepted.issuer.value)')", entity: service.ref,
                    context: context, into: &findings)
        }
    }

    /// `owner` is only spelled out for a finding: most algorithm lists are fine.
    private func inspect(_ algorithms: [Located<String>], owner: @autoclosure () -> String, entity: @autoclosure () -> EntityRef,
                         context: RuleContext, into findings: inout [Finding]) {
        var reportedMix = false
        let hasAsymmetric = algorithms.contains { !$0.value.hasPrefix("HS") && $0.value != "none" }
        for algorithm in algorithms {
            if algorithm.value == "none" {
                findings.append(finding("\(owner()) accepts 'none', which means unsigned tokens", at: algorithm.location, entity: entity()))
            } else if algorithm.value.hasPrefix("HS") && hasAsymmetric && !reportedMix {
                reportedMix = true
                findings.append(finding("\(owner()) mixes the symmetric '\(algorithm.value)' with asymmetric algorithms, which allows algorithm confusion",
                                        at: algorithm.location, entity: entity()))
            } else if !context.allowedAlgorithms.contains(algorithm.value) {
                findings.append(finding("\(owner()) uses '\(algorithm.value)', which the policy does not allow (allowed: \(context.allowedAlgorithms.sorted().joined(separator: ", ")))",
                                        at: algorithm.location, entity: entity()))
            }
        }
    }
}

/// An exception nobody can trace, or one that never ends, is a silent rule change.
public struct ExceptionInvalidRule: ServiceRule {
    public static let description = RuleDescription(
        id: "exception-invalid",
        name: "Exception invalid",
        defaultSeverity: .error,
        summary: "An exception names a rule that does not exist or one no exception suppresses, lacks a reason, approver or expiry, expires more than the policy's maxExceptionDays ahead, or repeats another exception to the same rule.",
        rationale: """
            An exception suppresses findings, so it must say which rule, why, who approved it and until when. \
            A typo in the rule ID would silently suppress nothing; a missing approver or expiry would make a \
            temporary deviation permanent without review. Findings of duplicate-name, exception-expired and \
            exception-invalid are never suppressed, so an exception naming one of them only misleads a reader.
            """,
        remediation: "Name an existing rule ID (see `audreg rules`), and give reason, approvedBy and an expires date within the policy's window.",
        references: [],
        controls: ["GOVERN 2.1", "PR.AA-05"],
        triggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec:
                  audiences: [https://orders.api.example.com]
                  exceptions:
                    - rule: ↓multiple-audience
                      reason: Typo in the rule ID.
                      approvedBy: security-architecture
                      expires: 2026-09-30
                    - ↓rule: audience-overlap
                      reason: No approver and no expiry.
                    - rule: audience-too-broad
                      reason: Far in the future.
                      approvedBy: security-architecture
                      expires: ↓2030-01-01
                """),
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec:
                  audiences: [https://orders.api.example.com]
                  exceptions:
                    - rule: ↓duplicate-name
                      reason: A second definition cannot except itself.
                      approvedBy: security-architecture
                      expires: 2026-09-30
                """),
            // Only the first complete, unexpired exception to a rule is used: a second one beside an
            // expired or incomplete one takes over silently, which review should see.
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec:
                  audiences: [https://orders.api.example.com]
                  exceptions:
                    - rule: multiple-audiences
                      reason: Legacy clients until the migration ends.
                      approvedBy: security-architecture
                      expires: 2026-12-31
                    - ↓rule: multiple-audiences
                      reason: A second approval for the same rule.
                      approvedBy: platform-lead
                      expires: 2026-12-31
                """),
        ],
        nonTriggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec:
                  audiences: [https://orders.api.example.com]
                  exceptions:
                    - rule: multiple-audiences
                      reason: Legacy clients until the migration ends.
                      approvedBy: security-architecture
                      expires: 2026-12-31
                      ticket: SEC-1234
                """),
        ])

    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        for issuer in context.registry.issuers { inspect(issuer.exceptions, of: issuer.ref, in: context, into: &findings) }
        return findings
    }

    public func check(_ service: Service, at position: Int, in context: RuleContext, into findings: inout [Finding]) {
        inspect(service.exceptions, of: service.ref, in: context, into: &findings)
    }

    private func inspect(_ exceptions: [RuleException], of ref: @autoclosure () -> EntityRef, in context: RuleContext, into findings: inout [Finding]) {
        let maxDays = context.policy.effectiveMaxExceptionDays
        var first: [ExactString: RuleException] = [:]
        for exception in exceptions {
            let rule = exception.rule.value
            if let earlier = first[ExactString(rule)] {
                findings.append(finding("exception for '\(rule)' on \(ref()) repeats the one at line \(earlier.location.line); keep one exception per rule, so that which one suppresses findings is never in question",
                                        at: exception.location, entity: ref(),
                                        related: [RelatedLocation(earlier.location, entity: ref(), message: "the first exception to '\(rule)'")]))
            } else {
                first[ExactString(rule)] = exception
            }
            if Validator.unsuppressible.contains(where: { $0.isExactly(rule) }) {
                findings.append(finding("exception on \(ref()) names '\(rule)', whose findings no exception suppresses; remove it",
                                        at: exception.rule.location, entity: ref()))
            }
            if !context.knownRuleIDs.contains(rule) {
                let hint = Suggestion.closest(to: rule, in: context.knownRuleIDs.sorted()).map { "; did you mean '\($0)'?" } ?? "; see 'audreg rules'"
                findings.append(finding("exception on \(ref()) names the unknown rule '\(rule)'\(hint)", at: exception.rule.location, entity: ref()))
            }
            let missing = [("reason", exception.reason == nil), ("approvedBy", exception.approvedBy == nil), ("expires", exception.expires == nil)]
                .filter(\.1).map(\.0)
            if !missing.isEmpty {
                findings.append(finding("exception for '\(rule)' on \(ref()) lacks \(missing.joined(separator: ", ")) and suppresses nothing until they are given",
                                        at: exception.location, entity: ref()))
            }
            if let expires = exception.expires, context.today.days(until: expires.value) > maxDays {
                findings.append(finding("exception for '\(rule)' on \(ref()) expires on \(expires.value), more than \(maxDays) days ahead; approve it for a shorter time and renew it if needed",
                                        at: expires.location, entity: ref()))
            }
        }
    }
}

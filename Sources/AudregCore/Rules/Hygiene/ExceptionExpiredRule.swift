/// An exception is a dated promise; once the date passes, the deviation is back to being a finding.
public struct ExceptionExpiredRule: ServiceRule {
    public static let description = RuleDescription(
        id: "exception-expired",
        name: "Exception expired",
        defaultSeverity: .error,
        summary: "An exception is past its expiry date; it no longer suppresses anything.",
        rationale: """
            Exceptions are approved for a limited time so that deviations get fixed rather than forgotten. An \
            expired exception means the fix did not happen: the underlying finding is reported again, and the \
            stale exception should be removed or renewed by its approver.
            """,
        remediation: "Fix the underlying finding and delete the exception, or have the approver renew it with a new expiry date.",
        references: [],
        controls: ["MANAGE 4.1", "PR.AA-05", "DE.CM-09"],
        triggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec:
                  audiences: [https://orders.api.example.com, https://orders-legacy.api.example.com]
                  exceptions:
                    - rule: multiple-audiences
                      reason: Mobile clients still send the old audience.
                      approvedBy: security-architecture
                      expires: ↓2026-05-31
                """, today: Day(year: 2026, month: 6, day: 1)!),
        ],
        nonTriggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec:
                  audiences: [https://orders.api.example.com, https://orders-legacy.api.example.com]
                  exceptions:
                    - rule: multiple-audiences
                      reason: Mobile clients still send the old audience.
                      approvedBy: security-architecture
                      expires: 2026-06-01
                """, today: Day(year: 2026, month: 6, day: 1)!),
        ])

    public init() {}

    public func check(_ context: RuleContext) -> [Finding] {
        var findings: [Finding] = []
        for issuer in context.registry.issuers { inspect(issuer.exceptions, of: issuer.ref, today: context.today, into: &findings) }
        return findings
    }

    public func check(_ service: Service, at position: Int, in context: RuleContext, into findings: inout [Finding]) {
        inspect(service.exceptions, of: service.ref, today: context.today, into: &findings)
    }

    private func inspect(_ exceptions: [RuleException], of ref: @autoclosure () -> EntityRef, today: Day, into findings: inout [Finding]) {
        for exception in exceptions {
            guard let expires = exception.expires, expires.value < today else { continue }
            let days = expires.value.days(until: today)
            findings.append(finding("exception for '\(exception.rule.value)' on \(ref()) expired on \(expires.value) (\(days) day\(days == 1 ? "" : "s") ago) and no longer suppresses anything",
                                    at: expires.location, entity: ref()))
        }
    }
}

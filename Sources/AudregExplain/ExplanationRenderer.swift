import AudregCore
import AudregDrift
/// Text and JSON forms of an explanation. Neither holds the signature or any key material: an explanation
/// never carries them. Claims come from the token and reasons quote the registry, so the text form passes
/// each through `TerminalText`: one line per claim and check, nothing invisible.
public enum ExplanationRenderer {
    public static func text(_ explanation: Explanation, color: Bool = false) -> String {
        func paint(_ text: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
        func safe(_ text: String) -> String { TerminalText.escape(text) }
        var out = "Token at \(safe(explanation.service))" + (explanation.claimsOnly ? " (claims only: signature not checked)" : "") + "\n"
        if !explanation.header.isEmpty {
            out += "  " + "header".padding(toLength: max(8, (explanation.claims.map(\.name.count).max() ?? 0) + 2), withPad: " ", startingAt: 0) + explanation.header.map { "\(safe($0.name)) \(safe($0.value))" }.joined(separator: ", ") + "\n"
        }
        let nameWidth = max(8, (explanation.claims.map(\.name.count).max() ?? 0) + 2)
        for claim in explanation.claims {
            out += "  " + safe(claim.name).padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "\(safe(claim.value))\n"
        }
        out += "  checked at \(TimeText.utc(explanation.now))\n\n"
        let width = ExplainQuestion.allCases.map(\.rawValue.count).max()!
        for check in explanation.checks {
            let status: String
            switch check.status {
            case .pass: status = paint("pass       ", "32")
            case .fail: status = paint("fail       ", "1;31")
            case .notChecked: status = paint("not checked", "33")
            }
            out += "\(check.question.rawValue.padding(toLength: width, withPad: " ", startingAt: 0))  \(status)  \(safe(check.reason))\n"
            for detail in check.details {
                out += String(repeating: " ", count: width + 15) + "\(safe(detail))\n"
            }
        }
        out += "\nverdict: "
        switch explanation.verdict {
        case .admitted: out += paint("admitted", "32")
        case .rejected:
            let failed = explanation.checks.filter { $0.status == .fail && $0.question != .admitted }.map(\.question.rawValue)
            out += paint("rejected", "1;31") + (failed.isEmpty ? "" : " (failed: \(failed.joined(separator: ", ")))")
        case .unverified: out += paint("unverified", "33") + " (nothing failed, but the signature was not checked)"
        }
        if !explanation.otherServices.isEmpty, explanation.check(.issuedForService)?.status == .fail {
            out += "; this token is for \(explanation.otherServices.map(safe).joined(separator: ", "))"
        }
        return out + "\n"
    }

    public static func json(_ explanation: Explanation) -> String {
        JSONValue.object([
            ("service", .string(explanation.service)),
            ("verdict", .string(explanation.verdict.rawValue)),
            ("claimsOnly", .bool(explanation.claimsOnly)),
            ("checkedAt", .string(TimeText.utc(explanation.now))),
            ("header", .object(explanation.header.map { ($0.name, JSONValue.string($0.value)) })),
            ("claims", .object(explanation.claims.map { ($0.name, JSONValue.string($0.value)) })),
            ("checks", .array(explanation.checks.map { check in
                .object([
                    ("question", .string(check.question.rawValue)),
                    ("status", .string(check.status.rawValue)),
                    ("reason", .string(check.reason)),
                    ("details", .array(check.details.map(JSONValue.string))),
                ])
            })),
            ("otherServices", .array(explanation.otherServices.map(JSONValue.string))),
            ("scopes", .array(explanation.grantedScopes.map(JSONValue.string))),
            ("roles", .array(explanation.grantedRoles.map(JSONValue.string))),
        ]).serialized()
    }
}

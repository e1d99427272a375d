/// A plain-text diff for terminals and logs: one line per change, findings indented below it. Every value
/// from the registry (or a branch name) passes `TerminalText`, so each change stays on its line.
public enum TextDiffRenderer {
    public static func render(_ diff: TrustDiff, color: Bool = false) -> String {
        func paint(_ text: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
        func safe(_ text: String) -> String { TerminalText.escape(text) }
        var out = "audreg diff \(safe(diff.baseLabel)) → \(safe(diff.headLabel)): \(diff.countsLine); findings \(diff.introduced.count) introduced, \(diff.fixed.count) fixed\n"
        if !diff.notCompared.isEmpty {
            out += "\nnot compared (--fail-on widening and change fail on these):\n"
            for sentence in diff.notCompared { out += "  \(safe(sentence))\n" }
        }
        if diff.changes.isEmpty { out += diff.notCompared.isEmpty ? "no trust-boundary changes\n" : "no trust-boundary changes among what was compared\n" }
        for group in diff.byEntity {
            out += "\n\(TerminalText.escapeLineStart(group.entity.description))\n"
            for change in group.changes {
                let label: String
                switch change.kind {
                case .widening: label = paint("widening ", "1;31")
                case .narrowing: label = paint("narrowing", "32")
                case .neutral: label = paint("neutral  ", "2")
                }
                let arrow = "\(change.before.map(safe) ?? "—") → \(change.after.map(safe) ?? "—")"
                let place = change.location.map { "  [\(safe($0.description))]" } ?? ""
                out += "  \(label)  \(safe(change.summary))  (\(arrow))\(place)\n"
                for finding in change.findings {
                    out += "             introduces \(finding.severity.rawValue) \(finding.ruleID): \(safe(finding.message)) [\(safe(finding.location.description))]\n"
                }
            }
        }
        let sections: [(String, [Finding])] = [("other findings introduced", diff.unattributed), ("findings fixed", diff.fixed),
                                                ("findings now covered by an exception", diff.newlySuppressed)]
        for (title, findings) in sections where !findings.isEmpty {
            out += "\n\(title):\n"
            for finding in findings {
                out += "  \(finding.severity.rawValue) \(finding.ruleID): \(safe(finding.message)) [\(safe(finding.location.description))]\n"
            }
        }
        return out
    }
}

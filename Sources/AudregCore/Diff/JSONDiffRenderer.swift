/// `{"summary": {...}, "changes": [...], "introduced": [...], "fixed": [...], "suppressed": [...]}`.
/// The field names are a public contract for users' scripts.
public enum JSONDiffRenderer {
    public static func render(_ diff: TrustDiff) -> String {
        JSONValue.object([
            ("base", .string(diff.baseLabel)),
            ("head", .string(diff.headLabel)),
            ("summary", .object([
                ("widening", .int(diff.count(.widening))),
                ("narrowing", .int(diff.count(.narrowing))),
                ("neutral", .int(diff.count(.neutral))),
                ("introduced", .int(diff.introduced.count)),
                ("fixed", .int(diff.fixed.count)),
                ("suppressed", .int(diff.newlySuppressed.count)),
            ])),
            ("changes", .array(diff.changes.map(json))),
            ("introduced", .array(diff.introduced.map { JSONReporter.json($0) })),
            ("fixed", .array(diff.fixed.map { JSONReporter.json($0) })),
            ("suppressed", .array(diff.newlySuppressed.map { JSONReporter.json($0) })),
        ]).serialized()
    }

    public static func json(_ change: TrustChange) -> JSONValue {
        .compactObject([
            ("kind", .string(change.kind.rawValue)),
            ("entity", .string(change.entity.description)),
            ("field", .string(change.field)),
            ("item", change.item.map(JSONValue.string)),
            ("summary", .string(change.summary)),
            ("before", .optional(change.before)),
            ("after", .optional(change.after)),
            ("location", change.location.map { location in
                .object([("file", .string(location.file)), ("line", .int(location.line)), ("column", .int(location.column))])
            }),
            ("findings", .array(change.findings.map { JSONReporter.json($0) })),
        ])
    }
}

/// A plain-text diff for terminals and logs: one line per change, findings indented below it. Every value
/// from the registry (or a branch name) passes `TerminalText`, so each change stays on its line.
public enum TextDiffRenderer {
    public static func render(_ diff: TrustDiff, color: Bool = false) -> String {
        func paint(_ text: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
        func safe(_ text: String) -> String { TerminalText.escape(text) }
        var out = "audreg diff \(safe(diff.baseLabel)) → \(safe(diff.headLabel)): \(diff.countsLine); findings \(diff.introduced.count) introduced, \(diff.fixed.count) fixed\n"
        if diff.changes.isEmpty { out += "no trust-boundary changes\n" }
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

/// The output formats of `audreg diff`.
public enum DiffFormat: String, CaseIterable, Sendable {
    case markdown, json, text

    public func render(_ diff: TrustDiff, color: Bool = false, markdown: MarkdownDiffRenderer.Options = .init()) -> String {
        switch self {
        case .markdown: return MarkdownDiffRenderer.render(diff, options: markdown)
        case .json: return JSONDiffRenderer.render(diff)
        case .text: return TextDiffRenderer.render(diff, color: color)
        }
    }
}

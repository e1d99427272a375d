/// `services/orders.yaml:12:7: error: <message> [rule-id]`, the format compilers and editors recognise.
/// File names, messages and entities come from the registry (or a fetched document), so each passes
/// `TerminalText`: one line per finding, nothing invisible, and no line that starts a workflow command.
public enum TextReporter {
    public static func render(_ report: ValidationReport, options: ReportOptions) -> String {
        var output = ""
        for finding in report.findings {
            let severity = colored(finding.severity.rawValue, finding.severity, enabled: options.color)
            output += "\(TerminalText.escapeLineStart(shown(finding.location, options))): \(severity): \(TerminalText.escape(finding.message)) [\(finding.ruleID)]\n"
            for related in finding.related {
                let entity = related.entity.map { " \(TerminalText.escape($0.description))" } ?? ""
                let message = related.message.map { ": \(TerminalText.escape($0))" } ?? ""
                output += "    \(TerminalText.escape(shown(related.location, options)))\(entity)\(message)\n"
            }
        }
        // A drift run's notes are not findings: after them, and not counted. Each line starts with
        // audreg's own word, the fetched text after it.
        for note in options.driftRun?.notes ?? [] {
            output += "info: \(TerminalText.escape(note.message)) [\(TerminalText.escape(note.kind))]\n"
        }
        let summary = report.summary
        output += "\(count(summary.errors, "error")), \(count(summary.warnings, "warning")), \(count(summary.notes, "note"))"
        output += summary.suppressed > 0 ? " (\(summary.suppressed) suppressed by exceptions)\n" : "\n"
        // What a drift run compared, so a summary of no findings after a run that compared little says so.
        if let replay = options.driftRun?.replayLine { output += TerminalText.escape(replay) + "\n" }
        if let coverage = options.driftRun?.coverage {
            output += coverage.summaryLine + "\n"
        }
        // A rule the policy turns off has no findings because it was not assessed, not because it passed.
        let off = report.turnedOff
        if !off.isEmpty {
            output += "not assessed: \(count(off.count, "rule")) turned off by the policy (\(TerminalText.escape(shown(off[0].location, options)))): "
            output += off.map(\.ruleID).joined(separator: ", ") + "\n"
        }
        return output
    }

    /// `path:line:column`, the path as it opens from the current directory.
    static func shown(_ location: SourceLocation, _ options: ReportOptions) -> String {
        options.paths.display(location)
    }

    package static func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }

    static func colored(_ text: String, _ severity: Severity, enabled: Bool) -> String {
        guard enabled else { return text }
        let code: String
        switch severity {
        case .error: code = "1;31"
        case .warning: code = "1;33"
        case .note: code = "1;36"
        }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }
}

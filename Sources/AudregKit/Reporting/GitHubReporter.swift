/// GitHub Actions workflow commands: one annotation per finding on the pull request's diff.
public enum GitHubReporter {
    public static func render(_ report: ValidationReport, options: ReportOptions) -> String {
        var output = ""
        for finding in report.findings {
            let command: String
            switch finding.severity {
            case .error: command = "error"
            case .warning: command = "warning"
            case .note: command = "notice"
            }
            var message = finding.message
            if let entity = finding.entity { message += " (\(entity))" }
            // Every value, file names included, is registry data: GitHubWorkflowCommand keeps each finding
            // on exactly one line, so no value can start a workflow command of its own.
            output += GitHubWorkflowCommand.line(command, properties: [
                ("file", options.repositoryPath(finding.location.file)),
                ("line", String(finding.location.line)),
                ("endLine", String(max(finding.location.endLine, finding.location.line))),
                ("col", String(finding.location.column)),
                ("title", "audreg \(finding.ruleID)"),
            ], message: message)
        }
        return output
    }

    public static func escapeData(_ text: String) -> String { GitHubWorkflowCommand.escapeData(text) }

    public static func escapeProperty(_ text: String) -> String { GitHubWorkflowCommand.escapeProperty(text) }
}

extension String {
    /// Replaces single characters in one pass, so `%` introduced by one replacement is never re-escaped.
    /// It compares `Character`s, so it is only for audreg's own text (IDs, UUIDs), never for registry
    /// data: `"\r\n"` is one Character and matches neither `"\r"` nor `"\n"`.
    func replacingAll(_ replacements: [(Character, String)]) -> String {
        var output = ""
        output.reserveCapacity(count)
        for character in self {
            if let replacement = replacements.first(where: { $0.0 == character }) {
                output += replacement.1
            } else {
                output.append(character)
            }
        }
        return output
    }
}

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
            let properties = [
                ("file", options.repositoryPath(finding.location.file)),
                ("line", String(finding.location.line)),
                ("endLine", String(max(finding.location.endLine, finding.location.line))),
                ("col", String(finding.location.column)),
                ("title", "audreg \(finding.ruleID)"),
            ].map { "\($0)=\(escapeProperty($1))" }.joined(separator: ",")
            var message = finding.message
            if let entity = finding.entity { message += " (\(entity))" }
            output += "::\(command) \(properties)::\(escapeData(message))\n"
        }
        return output
    }

    /// `%`, CR and LF are encoded in messages, as actions/toolkit does.
    public static func escapeData(_ text: String) -> String {
        text.replacingAll([("%", "%25"), ("\r", "%0D"), ("\n", "%0A")])
    }

    /// Property values additionally encode `:` and `,`, which separate properties.
    public static func escapeProperty(_ text: String) -> String {
        text.replacingAll([("%", "%25"), ("\r", "%0D"), ("\n", "%0A"), (":", "%3A"), (",", "%2C")])
    }
}

extension String {
    /// Replaces single characters in one pass, so `%` introduced by one replacement is never re-escaped.
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

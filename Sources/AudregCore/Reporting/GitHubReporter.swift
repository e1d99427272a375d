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
            // An annotation has one place; the others (the second service of a collision) are named in
            // its text, as paths that open from the workspace.
            let related = finding.related.map { related in
                "\(options.paths.github(related.location.file)):\(related.location.line):\(related.location.column)"
                    + (related.entity.map { " \($0)" } ?? "") + (related.message.map { ": \($0)" } ?? "")
            }
            if !related.isEmpty { message += "; see also " + related.joined(separator: "; ") }
            let location = finding.location
            let endLine = max(location.endLine, location.line)
            var properties = [
                ("file", options.paths.github(location.file)),
                ("line", String(location.line)),
                ("endLine", String(endLine)),
                ("col", String(location.column)),
            ]
            // GitHub reads endColumn only for an annotation on one line.
            if endLine == location.line { properties.append(("endColumn", String(max(location.endColumn, location.column)))) }
            properties.append(("title", "audreg \(finding.ruleID)"))
            // Every value, file names included, is registry data: GitHubWorkflowCommand keeps each finding
            // on exactly one line, so no value can start a workflow command of its own.
            output += GitHubWorkflowCommand.line(command, properties: properties, message: message)
        }
        // A drift run's notes name a URL, not a file: a notice without a place, encoded like the rest.
        for note in options.driftRun?.notes ?? [] {
            output += GitHubWorkflowCommand.line("notice", properties: [("title", "audreg drift note (\(note.kind))")], message: note.message)
        }
        if let replay = options.driftRun?.replayLine {
            output += GitHubWorkflowCommand.line("notice", properties: [("title", "audreg drift: offline replay")], message: replay)
        }
        // What a drift run could not read raises no annotation either: one notice per kind of check.
        if let coverage = options.driftRun?.coverage {
            for scope in [EvidenceScope.issuer, .deployment] {
                guard let gap = coverage.notAssessed(scope) else { continue }
                output += GitHubWorkflowCommand.line("notice", properties: [("title", "audreg drift: \(scope == .issuer ? "issuer" : "deployment") rules \(gap.checkedNothing ? "not assessed" : "partly assessed")")],
                                                     message: gap.reason)
            }
        }
        // A rule the policy turns off raises no annotation because it was not assessed: one notice at the
        // policy line says so, so a clean check run is not read as those rules passing.
        for rule in report.turnedOff {
            output += GitHubWorkflowCommand.line("notice", properties: [
                ("file", options.paths.github(rule.location.file)), ("line", String(rule.location.line)),
                ("col", String(rule.location.column)), ("title", "audreg \(rule.ruleID) not assessed"),
            ], message: "not assessed: the policy turns \(rule.ruleID) off, so its findings are not reported")
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
    package func replacingAll(_ replacements: [(Character, String)]) -> String {
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

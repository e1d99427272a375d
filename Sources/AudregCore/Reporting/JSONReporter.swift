/// `{"findings": [...], "summary": {...}, "suppressed": [...]}`, plus `"drift": {"checkedAt", "mode"}` from `audreg drift`. The field names are a public contract for users' scripts.
public enum JSONReporter {
    public static func render(_ report: ValidationReport, options: ReportOptions) -> String {
        var members: [(String, JSONValue)] = [
            ("findings", .array(report.findings.map { json($0, paths: options.paths) })),
            ("summary", .object([
                ("errors", .int(report.summary.errors)),
                ("warnings", .int(report.summary.warnings)),
                ("notes", .int(report.summary.notes)),
                ("suppressed", .int(report.summary.suppressed)),
            ])),
            ("suppressed", .array(report.suppressed.map { suppressed in
                var object = json(suppressed.finding, paths: options.paths)
                if case .object(var members) = object {
                    members.append(("exception", JSONValue.compactObject([
                        ("file", .string(suppressed.exceptionLocation.file)),
                        ("path", .string(options.paths.display(suppressed.exceptionLocation.file))),
                        ("line", .int(suppressed.exceptionLocation.line)),
                        ("column", .int(suppressed.exceptionLocation.column)),
                        ("expires", .string(suppressed.expires.description)),
                        ("approvedBy", .string(suppressed.approvedBy)),
                        ("ticket", suppressed.ticket.map(JSONValue.string)),
                    ])))
                    object = .object(members)
                }
                return object
            })),
        ]
        // A report cut by --max-findings says so, and what it left out: `summary` counts those too, and a
        // reader taking the listed findings as all of them (build --drift-report) must refuse it.
        if report.omittedCount > 0 {
            members.insert(("omitted", .object([
                ("errors", .int(report.omitted.errors)),
                ("warnings", .int(report.omitted.warnings)),
                ("notes", .int(report.omitted.notes)),
            ])), at: 2)
        }
        // Only when there are any, so reports of registries without them keep their bytes.
        let off = report.turnedOff
        if !off.isEmpty {
            members.append(("rulesTurnedOff", .array(off.map { rule in
                .object([
                    ("rule", .string(rule.ruleID)),
                    ("file", .string(rule.location.file)),
                    ("path", .string(options.paths.display(rule.location.file))),
                    ("line", .int(rule.location.line)),
                    ("column", .int(rule.location.column)),
                ])
            })))
        }
        if let run = options.driftRun { members.append(("drift", run.json)) }
        return JSONValue.object(members).serialized()
    }

    /// `file` is relative to the registry (the published contract); `path` opens from the current directory.
    public static func json(_ finding: Finding, paths: ReportPaths = ReportPaths()) -> JSONValue {
        .object([
            ("rule", .string(finding.ruleID)),
            ("severity", .string(finding.severity.rawValue)),
            ("message", .string(finding.message)),
            ("file", .string(finding.location.file)),
            ("path", .string(paths.display(finding.location.file))),
            ("line", .int(finding.location.line)),
            ("column", .int(finding.location.column)),
            ("endLine", .int(finding.location.endLine)),
            ("endColumn", .int(finding.location.endColumn)),
            ("entity", .optional(finding.entity?.description)),
            ("related", .array(finding.related.map { related in
                JSONValue.compactObject([
                    ("file", .string(related.location.file)),
                    ("path", .string(paths.display(related.location.file))),
                    ("line", .int(related.location.line)),
                    ("column", .int(related.location.column)),
                    ("entity", .optional(related.entity?.description)),
                    ("message", related.message.map(JSONValue.string)),
                ])
            })),
        ])
    }
}

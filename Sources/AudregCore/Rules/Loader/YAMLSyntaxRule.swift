/// Reported while reading files: the check is the YAML parser's; this rule gives it a place in the
/// catalog (docs, SARIF rules, severity overrides) and examples that the rule tests run through the loader.
public struct YAMLSyntaxRule: Rule {
    public static let description = RuleDescription(
        id: LoaderRuleID.yamlSyntax,
        name: "YAML syntax",
        defaultSeverity: .error,
        stage: .loading,
        summary: "A file is not valid YAML, not UTF-8, too large, too deeply nested, or expands aliases beyond the limit.",
        rationale: """
            A file that cannot be read completely cannot be validated: anything after the error is invisible to \
            every other rule. audreg reports where parsing stopped and keeps the documents before it.
            """,
        remediation: "Fix the YAML at the reported position; keep files UTF-8, under 16 MiB, and free of deep nesting and alias bombs.",
        references: ["YAML 1.1", "SECURITY.md (limits)"],
        controls: ["PR.PS-01"],
        triggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api
                spec↓: {}
                """),
        ],
        nonTriggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec: {}
                """),
        ])

    public init() {}
    /// Reported while reading, not over the loaded registry: the check is libyaml's parse, which this
    /// rule turns into findings below.
    public func check(_ context: RuleContext) -> [Finding] { [] }

    /// A syntax error libyaml reported (or a limit that stopped parsing), with a hint on what to do
    /// (`YAMLErrorHints`). The document it stops has no entity.
    static func finding(_ diagnostic: YAMLDiagnostic, file: String, bytes: [UInt8]) -> Finding {
        let message = YAMLErrorHints.explain(diagnostic.message, bytes: bytes, line: diagnostic.position.line, column: diagnostic.position.column)
        return Finding(ruleID: description.id, severity: .error, message: message, location: SourceLocation(file: file, start: diagnostic.position),
                       related: diagnostic.related.map { [RelatedLocation(SourceLocation(file: file, start: $0), message: "first occurrence")] } ?? [])
    }

    /// A file that could not be read at all.
    static func unreadable(_ message: String, file: String) -> Finding {
        Finding(ruleID: description.id, severity: .error, message: message, location: SourceLocation(file: file, line: 1, column: 1))
    }
}

/// Reported while reading files, by the YAML parser; examples run through the whole loader.
public struct DuplicateKeyRule: Rule {
    public static let description = RuleDescription(
        id: LoaderRuleID.duplicateKey,
        name: "Duplicate key",
        defaultSeverity: .error,
        stage: .loading,
        summary: "A key is given twice in one mapping.",
        rationale: """
            YAML libraries disagree on duplicate keys: some keep the first, some the last, some fail. A reviewer \
            may read one value while the tools use the other, so audreg keeps the first and reports the second.
            """,
        remediation: "Remove one of the two keys, or merge their values.",
        references: ["YAML 1.2 §3.2.1.1"],
        controls: ["PR.PS-01"],
        triggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec:
                  audiences: [https://orders.api.example.com]
                  ↓audiences: [https://everything.example.com]
                """),
        ],
        nonTriggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec: {audiences: [https://orders.api.example.com]}
                """),
        ])

    public init() {}
    /// Reported while reading: the parser finds the repeat, which this rule turns into a finding below.
    public func check(_ context: RuleContext) -> [Finding] { [] }

    /// A mapping that repeats a key. It sits inside a complete document, so the entity it changes is
    /// known and the finding counts against it.
    static func finding(_ diagnostic: YAMLDiagnostic, file: String, documents: [YAMLDocument]) -> Finding {
        Finding(ruleID: description.id, severity: .error, message: diagnostic.message, location: SourceLocation(file: file, start: diagnostic.position),
                entity: EntityBuilder.documentEntity(at: diagnostic.position, in: documents),
                related: diagnostic.related.map { [RelatedLocation(SourceLocation(file: file, start: $0), message: "first occurrence")] } ?? [])
    }
}

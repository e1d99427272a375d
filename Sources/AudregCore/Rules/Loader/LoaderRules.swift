/// Findings reported while reading files. Their checks live in the YAML parser and the schema checker;
/// these entries give them a place in the catalog (docs, SARIF rules, severity overrides) and examples
/// that the rule tests run through the whole loader.
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
    public func check(_ context: RuleContext) -> [Finding] { [] }
}

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
    public func check(_ context: RuleContext) -> [Finding] { [] }
}

public struct SchemaRule: Rule {
    public static let description = RuleDescription(
        id: LoaderRuleID.schema,
        name: "Schema",
        defaultSeverity: .error,
        stage: .loading,
        summary: "A document does not match audreg/v1: unknown or misspelled keys, missing required fields, wrong types, invalid names.",
        rationale: """
            A misspelled key is silently ignored by most YAML consumers, so `audiense:` would leave a service \
            without the audience its author meant to give it. Every key and value is checked against the \
            published schema, with a suggestion for near misses.
            """,
        remediation: "Fix the field as the message says; `audreg schema` prints the JSON Schema your editor can use to check as you type.",
        references: ["audreg/v1 JSON Schema (audreg schema)"],
        controls: ["PR.PS-01"],
        triggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: ↓Orders_API}
                spec:
                  ↓audiense: [https://orders.api.example.com]
                  accepts:
                    - ↓tokenTypes: [at+jwt]
                      maxLifetime: ↓15 minutes
                """),
            RuleExample("""
                apiVersion: audreg/v1
                kind: ↓Servce
                metadata: {name: orders-api}
                """),
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api, description: The repeat is a warning of its own.}
                spec:
                  audiences:
                    - https://orders.api.example.com
                    - ↓https://orders.api.example.com
                """),
        ],
        nonTriggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api, title: Orders API, labels: {tier: "1"}}
                spec:
                  audiences: [https://orders.api.example.com]
                  accepts: [{issuer: corp-idp, tokenTypes: [at+jwt], maxLifetime: 15m}]
                """),
        ])

    public init() {}
    public func check(_ context: RuleContext) -> [Finding] { [] }
}

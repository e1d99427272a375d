/// Reported while reading files, by the schema checker; examples run through the whole loader.
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
    /// Reported while reading: `SchemaChecker` compares each document with `RegistrySchema`.
    public func check(_ context: RuleContext) -> [Finding] { [] }
}

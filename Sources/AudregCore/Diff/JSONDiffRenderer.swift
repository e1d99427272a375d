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
        ] + (diff.notCompared.isEmpty ? [] : [("notCompared", .array(diff.notCompared.map(JSONValue.string)))])).serialized()
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

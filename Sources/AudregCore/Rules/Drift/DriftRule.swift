/// Drift rules are evaluated by `DriftRunner`, not by the registry validator: their `check` finds nothing.
public protocol DriftRule: Rule {}

extension DriftRule {
    public func check(_ context: RuleContext) -> [Finding] { [] }
}

/// The drift rules of one catalog and their default severities, so that no rule is listed twice.
/// `DriftRunner` gives every drift finding the severity its own catalog says; the checkers' static
/// lookup reads the built-in catalog.
public struct DriftRuleIDs: Sendable {
    public let rules: [any Rule.Type]
    let severities: [String: Severity]

    public init(catalog: RuleCatalog) {
        rules = catalog.rules.filter { $0.description.stage == .drift }
        severities = Dictionary(uniqueKeysWithValues: rules.map { ($0.description.id, $0.description.defaultSeverity) })
    }

    public static let builtIn = DriftRuleIDs(catalog: .builtIn)

    /// The rule's default severity in this catalog, or nil when this catalog has no drift rule of that ID.
    public func severity(of id: String) -> Severity? { severities[id] }

    public static var rules: [any Rule.Type] { builtIn.rules }
}

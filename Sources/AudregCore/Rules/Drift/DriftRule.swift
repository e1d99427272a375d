/// Drift rules are evaluated by `DriftRunner`, not by the registry validator: their `check` finds nothing.
public protocol DriftRule: Rule {}

extension DriftRule {
    public func check(_ context: RuleContext) -> [Finding] { [] }
}

/// The drift rules' default severities, read from the catalog so that no rule is listed twice.
public enum DriftRuleIDs {
    public static var rules: [any Rule.Type] { RuleCatalog.builtIn.rules.filter { $0.description.stage == .drift } }

    static let severities: [String: Severity] = Dictionary(
        uniqueKeysWithValues: RuleCatalog.builtIn.rules.filter { $0.description.stage == .drift }.map { ($0.description.id, $0.description.defaultSeverity) })

    public static func severity(of id: String) -> Severity { severities[id] ?? .error }
}

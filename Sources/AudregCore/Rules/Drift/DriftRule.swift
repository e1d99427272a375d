/// A rule that compares the registry with what is deployed or published, run by `DriftRunner`, not by
/// the registry validator. Every drift rule is one of the kinds whose check sees what drift read:
/// `DeploymentReadRule`, `DeploymentRule` or `IssuerRule`; each of those says that the rule finds nothing
/// in the registry alone. A type that conforms to `DriftRule` and nothing more has no check, so it does not
/// compile (unless it writes a registry check), and `RuleCatalog.driftRulesWithoutCheck` names it.
public protocol DriftRule: Rule {}

/// The drift rules of one catalog and their default severities, so that no rule is listed twice.
/// `DriftRunner` reports the findings of its own catalog's drift rules; there is no global list, so
/// nothing judges a finding by another catalog than the run's.
public struct DriftRuleIDs: Sendable {
    public let rules: [any Rule.Type]
    let severities: [String: Severity]

    public init(catalog: RuleCatalog) {
        rules = catalog.rules.filter { $0.description.stage == .drift }
        severities = Dictionary(uniqueKeysWithValues: rules.map { ($0.description.id, $0.description.defaultSeverity) })
    }

    /// The rule's default severity in this catalog, or nil when this catalog has no drift rule of that ID.
    public func severity(of id: String) -> Severity? { severities[id] }

    /// Whether this catalog has a drift rule of that ID.
    public func contains(id: String) -> Bool { severities[id] != nil }
}

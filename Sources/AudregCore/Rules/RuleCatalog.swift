/// Every rule audreg knows, sorted by ID. Adding a rule is one new file and one line here.
public struct RuleCatalog: Sendable {
    public var rules: [any Rule.Type]

    public init(rules: [any Rule.Type]) {
        self.rules = rules.sorted { $0.description.id < $1.description.id }
    }

    public static let builtIn = RuleCatalog(rules: [
        AlgorithmNotAllowedRule.self,
        AudienceCollisionRule.self,
        AudienceConfusableRule.self,
        AudienceEncodesAuthorizationRule.self,
        AudienceMissingRule.self,
        AudienceOverlapRule.self,
        AudienceTooBroadRule.self,
        AudienceWildcardRule.self,
        ClaimValueInvalidRule.self,
        ConfigAudienceBroadenedRule.self,
        ConfigAudienceNarrowedRule.self,
        ConfigAudienceUncheckedRule.self,
        ConfigIssuerMismatchRule.self,
        ConfigProviderMissingRule.self,
        ConfigTokenForwardedRule.self,
        ConfigTrustSubjectMismatchRule.self,
        ConfigTrustSubjectUnpinnedRule.self,
        ConfigValueUnresolvedRule.self,
        ConfigVerificationSkippedRule.self,
        DiscoveryIssuerMismatchRule.self,
        DiscoveryJWKSMismatchRule.self,
        DeploymentSourceMissingRule.self,
        DuplicateKeyRule.self,
        DuplicateNameRule.self,
        EnvironmentCrossingRule.self,
        ExceptionExpiredRule.self,
        ExceptionInvalidRule.self,
        ExchangeAudienceReuseRule.self,
        GatewayPassthroughRule.self,
        InsecureEndpointRule.self,
        JWKSAlgorithmMismatchRule.self,
        JWKSCertificateExpiringRule.self,
        JWKSKidProblemRule.self,
        JWKSPrivateKeyMaterialRule.self,
        JWKSUnreachableRule.self,
        JWKSWeakKeyRule.self,
        LifetimeTooLongRule.self,
        MultipleAudiencesRule.self,
        OwnerMissingRule.self,
        SchemaRule.self,
        SourceOutsideRootRule.self,
        TokenTypeUncheckedRule.self,
        UnknownReferenceRule.self,
        UnsafeCharacterRule.self,
        YAMLSyntaxRule.self,
    ])

    public var descriptions: [RuleDescription] { rules.map { $0.description } }

    /// The rules that compare a deployment's config with the registry, which `DeploymentChecker` runs.
    public var deploymentRules: [any DeploymentRule.Type] { rules.compactMap { $0 as? any DeploymentRule.Type } }

    /// The rules about a deployment whose config cannot be compared, which `DeploymentChecker` runs when reading fails.
    public var deploymentReadRules: [any DeploymentReadRule.Type] { rules.compactMap { $0 as? any DeploymentReadRule.Type } }

    /// The rules about an issuer's published documents, which `IssuerChecker` runs.
    public var issuerRules: [any IssuerRule.Type] { rules.compactMap { $0 as? any IssuerRule.Type } }

    /// The issuer rules that judge a key set's keys, which `JWKSAnalyzer` runs.
    public var keySetRules: [any KeySetRule.Type] { rules.compactMap { $0 as? any KeySetRule.Type } }

    /// Drift rules that no checker runs: of none of the kinds above. A drift rule must be one of them.
    public var driftRulesWithoutCheck: [any Rule.Type] {
        rules.filter { rule in
            rule.description.stage == .drift
                && !(rule is any DeploymentRule.Type || rule is any DeploymentReadRule.Type || rule is any IssuerRule.Type)
        }
    }

    public func rule(id: String) -> RuleDescription? {
        rules.first { $0.description.id == id }?.description
    }
}

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

    public func rule(id: String) -> RuleDescription? {
        rules.first { $0.description.id == id }?.description
    }
}

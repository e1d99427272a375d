/// HashiCorp Vault JWT/OIDC auth method roles, as JSON or YAML: the output of
/// `vault read -format=json auth/MOUNT/role/NAME` (or `-format=yaml`; the role's fields under `data`)
/// or the payload written to that path (the fields at the top). Several YAML documents (`---`) may be
/// given, and one of them may be the auth method's config (`vault read auth/MOUNT/config`:
/// `bound_issuer`, `oidc_discovery_url`, `jwks_url`, `oidc_client_id`), which then applies to every role
/// in the file.
///
/// Each role is a provider named by a `name` (or `role_name`) field beside its fields, else, for a file
/// of one role, the file's base name (`vault read … > deploy.json` gives `deploy`); also `role[<index>]`.
/// Audiences are `bound_audiences` (a list or a comma-separated string; any one matches). The issuer is
/// the config's `bound_issuer`, else its `oidc_discovery_url` (Vault requires the discovered issuer to
/// be that URL), keys its `jwks_url`; without a config in the file the issuer is a note. The workload is
/// pinned by `bound_subject` (exact) and by `bound_claims` on `sub` or a claim that names a repository or
/// project, compared exactly or, with `bound_claims_type: glob`, with `*` wildcards.
public struct VaultJWTRoleReader: DeploymentConfigReader {
    public static let kindName = "vault-jwt-role"
    public static let readsFederationTrust = true

    public let enforcer = EnforcerFacts(
        id: "vault-jwt-role", name: "HashiCorp Vault JWT/OIDC auth role", audienceFields: ["bound_audiences"],
        whenOmitted: .fallsBack(to: "refusing tokens that carry aud (Vault 1.17 and later); tokens without aud pass"), matching: .any,
        consequence: "tokens without an aud claim pass, and before Vault 1.17 every audience passes",
        reference: "https://developer.hashicorp.com/vault/api-docs/auth/jwt#bound_audiences",
        verified: "developer.hashicorp.com/vault/docs/auth/jwt (hashicorp/vault ad17418): for roles of type \"jwt\", \"the bound_audiences parameter is required when an aud claim is set\" and \"must exactly match at least one of provided aud claims\"; upgrade-to-1.17.x names the change \"JWT auth login requires bound audiences on the role\", so before 1.17 a role without bound_audiences accepted any aud",
        notes: "role_type defaults to oidc, whose ID token must also be for the auth method's oidc_client_id; vault-plugin-auth-jwt#274")

    public init() {}

    static let roleFields: Set<String> = ["role_type", "bound_audiences", "bound_subject", "bound_claims", "user_claim", "bound_claims_type", "allowed_redirect_uris"]
    static let configFields: Set<String> = ["oidc_discovery_url", "jwks_url", "jwt_validation_pubkeys", "bound_issuer", "oidc_client_id"]

    public func read(_ bytes: [UInt8], file: String, settings: DeploymentReadSettings) throws(DeploymentReadError) -> DeployedConfig {
        var roles: [(fields: YAMLNode, outer: YAMLNode)] = []
        var config: YAMLNode?
        for document in try ConfigYAML.documents(bytes, file: file) {
            let outer = document.root
            let fields = outer["data"].flatMap { $0.mapping != nil ? $0 : nil } ?? outer
            let keys = Set((fields.mapping ?? []).compactMap(\.key.scalar))
            if !keys.isDisjoint(with: Self.roleFields) {
                roles.append((fields, outer))
            } else if !keys.isDisjoint(with: Self.configFields) {
                config = fields
            }
        }
        var providers: [DeployedProvider] = []
        for (index, role) in roles.enumerated() {
            providers.append(try provider(role.fields, outer: role.outer, index: index, single: roles.count == 1, config: config, file: file))
        }
        return DeployedConfig(file: file, providers: providers,
                              providersLocation: providers.first?.location ?? SourceLocation(file: file, line: 1, column: 1),
                              providerNoun: "Vault JWT role")
    }

    func provider(_ fields: YAMLNode, outer: YAMLNode, index: Int, single: Bool, config: YAMLNode?, file: String) throws(DeploymentReadError) -> DeployedProvider {
        let at = ConfigYAML.location(fields, file: file)
        let named = [outer["name"], outer["role_name"], fields["name"], fields["role_name"]].lazy.compactMap { ConfigYAML.string($0, file: file) }.first
        let name = named ?? (single ? AWSIAMTrustPolicyReader.baseName(file).map { Located($0, at: at) } : nil) ?? Located("role[\(index)]", at: at)
        var provider = DeployedProvider(name: name, location: at)
        provider.aliases = ["role[\(index)]"]
        let roleType = fields["role_type"]?.scalar ?? "oidc"

        // Issuer and keys come from the auth method's config.
        if let config {
            // Vault's order (authType): inline keys, then jwks_url, then discovery; it refuses more than
            // one. With keys or jwks_url the issuer checked is bound_issuer; with discovery it is the
            // discovery URL's, and bound_issuer is not read at all.
            let bound = ConfigYAML.string(config["bound_issuer"], file: file).flatMap { $0.value.isEmpty ? nil : $0 }
            let discovery = ConfigYAML.string(config["oidc_discovery_url"], file: file).flatMap { $0.value.isEmpty ? nil : $0 }
            let jwks = ConfigYAML.string(config["jwks_url"], file: file).flatMap { $0.value.isEmpty ? nil : $0 }
            let inlineKeys = (ConfigYAML.strings(config["jwt_validation_pubkeys"], file: file) ?? []).filter { !$0.value.isEmpty }
            let sources = [inlineKeys.isEmpty ? nil : "jwt_validation_pubkeys", jwks.map { _ in "jwks_url" }, discovery.map { _ in "oidc_discovery_url" }].compactMap { $0 }
            if sources.count > 1 {
                throw DeploymentReadError("the auth method's config sets \(sources.joined(separator: " and ")); Vault accepts exactly one of them",
                                          at: ConfigYAML.location(config, file: file))
            }
            if let first = inlineKeys.first {
                provider.issuer = bound
                provider.unresolved.append(UnresolvedValue(setting: "keys", placeholder: "jwt_validation_pubkeys", location: first.location,
                                                           reason: "are the inline jwt_validation_pubkeys, which drift does not compare with the issuer's key set"))
            } else if let jwks {
                provider.issuer = bound
                provider.jwksUri = jwks
            } else {
                provider.issuer = discovery ?? bound
            }
        } else {
            provider.unresolved.append(UnresolvedValue(setting: "issuer", placeholder: "auth/MOUNT/config", location: at,
                                                       reason: "is the auth method's (bound_issuer or oidc_discovery_url of auth/<mount>/config), which this file does not hold, so it was not compared"))
        }

        // Audiences.
        let audiencesKey = ConfigYAML.keyNode(fields, "bound_audiences").map { ConfigYAML.location($0, file: file) }
        let audiences = (ConfigYAML.strings(fields["bound_audiences"], file: file) ?? []).filter { !$0.value.isEmpty }
        provider.audiencesLocation = audiencesKey ?? at
        if !audiences.isEmpty {
            provider.setAudiences(audiences)
        } else if roleType == "oidc" {
            if let clientID = config.flatMap({ ConfigYAML.string($0["oidc_client_id"], file: file) }), !clientID.value.isEmpty {
                provider.setAudiences([clientID])
                provider.audiencesLocation = clientID.location
            } else {
                provider.unresolved.append(UnresolvedValue(setting: "audiences", placeholder: "oidc_client_id", location: audiencesKey ?? at,
                                                           reason: "are the auth method's oidc_client_id for an oidc role without bound_audiences, which this file does not hold, so they were not compared"))
            }
        }

        // The workload: bound_subject, and bound_claims on sub or a claim naming a repository or project.
        var conditions: [DeployedTrust.Condition] = []
        if let subject = ConfigYAML.string(fields["bound_subject"], file: file), !subject.value.isEmpty {
            conditions.append(DeployedTrust.Condition(field: "bound_subject", patterns: [DeployedTrust.Pattern(claim: "sub", value: subject, isGlob: false)],
                                                      location: subject.location))
        }
        let glob = fields["bound_claims_type"]?.scalar == "glob"
        for pair in fields["bound_claims"]?.mapping ?? [] {
            guard let claim = pair.key.scalar, DeployedTrust.identityClaims.contains(claim) else { continue }
            let values = (pair.value.sequence ?? [pair.value]).compactMap { ConfigYAML.string($0, file: file) }
            conditions.append(DeployedTrust.Condition(field: "bound_claims \(claim)\(glob ? " (glob)" : "")",
                                                      patterns: values.map { DeployedTrust.Pattern(claim: claim, value: $0, isGlob: glob) },
                                                      location: ConfigYAML.location(pair.key, file: file)))
        }
        let claimsKey = ConfigYAML.keyNode(fields, "bound_claims") ?? ConfigYAML.keyNode(fields, "bound_subject")
        provider.trust = DeployedTrust(conditions: conditions, location: claimsKey.map { ConfigYAML.location($0, file: file) } ?? at,
                                       subjectField: "bound_subject or bound_claims on sub")
        return provider
    }
}

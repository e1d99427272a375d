/// Azure API Management policy documents (`<policies>` with `<inbound>`, a policy `<fragment>`, or a
/// policy on its own) in the escaped XML form (`format: xml`) or the `rawxml` form, read with libexpat
/// (`ConfigXML`, `RawPolicyXML`):
///
/// - `<validate-jwt>`: `<audiences><audience>`, `<issuers><issuer>`, `<openid-config url>` (APIM takes
///   the issuer and keys from that discovery document when no `<issuers>` are listed, so its URL is
///   the issuer compared), and `<required-claims><claim name="aud">` when no `<audiences>` are given.
/// - `<validate-azure-ad-token>`: `<audiences>`; the issuer is the Microsoft Entra tenant's
///   (`tenant-id`), whose URL depends on the token version, so it is noted and not compared.
///
/// Each policy is a provider named `<policy>[<index>]` (counted per policy name in document order),
/// also selected by the policy name alone and by its `output-token-variable-name`. A value that is a
/// policy expression (`@(…)`, `@{…}`) or uses a named value (`{{name}}`) is known only at run time
/// or in the instance: it is never compared, and is reported as unresolved. A policy inside a
/// `<choose>` branch (`<when condition>`, `<otherwise>`) validates only the requests that branch
/// selects: `config-verification-skipped`, as a token that is optional.
public struct AzureAPIManagementReader: DeploymentConfigReader {
    public static let kindName = "azure-apim-policy"

    public let enforcer = EnforcerFacts(
        id: "azure-apim-validate-jwt", name: "Azure API Management validate-jwt policy",
        audienceFields: ["<validate-jwt><audiences><audience>", "<required-claims><claim name=\"aud\">"],
        whenOmitted: .unchecked, whenEmpty: .required, matching: .any,
        reference: "https://learn.microsoft.com/en-us/azure/api-management/validate-jwt-policy",
        verified: "the policy page's Elements table (MicrosoftDocs/azure-docs articles/api-management/validate-jwt-policy.md): audiences is \"Required: No\" with no default, \"each value is tried until … one succeeds\", and \"At least one audience must be specified\" when the element is present; its Entra customer-tenant example has no <audiences>. The page does not say in words that an omitted list is unchecked",
        notes: "an empty <audiences> is refused (at least one audience); policy expressions @(…) and named values {{…}} are resolved by the gateway, not by audreg")

    static let azureADToken = EnforcerFacts(
        id: "azure-apim-validate-azure-ad-token", name: "Azure API Management validate-azure-ad-token policy",
        audienceFields: ["<validate-azure-ad-token><audiences><audience>"],
        whenOmitted: .unchecked, whenEmpty: .required, matching: .any,
        consequence: "only the tenant and client-application-ids (the calling app, not the audience) are checked, so tokens the tenant minted for other APIs are accepted",
        reference: "https://learn.microsoft.com/en-us/azure/api-management/validate-azure-ad-token-policy",
        verified: "the policy page's Elements table (articles/api-management/validate-azure-ad-token-policy.md): audiences \"Required: No\", client-application-ids \"Required: Yes\"",
        notes: "what the gateway checks instead when <audiences> is omitted is not documented beyond client-application-ids and backend-application-ids")

    public var otherEnforcers: [EnforcerFacts] { [Self.azureADToken] }

    public init() {}

    static let policies: Set<String> = ["validate-jwt", "validate-azure-ad-token"]

    /// A policy document with one of the policies is this kind's even when APIM would refuse it.
    public func detects(_ bytes: [UInt8], file: String) -> Bool {
        guard let root = try? ConfigXML.parse(bytes, file: file) else { return false }
        return !root.elements(named: Self.policies).isEmpty
    }

    public func read(_ bytes: [UInt8], file: String, settings: DeploymentReadSettings) throws(DeploymentReadError) -> DeployedConfig {
        let root = try ConfigXML.parse(bytes, file: file)
        var counts: [String: Int] = [:]
        var providers: [DeployedProvider] = []
        var requirements: [DeployedRequirement] = []
        for (policy, ancestors) in root.elementsWithAncestors(named: Self.policies) {
            let index = counts[policy.name, default: 0]
            counts[policy.name] = index + 1
            var provider = DeployedProvider(name: Located("\(policy.name)[\(index)]", at: policy.location), location: policy.location)
            provider.aliases = [policy.name] + [policy.attribute("output-token-variable-name")?.value].compactMap { $0 }
            try Self.readAudiences(policy, into: &provider)
            if policy.name == "validate-jwt" {
                Self.readIssuers(policy, into: &provider)
                Self.readKeySources(policy, into: &provider)
            } else {
                provider.enforcer = Self.azureADToken.id
                let tenant = policy.attribute("tenant-id")
                if let tenant, !Self.isUnresolved(tenant.value) { provider.aliases.append(tenant.value) }
                provider.unresolved.append(UnresolvedValue(
                    setting: "issuer", placeholder: "tenant-id", location: tenant?.location ?? policy.location,
                    reason: "is that of the Microsoft Entra tenant \(tenant.map { "'\($0.value)'" } ?? "the policy does not name (no tenant-id)"), and its URL depends on the token version (login.microsoftonline.com/…/v2.0 or sts.windows.net/…/), so it was not compared"))
            }
            providers.append(provider)
            // Inside <choose>, the policy runs only for requests its branch selects; the others pass
            // without a token, as Envoy's allow_missing lets them.
            if let branch = ancestors.last(where: { $0.name == "when" || $0.name == "otherwise" }), let name = provider.name {
                let condition = branch.attribute("condition").map { " condition=\"\($0.value)\"" } ?? ""
                var requirement = DeployedRequirement(mode: .optional, label: "\(name.value) inside <\(branch.name)\(condition)>", location: branch.location,
                                                      providers: [DeployedRequirement.ProviderUse(name: name, audiences: nil, audiencesLocation: nil)])
                requirement.explanation = "runs only when its <choose> branch is taken, so requests the branch does not select pass without a token"
                requirements.append(requirement)
            }
        }
        var config = DeployedConfig(file: file, providers: providers,
                                    providersLocation: providers.first?.location ?? root.location,
                                    providerNoun: "API Management policy")
        config.requirements = requirements
        return config
    }

    static func readAudiences(_ policy: ConfigXMLElement, into provider: inout DeployedProvider) throws(DeploymentReadError) {
        var values: [Located<String>]
        if let audiences = policy.child("audiences") {
            provider.audiencesLocation = audiences.location
            values = audiences.children("audience").compactMap(\.text)
            guard !values.isEmpty else {
                throw DeploymentReadError("\(provider.name?.value ?? policy.name) has an empty <audiences>: the policy needs at least one <audience> and API Management refuses it",
                                          at: audiences.location)
            }
        } else if let claim = policy.child("required-claims")?.children("claim").first(where: { $0.attribute("name")?.value.isExactly("aud") == true }) {
            // A required aud claim checks the audience as <audiences> would.
            provider.audiencesLocation = claim.location
            values = claim.children("value").compactMap(\.text)
        } else {
            return
        }
        if let unresolved = values.first(where: { isUnresolved($0.value) }) {
            provider.unresolved.append(UnresolvedValue(setting: "audiences", placeholder: unresolved.value, location: unresolved.location,
                                                       reason: "use \(unresolved.value), \(describe(unresolved.value)), so they were not compared"))
        } else {
            provider.setAudiences(values)
        }
    }

    static func readIssuers(_ policy: ConfigXMLElement, into provider: inout DeployedProvider) {
        var values = policy.child("issuers")?.children("issuer").compactMap(\.text) ?? []
        // Without <issuers>, the issuer is the one the discovery document names.
        if values.isEmpty { values = policy.children("openid-config").compactMap { $0.attribute("url") } }
        if let unresolved = values.first(where: { isUnresolved($0.value) }) {
            provider.unresolved.append(UnresolvedValue(setting: "issuer", placeholder: unresolved.value, location: unresolved.location,
                                                       reason: "uses \(unresolved.value), \(describe(unresolved.value)), so it was not compared"))
            return
        }
        provider.issuer = values.first
        provider.extraIssuers = Array(values.dropFirst())
    }

    /// Where validate-jwt takes its keys from, and whether it needs a signature at all. Keys from inline
    /// `<issuer-signing-keys>` or from an `<openid-config>` other than a listed issuer's own discovery
    /// document are not compared; `require-signed-tokens="false"` accepts unsigned tokens.
    static func readKeySources(_ policy: ConfigXMLElement, into provider: inout DeployedProvider) {
        if let signed = policy.attribute("require-signed-tokens") {
            if isUnresolved(signed.value) {
                provider.unresolved.append(UnresolvedValue(setting: "keys", placeholder: signed.value, location: signed.location,
                                                           reason: "depend on require-signed-tokens, which uses \(signed.value), \(describe(signed.value)), so whether a signature is required was not judged"))
            } else if ASCII.lowercased(signed.value).isExactly("false") {
                provider.verifiesNothing = Located("sets require-signed-tokens=\"false\", so API Management accepts unsigned tokens, which anyone can write with any issuer and audience", at: signed.location)
            }
        }
        if let keys = policy.child("issuer-signing-keys") {
            provider.unresolved.append(UnresolvedValue(setting: "keys", placeholder: "issuer-signing-keys", location: keys.location,
                                                       reason: "include the inline <issuer-signing-keys>, which drift does not compare with the issuer's key set"))
        }
        let issuers = policy.child("issuers")?.children("issuer").compactMap(\.text) ?? []
        guard !issuers.isEmpty else { return }
        for config in policy.children("openid-config") {
            guard let url = config.attribute("url") else { continue }
            let own = issuers.contains { URLParts.discoveryURL(issuer: $0.value).isExactly(url.value) }
            if !own {
                provider.unresolved.append(UnresolvedValue(setting: "keys", placeholder: "openid-config", location: url.location,
                                                           reason: "come from <openid-config url=\"\(url.value)\">, which is not the discovery document of a listed issuer, and drift does not compare that source"))
            }
        }
    }

    /// A policy expression (`@(…)`, `@{…}`) or a value with a named value (`{{name}}`). On bytes, as
    /// API Management reads them: `@(` followed by a combining mark is still an expression.
    static func isUnresolved(_ value: String) -> Bool {
        value.hasBytePrefix("@(") || value.hasBytePrefix("@{") || (value.hasSubstring("{{") && value.hasSubstring("}}"))
    }

    static func describe(_ value: String) -> String {
        value.hasBytePrefix("@") ? "a policy expression evaluated per request" : "an API Management named value, defined in the instance"
    }
}

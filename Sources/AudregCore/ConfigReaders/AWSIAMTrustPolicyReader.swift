/// AWS IAM role trust policies for OIDC identity providers (workload-identity federation), in JSON or
/// YAML: a bare trust policy (`{"Version": …, "Statement": […]}`), `aws iam get-role` output
/// (`Role.AssumeRolePolicyDocument`), `aws iam list-roles` output (`Roles[]`), and CloudFormation
/// templates (`AWS::IAM::Role` resources' `Properties.AssumeRolePolicyDocument`, YAML with short-form
/// tags or JSON).
///
/// Each `Allow` statement whose `Action` includes `sts:AssumeRoleWithWebIdentity` is a provider per
/// `Principal.Federated` entry: `arn:aws:iam::ACCOUNT:oidc-provider/HOST[/PATH]` trusts the issuer
/// `https://HOST[/PATH]`; a web identity provider named directly (`accounts.google.com`) is its own
/// host. The statement's `Condition` keys `HOST[/PATH]:aud` and `HOST[/PATH]:sub` (key names are
/// case-insensitive in IAM) give the audiences and the subject patterns: `StringEquals` compares
/// exactly, `StringLike` with `*` and `?` wildcards; `ForAnyValue:` and `…IfExists` are read like the
/// plain operator; `ForAllValues:` conditions pin nothing (they pass when the claim is absent), nor do
/// the negated operators. A provider is named by the role (its `RoleName`, or the CloudFormation logical
/// ID), also by the statement's `Sid`, `Statement[<index>]`, the role's ARN and, for a bare policy, the
/// file's base name.
///
/// A `Federated` value drift cannot read (`!Ref`, `!GetAtt`) takes its host from the condition keys;
/// with none, the issuer is a note. `${…}` in a condition value is a CloudFormation substitution:
/// such values are notes and not compared.
public struct AWSIAMTrustPolicyReader: DeploymentConfigReader {
    public static let kindName = "aws-iam-trust-policy"
    public static let readsFederationTrust = true

    public let enforcer = EnforcerFacts(
        id: "aws-iam-oidc-trust", name: "AWS IAM role trust policy for an OIDC provider (sts:AssumeRoleWithWebIdentity)",
        audienceFields: ["Condition StringEquals/StringLike \"HOST:aud\"", "the IAM OIDC provider's ClientIDList"],
        whenOmitted: .fallsBack(to: "the IAM OIDC provider's client ID list (ClientIDList), which the trust policy does not show"),
        matching: .any,
        consequence: "any audience registered on the IAM OIDC provider passes, so a token minted for another of its client IDs assumes the role",
        reference: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html",
        verified: "IAM API GetOpenIDConnectProvider: ClientIDList is \"a list of client IDs (also known as audiences) that are associated with the specified IAM OIDC provider\"; configure-aws-credentials README: \"Without any condition, any GitHub user or repository could potentially assume the role\" and ForAllValues \"return true when the claim is absent\"",
        notes: "the sub condition decides which workloads may assume the role (config-trust-subject-unpinned); IAM requires it for new roles trusting shared providers such as GitHub (identity-provider controls)")

    public init() {}

    /// One policy document and the role it belongs to.
    struct Policy {
        var document: YAMLNode
        var role: Located<String>?
        var aliases: [String]
    }

    public func read(_ bytes: [UInt8], file: String, settings: DeploymentReadSettings) throws(DeploymentReadError) -> DeployedConfig {
        var policies: [Policy] = []
        let base = Self.baseName(file)
        for document in try ConfigYAML.documents(bytes, file: file) {
            let root = document.root
            if root["Statement"] != nil {
                // A bare policy is usually saved under its role's name (deploy-role.json).
                policies.append(Policy(document: root, role: base.map { Located($0, at: ConfigYAML.location(root, file: file)) }, aliases: []))
            }
            if let role = root["Role"] { policies += Self.rolePolicies([role], file: file) }
            if let roles = root["Roles"]?.sequence { policies += Self.rolePolicies(roles, file: file) }
            for pair in root["Resources"]?.mapping ?? [] where pair.value["Type"]?.scalar == "AWS::IAM::Role" {
                guard let document = pair.value["Properties"]?["AssumeRolePolicyDocument"], let logical = ConfigYAML.string(pair.key, file: file) else { continue }
                let roleName = ConfigYAML.string(pair.value["Properties"]?["RoleName"], file: file).flatMap { $0.value.contains("${") || $0.value.isEmpty ? nil : $0 }
                policies.append(Policy(document: document, role: roleName ?? logical, aliases: [logical.value]))
            }
        }
        var providers: [DeployedProvider] = []
        for policy in policies { providers += try Self.providers(policy, file: file) }
        return DeployedConfig(file: file, providers: providers,
                              providersLocation: providers.first?.location ?? SourceLocation(file: file, line: 1, column: 1),
                              providerNoun: "IAM role trust")
    }

    static func baseName(_ file: String) -> String? {
        let name = file.splitOnScalar("/").last ?? file
        let stem = name.splitOnScalar(".").first ?? name
        return stem.isEmpty ? nil : stem
    }

    static func rolePolicies(_ roles: [YAMLNode], file: String) -> [Policy] {
        roles.compactMap { role in
            guard let document = role["AssumeRolePolicyDocument"] else { return nil }
            let name = ConfigYAML.string(role["RoleName"], file: file)
            return Policy(document: document, role: name, aliases: [role["Arn"]?.scalar].compactMap { $0 })
        }
    }

    /// The values of a string-or-list field.
    static func values(_ node: YAMLNode?) -> [YAMLNode] {
        guard let node, !node.isNull else { return [] }
        return node.sequence ?? [node]
    }

    static func providers(_ policy: Policy, file: String) throws(DeploymentReadError) -> [DeployedProvider] {
        let document = policy.document
        if document.scalar != nil, !document.isNull {
            throw DeploymentReadError("AssumeRolePolicyDocument is a string (URL-encoded JSON, as the IAM API returns it); decode it first, or use the AWS CLI's output, which decodes it",
                                      at: ConfigYAML.location(document, file: file))
        }
        var result: [DeployedProvider] = []
        for (index, statement) in values(document["Statement"]).enumerated() {
            guard statement.mapping != nil else { continue }
            guard (statement["Effect"]?.scalar ?? "Allow") == "Allow" else { continue }
            guard Self.admitsWebIdentity(statement) else { continue }
            let sid = statement["Sid"]?.scalar
            let conditions = statement["Condition"]
            for federated in values(statement["Principal"]?["Federated"]) {
                let at = ConfigYAML.location(federated, file: file)
                // `!Ref` and `!GetAtt` name a resource, not a provider; `!Sub` is the ARN with substitutions.
                let readable = federated.tag == nil || federated.tag == "!Sub"
                let host = readable ? federated.scalar.flatMap(Self.host(federated:)) : nil
                // Hosts named by the condition keys, for a Federated value drift cannot read.
                let keyHosts = Set(conditionEntries(conditions, file: file).map(\.host))
                guard let host = host ?? (keyHosts.count == 1 ? keyHosts.first : nil) else {
                    var provider = DeployedProvider(name: policy.role ?? Located(sid ?? "Statement[\(index)]", at: at), location: at)
                    provider.aliases = [sid, "Statement[\(index)]"].compactMap { $0 } + policy.aliases
                    provider.unresolved.append(UnresolvedValue(setting: "issuer", placeholder: "Principal.Federated", location: at,
                                                               reason: "is an OIDC provider drift cannot name (a reference or function), and no condition key names its host, so it was not compared"))
                    provider.unresolved.append(UnresolvedValue(setting: "audiences", placeholder: "Condition", location: at,
                                                               reason: "are conditions on the provider's aud key, which cannot be found without its host, so they were not compared"))
                    result.append(provider)
                    continue
                }
                let conditionsAt = ConfigYAML.keyNode(statement, "Condition") ?? statement
                result.append(provider(host: host, federated: federated, conditions: conditions, conditionsAt: ConfigYAML.location(conditionsAt, file: file),
                                       policy: policy, sid: sid, index: index, file: file))
            }
        }
        return result
    }

    static let webIdentityAction = Array("sts:assumerolewithwebidentity".utf8)

    /// Whether the statement allows `sts:AssumeRoleWithWebIdentity`: an `Action` pattern matches it, or a
    /// `NotAction` list leaves it out. IAM matches actions without regard to case, with `*` and `?`
    /// (`sts:AssumeRole*`, `sts:Assume?oleWithWebIdentity`).
    static func admitsWebIdentity(_ statement: YAMLNode) -> Bool {
        if statement["Action"] != nil {
            return values(statement["Action"]).contains { $0.scalar.map { actionMatches(pattern: $0) } ?? false }
        }
        if statement["NotAction"] != nil {
            return !values(statement["NotAction"]).contains { $0.scalar.map { actionMatches(pattern: $0) } ?? true }
        }
        return false
    }

    /// A case-insensitive (ASCII) glob match of `pattern` against sts:AssumeRoleWithWebIdentity.
    static func actionMatches(pattern: String) -> Bool {
        let pattern = pattern.utf8.map(ASCII.lowercased)
        let target = webIdentityAction
        var p = 0, t = 0, star = -1, resume = 0
        while t < target.count {
            if p < pattern.count, pattern[p] == UInt8(ascii: "?") || pattern[p] == target[t] {
                p += 1; t += 1
            } else if p < pattern.count, pattern[p] == UInt8(ascii: "*") {
                star = p; resume = t; p += 1
            } else if star >= 0 {
                p = star + 1; resume += 1; t = resume
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.count
    }

    /// `arn:PARTITION:iam::ACCOUNT:oidc-provider/HOST[/PATH]` → `HOST[/PATH]`; a bare provider name
    /// (`accounts.google.com`) is its own host; a CloudFormation substitution before the host is fine.
    static func host(federated value: String) -> String? {
        if let range = value.range(of: ":oidc-provider/") {
            let host = String(value[range.upperBound...])
            return host.isEmpty || host.contains("${") ? nil : host
        }
        guard !value.hasPrefix("arn:"), !value.contains("${"), value.contains("."), !value.contains(" ") else { return nil }
        return value
    }

    /// IAM matches condition key names without ASCII case; otherwise byte for byte.
    static func sameKey(_ a: String, _ b: String) -> Bool {
        func lower(_ byte: UInt8) -> UInt8 { (65...90).contains(byte) ? byte + 32 : byte }
        return a.utf8.count == b.utf8.count && zip(a.utf8, b.utf8).allSatisfy { lower($0) == lower($1) }
    }

    /// One `Operator: {HOST:claim: value(s)}` entry of a Condition block.
    struct ConditionEntry {
        var op: String
        var key: YAMLNode
        var host: String
        var claim: String
        var values: [Located<String>]
        /// Whether the operator pins what it names: positive, and not `ForAllValues:`.
        var positive: Bool
        var isGlob: Bool
        /// `StringLikeIfExists` and the like pass when the key is not in the request.
        var ifExists: Bool
    }

    static func conditionEntries(_ conditions: YAMLNode?, file: String) -> [ConditionEntry] {
        var entries: [ConditionEntry] = []
        for pair in conditions?.mapping ?? [] {
            guard let op = pair.key.scalar else { continue }
            // On scalars and bytes: a `Character` view would join a combining mark to the `:` or the
            // operator's last letter, and `String ==` takes canonically equivalent text as the same.
            var base = op.unicodeScalars[...]
            var positive = true
            var ifExists = false
            func strip(prefix: String) -> Bool {
                guard String(base).hasBytePrefix(prefix) else { return false }
                base = base.dropFirst(prefix.unicodeScalars.count)
                return true
            }
            _ = strip(prefix: "ForAnyValue:")
            if strip(prefix: "ForAllValues:") { positive = false }
            if String(base).hasByteSuffix("IfExists") { base = base.dropLast("IfExists".unicodeScalars.count); ifExists = true }
            let name = String(base)
            let isGlob = name.isExactly("StringLike")
            if !["StringEquals", "StringLike", "StringEqualsIgnoreCase"].contains(where: { $0.isExactly(name) }) { positive = false }
            for entry in pair.value.mapping ?? [] {
                guard let key = entry.key.scalar, let colon = key.unicodeScalars.lastIndex(of: ":") else { continue }
                let values = Self.values(entry.value).compactMap { ConfigYAML.string($0, file: file) }
                let claim = ASCII.lowercased(String(key.unicodeScalars[key.unicodeScalars.index(after: colon)...]))
                entries.append(ConditionEntry(op: op, key: entry.key, host: String(key.unicodeScalars[..<colon]), claim: claim,
                                              values: values, positive: positive, isGlob: isGlob, ifExists: ifExists))
            }
        }
        return entries
    }

    static func provider(host: String, federated: YAMLNode, conditions: YAMLNode?, conditionsAt conditionsKey: SourceLocation,
                         policy: Policy, sid: String?, index: Int, file: String) -> DeployedProvider {
        let at = ConfigYAML.location(federated, file: file)
        var provider = DeployedProvider(name: policy.role ?? Located(sid ?? "Statement[\(index)]", at: at), location: at)
        provider.aliases = [sid, "Statement[\(index)]"].compactMap { $0 } + policy.aliases + [host]
        provider.issuer = Located("https://" + host, at: at)
        provider.issuerCaveat = nil
        let entries = conditionEntries(conditions, file: file).filter { sameKey($0.host, host) && $0.positive }

        // Audiences: the values of the aud conditions. A substitution is not compared.
        let audienceEntries = entries.filter { $0.claim == "aud" }
        provider.audiencesLocation = audienceEntries.first.map { ConfigYAML.location($0.key, file: file) } ?? conditionsKey
        let audiences = audienceEntries.flatMap(\.values)
        if let substituted = audiences.first(where: { $0.value.contains("${") }) {
            provider.unresolved.append(UnresolvedValue(setting: "audiences", placeholder: substituted.value, location: substituted.location,
                                                       reason: "use a CloudFormation substitution (\(substituted.value)), so they were not compared"))
        } else if let everything = audienceEntries.first(where: { $0.isGlob && $0.values.contains { $0.value.unicodeScalars.allSatisfy { $0 == "*" } } }),
                  let value = everything.values.first(where: { $0.value.unicodeScalars.allSatisfy { $0 == "*" } }) {
            provider.audienceCaveat = Located("its \(everything.op) condition on \(host):aud is '\(value.value)', which admits every audience", at: value.location)
        } else if !audienceEntries.isEmpty {
            provider.setAudiences(audiences)
        }

        // Subjects: conditions on sub and on the claims that name a workload. Of these IAM evaluates only
        // `sub` for an OIDC provider (its condition keys are aud, sub and amr, not the token's custom
        // claims such as GitHub's repository or job_workflow_ref), and an IfExists operator passes when
        // the key is absent: such conditions are kept, so that findings name them, but pin nothing.
        var trustConditions: [DeployedTrust.Condition] = []
        var unresolvedSubject = false
        for entry in entries where DeployedTrust.identityClaims.contains(entry.claim) {
            let notPinning: String?
            if !entry.claim.isExactly("sub") {
                notPinning = "IAM has no condition key for the token's '\(entry.claim)' claim (only aud and sub for an OIDC provider), so it does not pin the workload"
            } else if entry.ifExists {
                notPinning = "the \(entry.op) operator passes when the key is absent, so it does not pin the workload"
            } else {
                notPinning = nil
            }
            let patterns = entry.values.map { DeployedTrust.Pattern(claim: entry.claim, value: $0, isGlob: entry.isGlob) }
            if let substituted = entry.values.first(where: { $0.value.contains("${") }) {
                provider.unresolved.append(UnresolvedValue(setting: "\(host):\(entry.claim)", placeholder: substituted.value, location: substituted.location,
                                                           reason: "uses a CloudFormation substitution (\(substituted.value)), so the subject was not compared"))
                unresolvedSubject = true
            }
            trustConditions.append(DeployedTrust.Condition(field: "\(entry.op) \(host):\(entry.claim)", patterns: patterns,
                                                           location: ConfigYAML.location(entry.key, file: file), notPinning: notPinning))
        }
        provider.trust = DeployedTrust(conditions: trustConditions, location: conditionsKey, subjectField: "condition on \(host):sub")
        provider.trust?.subjectsUnresolved = unresolvedSubject
        return provider
    }
}

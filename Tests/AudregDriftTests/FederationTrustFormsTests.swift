import Foundation
import Testing
@testable import AudregCore
@testable import AudregDrift
import AudregTestHelpers

/// The forms the federation-trust readers understand (AWS IAM trust policies, Vault JWT roles), what
/// each does when the audience is left out, and what counts as a wildcard subject.
@Suite("Drift: federation trust forms")
struct FederationTrustFormsTests {
    static func policy(_ condition: String, federated: String = "\"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com\"",
                       action: String = "\"sts:AssumeRoleWithWebIdentity\"") -> [UInt8] {
        Array("""
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": \(federated)},
              "Action": \(action), "Condition": \(condition)}]}
            """.utf8)
    }

    static func pattern(_ value: String, claim: String = "sub", glob: Bool = true) -> DeployedTrust.Pattern {
        DeployedTrust.Pattern(claim: claim, value: Located(value, at: SourceLocation(file: "t", line: 1, column: 1)), isGlob: glob)
    }

    @Test("what counts as a wildcard subject: a wildcard in the part that names the repository, project or service account")
    func wildcards() {
        for unpinned in ["*", "repo:*", "repo:acme/*", "repo:acme/deploy*", "repo:*/deploy:ref:refs/heads/main", "repo:acme?deploy:*",
                         "project_path:platform/*:ref_type:branch:ref:main", "system:serviceaccount:*:default", "system:serviceaccount:ns:*", "*@example.com",
                         // A combining mark after the ':' makes one Character of ":\u{301}", which a
                         // String prefix test would not see as "repo:"; IAM matches scalars.
                         "repo:\u{301}*"] {
            #expect(FederationSubject.unpinnedReason(Self.pattern(unpinned)) != nil, "\(unpinned)")
        }
        for pinned in ["repo:acme/deploy:*", "repo:acme/deploy:ref:refs/heads/*", "repo:acme/deploy:environment:prod",
                       "project_path:platform/orders:ref_type:branch:ref:*", "system:serviceaccount:orders:orders-api", "user-*"] {
            #expect(FederationSubject.unpinnedReason(Self.pattern(pinned)) == nil, "\(pinned)")
        }
        // Exact comparisons have no wildcards: StringEquals "repo:acme/*" admits only that literal text.
        #expect(FederationSubject.unpinnedReason(Self.pattern("repo:acme/*", glob: false)) == nil)
        #expect(FederationSubject.unpinnedReason(Self.pattern("acme/*", claim: "repository")) != nil)
        #expect(FederationSubject.unpinnedReason(Self.pattern("acme/deploy", claim: "repository")) == nil)
        #expect(FederationSubject.unpinnedReason(Self.pattern("acme/deploy/.github/workflows/*.yml@*", claim: "job_workflow_ref")) == nil)
        #expect(FederationSubject.unpinnedReason(Self.pattern("acme/*/.github/workflows/deploy.yml@refs/heads/main", claim: "job_workflow_ref")) != nil)
    }

    @Test("AWS: issuer from the OIDC provider ARN, aud and sub from its condition keys, byte for byte")
    func awsBasics() throws {
        let config = try AWSIAMTrustPolicyReader().read(Self.policy("""
            {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "other.example.com:sub": "ignored"},
             "StringLike": {"token.actions.githubusercontent.com:sub": ["repo:acme/deploy:ref:refs/heads/main", "repo:acme/deploy:environment:*"]}}
            """), file: "roles/deploy-role.json")
        let provider = try #require(config.providers.first)
        #expect(config.providers.count == 1)
        #expect(provider.name?.value == "deploy-role" && provider.isNamed("Statement[0]"))
        #expect(provider.issuer?.value == "https://token.actions.githubusercontent.com")
        #expect(provider.audiences?.map(\.value) == [ExactString("sts.amazonaws.com")])
        let trust = try #require(provider.trust)
        #expect(trust.subjects.map(\.value.value.text) == ["repo:acme/deploy:ref:refs/heads/main", "repo:acme/deploy:environment:*"])
        #expect(trust.subjects.allSatisfy(\.isGlob) && trust.isPinned)
        #expect(provider.location.line == 1 && trust.subjects[0].value.location.line == 3)

        // An issuer path, another partition, a list of actions, and key names in another case (IAM
        // compares condition keys without case).
        let eks = try AWSIAMTrustPolicyReader().read(Self.policy("""
            {"StringEqualsIfExists": {"oidc.eks.eu-west-1.amazonaws.com/id/ABC:Aud": "sts.amazonaws.com",
                                      "oidc.eks.eu-west-1.amazonaws.com/id/ABC:Sub": "system:serviceaccount:ns:sa"}}
            """, federated: "\"arn:aws-cn:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC\"",
                 action: "[\"sts:TagSession\", \"sts:AssumeRoleWithWebIdentity\"]"), file: "eks.json")
        #expect(eks.providers.first?.issuer?.value == "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC")
        #expect(eks.providers.first?.audiences?.count == 1)
        #expect(eks.providers.first?.trust?.isPinned == false, "StringEqualsIfExists passes when the key is absent, so it pins nothing")

        // Statements that are not web-identity trusts give no provider.
        #expect(try AWSIAMTrustPolicyReader().read(Self.policy("{}", action: "\"sts:AssumeRole\""), file: "x.json").providers.isEmpty)
        #expect(!AWSIAMTrustPolicyReader().detects(Array("{\"Version\": \"2012-10-17\", \"Statement\": []}".utf8), file: "x.json"))
    }

    @Test("AWS: only a sub condition without IfExists pins the workload; IAM has no condition key for GitHub's repository or job_workflow_ref")
    func awsPinningClaims() throws {
        func trust(_ condition: String) throws -> DeployedTrust {
            try #require(try AWSIAMTrustPolicyReader().read(Self.policy(condition), file: "t.json").providers.first?.trust)
        }
        let byRepository = try trust("""
            {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "token.actions.githubusercontent.com:repository": "acme/deploy",
                              "token.actions.githubusercontent.com:job_workflow_ref": "acme/deploy/.github/workflows/d.yml@refs/heads/main"},
             "StringLike": {"token.actions.githubusercontent.com:sub": "repo:*"}}
            """)
        #expect(!byRepository.isPinned)
        #expect(byRepository.conditions.compactMap(\.notPinning).count == 2)
        let ifExists = try trust("""
            {"StringLikeIfExists": {"token.actions.githubusercontent.com:sub": "repo:acme/deploy:*"}}
            """)
        #expect(!ifExists.isPinned)
        #expect(ifExists.subjects.map(\.value.value.text) == ["repo:acme/deploy:*"], "the subjects it admits are still compared with the registry")
        let pinned = try trust("""
            {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/deploy:*"}, "StringEqualsIfExists": {"token.actions.githubusercontent.com:repository": "acme/deploy"}}
            """)
        #expect(pinned.isPinned)
    }

    @Test("AWS: an omitted aud condition falls back to the provider's client IDs and is reported as unchecked; StringLike '*' admits every audience")
    func awsOmittedAudience() throws {
        let reader = AWSIAMTrustPolicyReader()
        let omitted = try #require(try reader.read(Self.policy("{\"StringEquals\": {\"token.actions.githubusercontent.com:sub\": \"repo:a/b:ref:refs/heads/main\"}}"),
                                                  file: "t.json").providers.first)
        #expect(omitted.audiences == nil && omitted.audienceCaveat == nil)
        #expect(reader.facts(for: omitted).whenOmitted == .fallsBack(to: "the IAM OIDC provider's client ID list (ClientIDList), which the trust policy does not show"))
        let star = try #require(try reader.read(Self.policy("{\"StringLike\": {\"token.actions.githubusercontent.com:aud\": \"*\"}}"), file: "t.json").providers.first)
        #expect(star.audiences == nil && star.audienceCaveat?.value.contains("admits every audience") == true)
        // A ForAllValues: condition passes when the claim is absent, and a negated one admits the rest:
        // neither pins the audience or the subject.
        let forAll = try #require(try reader.read(Self.policy("""
            {"ForAllValues:StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                                           "token.actions.githubusercontent.com:sub": "repo:a/b:ref:refs/heads/main"},
             "StringNotLike": {"token.actions.githubusercontent.com:sub": "repo:evil/*"}}
            """), file: "t.json").providers.first)
        #expect(forAll.audiences == nil)
        #expect(forAll.trust?.conditions.isEmpty == true && forAll.trust?.isPinned == false)
    }

    @Test("AWS: get-role and list-roles output, CloudFormation in YAML and JSON")
    func awsForms() throws {
        let reader = AWSIAMTrustPolicyReader()
        let statement = """
            {"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
              "Principal": {"Federated": "arn:aws:iam::1:oidc-provider/idp.example.com"},
              "Condition": {"StringEquals": {"idp.example.com:aud": "a", "idp.example.com:sub": "s"}}}]}
            """
        let getRole = try reader.read(Array("{\"Role\": {\"RoleName\": \"r1\", \"Arn\": \"arn:aws:iam::1:role/r1\", \"AssumeRolePolicyDocument\": \(statement)}}".utf8), file: "g.json")
        #expect(getRole.providers.first?.name?.value == "r1" && getRole.providers.first?.isNamed("arn:aws:iam::1:role/r1") == true)
        let listRoles = try reader.read(Array("{\"Roles\": [{\"RoleName\": \"r1\", \"AssumeRolePolicyDocument\": \(statement)}, {\"RoleName\": \"r2\", \"AssumeRolePolicyDocument\": \(statement)}]}".utf8), file: "l.json")
        #expect(listRoles.providers.compactMap(\.name?.value) == ["r1", "r2"])
        let cfnJSON = try reader.read(Array("{\"Resources\": {\"DeployRole\": {\"Type\": \"AWS::IAM::Role\", \"Properties\": {\"AssumeRolePolicyDocument\": \(statement)}}}}".utf8), file: "c.json")
        #expect(cfnJSON.providers.first?.name?.value == "DeployRole" && cfnJSON.providers.first?.issuer?.value == "https://idp.example.com")
        let cfnYAML = """
            Resources:
              DeployRole:
                Type: AWS::IAM::Role
                Properties:
                  RoleName: !Sub "${AWS::StackName}-deploy"
                  AssumeRolePolicyDocument:
                    Statement:
                      - Effect: Allow
                        Action: sts:AssumeRoleWithWebIdentity
                        Principal: {Federated: !GetAtt Provider.Arn}
                        Condition:
                          StringEquals: {"idp.example.com:aud": a}
                          StringLike: {"idp.example.com:sub": !Sub "repo:${Org}/*"}
            """
        let yaml = try #require(try reader.read(Array(cfnYAML.utf8), file: "c.yaml").providers.first)
        // !GetAtt names a resource: the host comes from the condition keys; a !Sub role name is not a name.
        #expect(yaml.name?.value == "DeployRole" && yaml.issuer?.value == "https://idp.example.com")
        #expect(yaml.trust?.subjectsUnresolved == true && yaml.unresolved.contains { $0.setting == "idp.example.com:sub" })
        // An encoded policy string (the raw IAM API) is refused with what to do.
        #expect(throws: DeploymentReadError.self) {
            try reader.read(Array("{\"Role\": {\"RoleName\": \"r\", \"AssumeRolePolicyDocument\": \"%7B%22Version%22%3A%222012-10-17%22%7D\"}}".utf8), file: "g.json")
        }
    }

    @Test("Vault: bound_audiences omitted on a jwt role is unchecked; an oidc role falls back to oidc_client_id")
    func vaultOmittedAudience() throws {
        let reader = VaultJWTRoleReader()
        let jwt = try #require(try reader.read(Array("{\"role_type\": \"jwt\", \"user_claim\": \"sub\", \"bound_subject\": \"repo:a/b:ref:refs/heads/main\"}".utf8),
                                              file: "deploy.json").providers.first)
        #expect(jwt.name?.value == "deploy")
        #expect(jwt.audiences == nil && jwt.audienceCaveat == nil)
        #expect(reader.facts(for: jwt).whenOmitted == .fallsBack(to: "refusing tokens that carry aud (Vault 1.17 and later); tokens without aud pass"))
        #expect(reader.facts(for: jwt).verified?.contains("must exactly match at least one of provided aud claims") == true)
        #expect(jwt.trust?.subjects.map(\.isGlob) == [false] && jwt.trust?.isPinned == true)

        let oidc = """
            data: {oidc_discovery_url: https://idp.example.com, oidc_client_id: vault-client, bound_issuer: ""}
            ---
            data: {user_claim: email, allowed_redirect_uris: [https://vault.example.com/ui/vault/auth/oidc/oidc/callback]}
            """
        let role = try #require(try reader.read(Array(oidc.utf8), file: "v.yaml").providers.first)
        #expect(role.audiences?.map(\.value.text) == ["vault-client"])
        #expect(role.issuer?.value == "https://idp.example.com")
        #expect(role.trust?.conditions.isEmpty == true)
    }

    @Test("Vault: vault read output and write payloads, comma-separated audiences, glob bound_claims")
    func vaultForms() throws {
        let reader = VaultJWTRoleReader()
        let payload = """
            {"role_type": "jwt", "bound_audiences": "https://vault.example.com,sts", "bound_claims_type": "glob",
             "bound_claims": {"sub": ["repo:acme/deploy:*", "repo:acme/*"], "environment": "prod"}, "user_claim": "actor"}
            """
        let role = try #require(try reader.read(Array(payload.utf8), file: "roles/ci.json").providers.first)
        #expect(role.audiences?.map(\.value.text) == ["https://vault.example.com", "sts"])
        #expect(role.audiences?.last?.location.column == 68)
        #expect(role.unresolved.contains { $0.setting == "issuer" })
        // One value of the only condition is a wildcard repository: the trust is not pinned.
        #expect(role.trust?.isPinned == false && role.trust?.subjects.count == 2)
        // Two roles in one file are named role[0], role[1] unless they carry a name.
        let two = try reader.read(Array("{\"data\": {\"role_type\": \"jwt\", \"bound_audiences\": [\"a\"]}}\n---\nname: second\nrole_type: jwt\nbound_audiences: [b]\n".utf8), file: "v.yaml")
        #expect(two.providers.compactMap(\.name?.value) == ["role[0]", "second"])
        #expect(!reader.detects(Array("{\"data\": {\"oidc_discovery_url\": \"https://idp.example.com\"}}".utf8), file: "config.json"))
    }

    @Test("trust.subjects on a deployment whose kind is no federation trust is reported at the registry, not ignored")
    func subjectsOnAnotherKind() async throws {
        let scratch = DriftScratch()
        scratch.write("registry/orders.yaml", """
            apiVersion: audreg/v1
            kind: Issuer
            metadata: {name: corp-idp}
            spec: {issuer: https://idp.example.com}
            ---
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: orders-api}
            spec:
              audiences: [https://orders.example.com]
              accepts: [{issuer: corp-idp}]
              deployments:
                - kind: istio-request-authentication
                  source: ra.yaml
                  trust: {subjects: ["repo:acme/orders:ref:refs/heads/main"]}
            """)
        scratch.write("registry/ra.yaml", """
            apiVersion: security.istio.io/v1
            kind: RequestAuthentication
            metadata: {name: orders}
            spec:
              jwtRules: [{issuer: https://idp.example.com, audiences: [https://orders.example.com]}]
            ---
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: orders-require-jwt}
            spec:
              rules: [{from: [{source: {requestPrincipals: ["*"]}}]}]
            """)
        let report = try await DriftTest.run(directory: scratch.path + "/registry", source: StaticDocumentSource([]))
        let found = report.findings.filter { $0.ruleID.hasPrefix("config-") }
        #expect(found.map(\.ruleID) == ["config-trust-subject-mismatch"], "\(found.map(\.message))")
        #expect(found.first?.location.file == "orders.yaml" && found.first?.location.line == 15)
        #expect(found.first?.message.contains("is not a federation trust") == true)
    }
}

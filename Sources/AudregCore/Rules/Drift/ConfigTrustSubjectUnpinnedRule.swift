/// A workload-identity federation trust that does not pin which workload may use it.
public struct ConfigTrustSubjectUnpinnedRule: DeploymentRule {
    public static let id = "config-trust-subject-unpinned"

    public static let description = RuleDescription(
        id: id,
        name: "Federation trust admits any workload",
        defaultSeverity: .error,
        stage: .drift,
        scope: .deployment,
        appliesWhen: .federationTrust,
        summary: "A workload-identity federation trust (an AWS IAM role trust policy, a Vault JWT role) has no condition on sub or on a claim naming the repository, or its pattern has a wildcard where the repository, project or service account is named (repo:*, repo:acme/*).",
        rationale: """
            A federation trust exchanges an identity provider's token for cloud or secret-store credentials. \
            The audience says the token was minted for this exchange; only the subject says which workload \
            asks. Shared issuers such as GitHub Actions sign tokens for every repository on the platform with \
            the same audience (sts.amazonaws.com), so a trust that pins the audience but not the subject lets \
            any repository, anyone's, assume the role. A wildcard in the repository part (repo:acme/*) admits \
            every repository of the owner, including ones created later; a wildcard after it (repo:acme/deploy:*, \
            any branch of one repository) is not reported. StringEquals and exact Vault claims have no wildcards.
            """,
        remediation: "Add a condition on sub naming one repository (and a branch or environment): StringEquals \"HOST:sub\": \"repo:OWNER/REPO:ref:refs/heads/main\" in the trust policy, bound_subject or bound_claims in the Vault role.",
        references: [
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html",
            "https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services",
            "https://developer.hashicorp.com/vault/api-docs/auth/jwt",
        ],
        controls: ["NHI6:2025", "NHI5:2025", "PR.AA-05", "MEASURE 2.7"],
        triggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: github-actions}
                spec: {issuer: https://token.actions.githubusercontent.com}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: deploy-role}
                spec:
                  audiences: [sts.amazonaws.com]
                  accepts: [{issuer: github-actions}]
                  deployments:
                    - {kind: aws-iam-trust-policy, source: trust.json}
                #> trust.json
                {
                  "Version": "2012-10-17",
                  "Statement": [{
                    "Effect": "Allow",
                    "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {
                      "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                      "StringLike": {"token.actions.githubusercontent.com:sub": ↓"repo:acme/*"}
                    }
                  }]
                }
                """),
            RuleExample("""
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: github-actions}
                spec: {issuer: https://token.actions.githubusercontent.com}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: vault}
                spec:
                  audiences: [https://vault.example.com]
                  accepts: [{issuer: github-actions}]
                  deployments:
                    - {kind: vault-jwt-role, source: vault.yaml, provider: deploy}
                #> vault.yaml
                data:
                  bound_issuer: https://token.actions.githubusercontent.com
                  oidc_discovery_url: https://token.actions.githubusercontent.com
                ---
                name: deploy
                data:
                  ↓role_type: jwt
                  bound_audiences: [https://vault.example.com]
                  user_claim: actor
                  token_policies: [deploy]
                """),
        ],
        nonTriggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: github-actions}
                spec: {issuer: https://token.actions.githubusercontent.com}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: deploy-role}
                spec:
                  audiences: [sts.amazonaws.com]
                  accepts: [{issuer: github-actions}]
                  deployments:
                    - {kind: aws-iam-trust-policy, source: trust.json}
                #> trust.json
                {
                  "Version": "2012-10-17",
                  "Statement": [{
                    "Effect": "Allow",
                    "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {
                      "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                      "StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/deploy:*"}
                    }
                  }]
                }
                """),
        ])

    public init() {}

    public static func check(_ deployment: DeploymentContext) -> [Finding] {
        var findings: [Finding] = []
        for provider in deployment.enforcedProviders {
            guard let trust = provider.trust else { continue }
            let label = deployment.label(of: provider)
            if trust.conditions.isEmpty {
                let issuer = provider.issuer.map { " from '\($0.value)'" } ?? ""
                let github = provider.issuer?.value.isExactly("https://token.actions.githubusercontent.com") == true
                findings.append(deployment.finding(self, "\(label) has no \(trust.subjectField): every workload holding a token\(issuer) with an accepted audience can use it\(github ? " (for GitHub Actions, any repository on GitHub)" : "")",
                                                   at: trust.location))
            } else if !trust.isPinned {
                // Conditions are AND-ed: none pins the workload, so every wildcard value is a way in.
                var reported = false
                for condition in trust.conditions {
                    if let why = condition.notPinning {
                        findings.append(deployment.finding(self, "\(label) has \(condition.field), but \(why)", at: condition.location))
                        reported = true
                        continue
                    }
                    for pattern in condition.patterns {
                        guard let reason = FederationSubject.unpinnedReason(pattern) else { continue }
                        findings.append(deployment.finding(self, "\(label) admits \(pattern.claim) '\(pattern.value.value)' (\(condition.field)): \(reason)",
                                                           at: pattern.value.location))
                        reported = true
                    }
                }
                if !reported {
                    findings.append(deployment.finding(self, "\(label) has no \(trust.subjectField) that names a workload: every workload holding a token with an accepted audience can use it",
                                                       at: trust.location))
                }
            }
        }
        return findings
    }
}

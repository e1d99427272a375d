/// A federation trust whose subject patterns differ from the ones the registry states for it.
public struct ConfigTrustSubjectMismatchRule: DriftRule {
    public static let id = "config-trust-subject-mismatch"

    public static let description = RuleDescription(
        id: id,
        name: "Federation trust admits other subjects than the registry states",
        defaultSeverity: .error,
        stage: .drift,
        scope: .deployment,
        summary: "A deployment's trust.subjects in the registry and the sub patterns of the federation trust it names differ: the trust admits a subject the registry does not list, or does not admit one it lists.",
        rationale: """
            The registry states which workloads may present a service's tokens to a federation trust (its \
            deployment's trust.subjects), so that a reviewer sees the role, the issuer, the audience and the \
            subject pattern in one place. A trust policy or Vault role edited outside that review admits \
            workloads nobody approved, or locks out the one that was. Patterns are compared byte for byte, as \
            written: repo:acme/deploy:* and repo:acme/deploy:ref:refs/heads/main are different statements.
            """,
        remediation: "Make the trust's sub condition and the registry's trust.subjects the same, through review of whichever changed.",
        references: [
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html",
            "https://developer.hashicorp.com/vault/api-docs/auth/jwt",
        ],
        controls: ["NHI6:2025", "PR.AA-05", "DE.CM-09"],
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
                    - kind: aws-iam-trust-policy
                      source: trust.json
                      trust: {subjects: ["repo:acme/deploy:ref:refs/heads/main"]}
                #> trust.json
                {
                  "Version": "2012-10-17",
                  "Statement": [{
                    "Effect": "Allow",
                    "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {
                      "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                      "StringLike": {"token.actions.githubusercontent.com:sub": ["repo:acme/deploy:ref:refs/heads/main", ↓"repo:acme/deploy:pull_request"]}
                    }
                  }]
                }
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
                    - kind: aws-iam-trust-policy
                      source: trust.json
                      trust: {subjects: ["repo:acme/deploy:ref:refs/heads/main"]}
                #> trust.json
                {
                  "Version": "2012-10-17",
                  "Statement": [{
                    "Effect": "Allow",
                    "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {
                      "StringEquals": {
                        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                        "token.actions.githubusercontent.com:sub": "repo:acme/deploy:ref:refs/heads/main"
                      }
                    }
                  }]
                }
                """),
        ])

    public init() {}
}

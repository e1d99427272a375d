/// A federation trust whose subject patterns differ from the ones the registry states for it.
public struct ConfigTrustSubjectMismatchRule: DeploymentRule {
    public static let id = "config-trust-subject-mismatch"

    public static let description = RuleDescription(
        id: id,
        name: "Federation trust admits other subjects than the registry states",
        defaultSeverity: .error,
        stage: .drift,
        scope: .deployment,
        appliesWhen: .federationTrust,
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

    public static func check(_ deployment: DeploymentContext) -> [Finding] {
        guard let stated = deployment.deployment.trust else { return [] }
        let service = deployment.service
        var findings: [Finding] = []
        for provider in deployment.enforcedProviders {
            let label = deployment.label(of: provider)
            guard let trust = provider.trust else {
                findings.append(deployment.finding(self, "the registry states subjects for this deployment, but \(label) is not a federation trust (\(deployment.deployment.kind.value.rawValue) has no subject condition), so they cannot be enforced there",
                                                   at: stated.location))
                continue
            }
            // A substituted subject was noted by config-value-unresolved; comparing it would report noise.
            guard !trust.subjectsUnresolved else { continue }
            let related = [RelatedLocation(stated.location, entity: service.ref, message: "the subjects the registry states")]
            let expected = Set(stated.subjects.map(\.value))
            let deployed = trust.subjects
            for pattern in deployed where !expected.contains(pattern.value.value) {
                findings.append(deployment.finding(self, "\(label) admits subject '\(pattern.value.value)', which the registry does not state for this deployment (it states \(stated.subjects.map { "'\($0.value)'" }.joined(separator: ", ")))",
                                                   at: pattern.value.location, related: related))
            }
            let admitted = Set(deployed.map(\.value.value))
            for subject in stated.subjects where !admitted.contains(subject.value) {
                findings.append(deployment.finding(self, deployed.isEmpty
                                                       ? "\(label) has no condition on sub, and the registry states subject '\(subject.value)' for it"
                                                       : "\(label) does not admit subject '\(subject.value)', which the registry states: that workload will be refused",
                                                   at: deployed.first?.value.location ?? trust.location,
                                                   related: [RelatedLocation(subject.location, entity: service.ref, message: "the subject in the registry")]))
            }
        }
        return findings
    }
}

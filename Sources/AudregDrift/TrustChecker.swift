import AudregCore

/// The checks only a workload-identity federation trust needs: that it pins the workload, and that the
/// subjects it admits are the registry's (`deployments[].trust.subjects`) when the registry states them.
/// Called by `DeploymentChecker` for every provider it compares.
enum TrustChecker {
    /// `report(rule, message, location, related)` makes the finding, as `DeploymentChecker` does.
    static func check(_ provider: DeployedProvider, label: String, deployment: Deployment, service: Service,
                      report: (String, String, SourceLocation, [RelatedLocation]) -> Void) {
        let stated = deployment.trust
        guard let trust = provider.trust else {
            if let stated {
                report(ConfigTrustSubjectMismatchRule.id,
                       "the registry states subjects for this deployment, but \(label) is not a federation trust (\(deployment.kind.value.rawValue) has no subject condition), so they cannot be enforced there",
                       stated.location, [])
            }
            return
        }
        let issuer = provider.issuer.map { " from '\($0.value)'" } ?? ""
        let github = provider.issuer?.value.isExactly("https://token.actions.githubusercontent.com") == true
        if trust.conditions.isEmpty {
            report(ConfigTrustSubjectUnpinnedRule.id,
                   "\(label) has no \(trust.subjectField): every workload holding a token\(issuer) with an accepted audience can use it\(github ? " (for GitHub Actions, any repository on GitHub)" : "")",
                   trust.location, [])
        } else if !trust.isPinned {
            for condition in trust.conditions {
                for pattern in condition.patterns {
                    guard let reason = FederationSubject.unpinnedReason(pattern) else { continue }
                    report(ConfigTrustSubjectUnpinnedRule.id,
                           "\(label) admits \(pattern.claim) '\(pattern.value.value)' (\(condition.field)): \(reason)",
                           pattern.value.location, [])
                }
            }
        }

        guard let stated, !trust.subjectsUnresolved else { return }
        let related = [RelatedLocation(stated.location, entity: service.ref, message: "the subjects the registry states")]
        let expected = Set(stated.subjects.map(\.value))
        let deployed = trust.subjects
        for pattern in deployed where !expected.contains(pattern.value.value) {
            report(ConfigTrustSubjectMismatchRule.id,
                   "\(label) admits subject '\(pattern.value.value)', which the registry does not state for this deployment (it states \(stated.subjects.map { "'\($0.value)'" }.joined(separator: ", ")))",
                   pattern.value.location, related)
        }
        let admitted = Set(deployed.map(\.value.value))
        for subject in stated.subjects where !admitted.contains(subject.value) {
            report(ConfigTrustSubjectMismatchRule.id,
                   deployed.isEmpty
                       ? "\(label) has no condition on sub, and the registry states subject '\(subject.value)' for it"
                       : "\(label) does not admit subject '\(subject.value)', which the registry states: that workload will be refused",
                   deployed.first?.value.location ?? trust.location,
                   [RelatedLocation(subject.location, entity: service.ref, message: "the subject in the registry")])
        }
    }
}

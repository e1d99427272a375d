// GENERATED FILE. DO NOT EDIT: edit controls/ and run scripts/embed-resources.py.

/// The control catalogs, compiled in so the binary needs no resource folder.
package enum EmbeddedControls {
    package static let files: [String: String] = {
        var files: [String: String] = [:]
        files["controls/nist-ai-rmf-1.0.yaml"] = #"""
# NIST AI Risk Management Framework 1.0 (NIST AI 100-1, January 2023) subcategories that apply where
# tokens are used by autonomous systems and agents. Texts are NIST's. IDs are written as NIST does:
# function name, a space, then n.n (GOVERN 1.6).
framework:
  id: nist-ai-rmf-1.0
  title: NIST AI Risk Management Framework 1.0
  shortTitle: NIST AI RMF 1.0
  version: "1.0"
  url: https://doi.org/10.6028/NIST.AI.100-1
controls:
  - id: GOVERN 1.6
    title: AI system inventory
    text: Mechanisms are in place to inventory AI systems and are resourced according to organizational risk priorities.
    url: https://airc.nist.gov/airmf-resources/airmf/5-sec-core/
  - id: GOVERN 2.1
    title: Roles and responsibilities
    text: Roles and responsibilities and lines of communication related to mapping, measuring, and managing AI risks are documented and are clear to individuals and teams throughout the organization.
    url: https://airc.nist.gov/airmf-resources/airmf/5-sec-core/
  - id: MEASURE 2.7
    title: Security and resilience evaluated
    text: AI system security and resilience – as identified in the MAP function – are evaluated and documented.
    url: https://airc.nist.gov/airmf-resources/airmf/5-sec-core/
  - id: MANAGE 4.1
    title: Post-deployment monitoring
    text: Post-deployment AI system monitoring plans are implemented, including mechanisms for capturing and evaluating input from users and other relevant AI actors, appeal and override, decommissioning, incident response, recovery, and change management.
    url: https://airc.nist.gov/airmf-resources/airmf/5-sec-core/

"""#
        files["controls/nist-csf-2.0.yaml"] = #"""
# NIST Cybersecurity Framework 2.0 subcategories that audreg's rules evidence. Texts are NIST's, as in
# NIST's OSCAL catalog (usnistgov/oscal-content, nist.gov/CSF/v2.0). Withdrawn CSF 1.1 IDs are kept only
# as aliases of the subcategories NIST moved them to (PR.AC-4 and PR.AC-04 became PR.AA-05). NIST split
# PR.AC-01 into PR.AA-01 and PR.AA-05, so both list it, and it resolves to neither on its own.
framework:
  id: nist-csf-2.0
  title: NIST Cybersecurity Framework 2.0
  shortTitle: NIST CSF 2.0
  version: "2.0"
  url: https://www.nist.gov/cyberframework
  oscalCatalog: https://raw.githubusercontent.com/usnistgov/oscal-content/main/nist.gov/CSF/v2.0/json/NIST_CSF_v2.0_catalog.json
controls:
  - id: PR.AA-01
    title: Identity and credential management
    text: Identities and credentials for authorized users, services, and hardware are managed by the organization
    url: https://csrc.nist.gov/projects/cybersecurity-framework/filters#/csf/filters
    aliases: ["PR.AC-01", "PR.AC-1"]
  - id: PR.AA-02
    title: Identity proofing
    text: Identities are proofed and bound to credentials based on the context of interactions
    url: https://csrc.nist.gov/projects/cybersecurity-framework/filters#/csf/filters
    aliases: ["PR.AC-06", "PR.AC-6"]
  - id: PR.AA-03
    title: Authentication
    text: Users, services, and hardware are authenticated
    url: https://csrc.nist.gov/projects/cybersecurity-framework/filters#/csf/filters
    aliases: ["PR.AC-07", "PR.AC-7"]
  - id: PR.AA-04
    title: Identity assertions
    text: Identity assertions are protected, conveyed, and verified
    url: https://csrc.nist.gov/projects/cybersecurity-framework/filters#/csf/filters
  - id: PR.AA-05
    title: Access permissions and least privilege
    text: Access permissions, entitlements, and authorizations are defined in a policy, managed, enforced, and reviewed, and incorporate the principles of least privilege and separation of duties
    url: https://csrc.nist.gov/projects/cybersecurity-framework/filters#/csf/filters
    aliases: ["PR.AC-4", "PR.AC-04", "PR.AC-01", "PR.AC-1"]
  - id: PR.IR-01
    title: Network and environment protection
    text: Networks and environments are protected from unauthorized logical access and usage
    url: https://csrc.nist.gov/projects/cybersecurity-framework/filters#/csf/filters
    aliases: ["PR.AC-05", "PR.AC-5"]
  - id: PR.PS-01
    title: Configuration management
    text: Configuration management practices are established and applied
    url: https://csrc.nist.gov/projects/cybersecurity-framework/filters#/csf/filters
  - id: ID.AM-03
    title: Network communication and data flows
    text: Representations of the organization's authorized network communication and internal and external network data flows are maintained
    url: https://csrc.nist.gov/projects/cybersecurity-framework/filters#/csf/filters
  - id: DE.CM-09
    title: Monitoring of computing and runtime environments
    text: Computing hardware and software, runtime environments, and their data are monitored to find potentially adverse events
    url: https://csrc.nist.gov/projects/cybersecurity-framework/filters#/csf/filters

"""#
        files["controls/owasp-nhi-2025.yaml"] = #"""
# OWASP Top 10 Non-Human Identities Risks, 2025 edition. IDs as OWASP writes them: NHI1:2025 ... NHI10:2025.
# Titles are OWASP's; the one-line summaries are audreg's own words.
# Alias: older material calls audience misuse "NHI-07". NHI7:2025 is Long-Lived Secrets, and OWASP has no
# item titled audience misuse; audience validation belongs to NHI6:2025, so "NHI-07" resolves there.
framework:
  id: owasp-nhi-2025
  title: OWASP Non-Human Identities Top 10 (2025)
  shortTitle: OWASP NHI Top 10
  version: "2025"
  url: https://owasp.org/www-project-non-human-identities-top-10/2025/top-10-2025
controls:
  - id: "NHI1:2025"
    title: Improper Offboarding
    text: Non-human identities that are no longer needed are not deactivated or removed, so their access outlives their purpose.
    url: https://owasp.org/www-project-non-human-identities-top-10/2025/1-improper-offboarding/
  - id: "NHI2:2025"
    title: Secret Leakage
    text: Keys, tokens and certificates of non-human identities leak into places where they are not protected.
    url: https://owasp.org/www-project-non-human-identities-top-10/2025/2-secret-leakage/
  - id: "NHI3:2025"
    title: Vulnerable Third-Party NHI
    text: Third-party extensions and services that hold an organization's credentials are compromised and misuse them.
    url: https://owasp.org/www-project-non-human-identities-top-10/2025/3-vulnerable-third-party-nhi/
  - id: "NHI4:2025"
    title: Insecure Authentication
    text: Non-human identities authenticate with deprecated, weak or non-standard mechanisms.
    url: https://owasp.org/www-project-non-human-identities-top-10/2025/4-insecure-authentication/
  - id: "NHI5:2025"
    title: Overprivileged NHI
    text: Non-human identities hold more privilege than their function needs, widening the damage of any compromise.
    url: https://owasp.org/www-project-non-human-identities-top-10/2025/5-overprivileged-nhi/
  - id: "NHI6:2025"
    title: Insecure Cloud Deployment Configurations
    text: Deployment pipelines and workloads use static credentials or accept tokens without strict validation of issuer, audience and claims.
    url: https://owasp.org/www-project-non-human-identities-top-10/2025/6-insecure-cloud-deployment-configurations/
    aliases: ["NHI-07"]
  - id: "NHI7:2025"
    title: Long-Lived Secrets
    text: Secrets and tokens with far-future or no expiry stay useful to an attacker long after they leak.
    url: https://owasp.org/www-project-non-human-identities-top-10/2025/7-long-lived-secrets/
  - id: "NHI8:2025"
    title: Environment Isolation
    text: The same non-human identity or credential is used across development, test and production.
    url: https://owasp.org/www-project-non-human-identities-top-10/2025/8-environment-isolation/
  - id: "NHI9:2025"
    title: NHI Reuse
    text: One non-human identity is shared by several services, so compromising one compromises all of them.
    url: https://owasp.org/www-project-non-human-identities-top-10/2025/9-nhi-reuse/
  - id: "NHI10:2025"
    title: Human Use of NHI
    text: People use non-human identities by hand, and accountability for their actions is lost.
    url: https://owasp.org/www-project-non-human-identities-top-10/2025/10-human-use-of-nhi/

"""#
        return files
    }()
}

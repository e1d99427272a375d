/// A deployment `source:` path, or a link among the registry files, leads out of the repository.
/// The loader reports such links and the deployment checker such paths; both refuse before opening.
public struct SourceOutsideRootRule: DeploymentReadRule {
    public static let id = "source-outside-root"

    public static let description = RuleDescription(
        id: id,
        name: "Path outside the repository root",
        defaultSeverity: .error,
        stage: .drift,
        summary: "A deployment's local source, or a link among the registry files, resolves outside the repository root; audreg does not read it.",
        rationale: """
            A registry arrives by pull request, so its paths and links are the author's choice. Followed, \
            'source: ../../../../etc/passwd', an absolute path or a committed link to ~/.ssh would make audreg read \
            files of the CI runner and echo parts of them in findings. Every path must resolve, links followed, \
            inside the repository root (the git top-level of the registry folder, or --root).
            """,
        remediation: "Keep deployment configs inside the repository and name them by a relative path; replace a link with the file itself, or pass the repository folder with --root.",
        references: ["SECURITY.md (Paths)", "CWE-22", "CWE-59"],
        controls: ["PR.PS-01"],
        triggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: shipping-api}
                spec:
                  audiences: [https://shipping.example.com]
                  deployments:
                    - {kind: kong, source: ↓/etc/passwd}
                    - {kind: envoy-jwt-authn, source: ↓../../../../../../../../etc/passwd}
                    - {kind: istio-request-authentication, source: ↓../../../../../../../../no/such/file.yaml}
                """),
        ],
        nonTriggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Issuer
                metadata: {name: corp-idp}
                spec: {issuer: https://idp.example.com}
                ---
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: shipping-api}
                spec:
                  audiences: [https://shipping.example.com]
                  accepts: [{issuer: corp-idp}]
                  deployments:
                    - {kind: kong, source: deploy/../kong.yaml, provider: shipping-api}
                #> kong.yaml
                _format_version: "3.0"
                services:
                  - name: shipping-api
                    url: http://shipping.internal:8080
                    plugins:
                      - name: openid-connect
                        config:
                          issuer: https://idp.example.com/.well-known/openid-configuration
                          audience_required: [https://shipping.example.com]
                """),
        ])

    public init() {}

    public static func check(_ failure: DeploymentReadFailure) -> [Finding] {
        guard case .outsideRoot(let file) = failure.problem else { return [] }
        return [failure.finding(Self.self,
                                "the \(failure.kindName) config source \(file) resolves outside the repository root, so audreg does not read it; keep deployment configs inside the repository, or pass --root",
                                at: failure.deployment.source.location)]
    }
}

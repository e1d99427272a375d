import Foundation

/// A deployment whose local config file is not there: drift has nothing to compare, so what the
/// gateway enforces for that service is unknown, and `validate` says so before anyone runs drift.
public struct DeploymentSourceMissingRule: ServiceRule {
    public static let description = RuleDescription(
        id: "deployment-source-missing",
        name: "Deployment source missing",
        defaultSeverity: .warning,
        summary: "A deployment's local source file does not exist, so nothing can check what that gateway enforces.",
        rationale: """
            `deployments` tie a service to the configuration that enforces its audiences. When the file it names \
            has moved or was never committed, `audreg drift` cannot compare it, and the service's enforcement \
            goes unchecked without anyone noticing. The path is resolved inside the repository and never opened.
            """,
        remediation: "Fix the `source` path (relative to the file that declares it), commit the config, or remove the deployment.",
        references: ["SECURITY.md (paths)"],
        controls: ["DE.CM-09", "PR.PS-01"],
        triggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api}
                spec:
                  audiences: [https://orders.api.example.com]
                  deployments:
                    - {kind: envoy-jwt-authn, source: ↓deploy/moved-away.yaml}
                """),
        ],
        nonTriggeringExamples: [
            RuleExample("""
                apiVersion: audreg/v1
                kind: Service
                metadata: {name: orders-api, description: The config is there; a URL source is fetched by drift, not looked at here.}
                spec:
                  audiences: [https://orders.api.example.com]
                  deployments:
                    - {kind: envoy-jwt-authn, source: deploy/orders.yaml}
                    - {kind: istio-request-authentication, source: "https://config.example.com/orders.yaml"}
                #> deploy/orders.yaml
                name: envoy.filters.http.jwt_authn
                """),
        ])

    public init() {}

    public func check(_ service: Service, at position: Int, in context: RuleContext, into findings: inout [Finding]) {
        // In memory there is no file to look at: the rule does not run, and reports nothing either way.
        guard let files = context.files, !service.deployments.isEmpty else { return }
        let folder = PathText.parent(files.directory + "/" + service.origin.file)
        for deployment in service.deployments {
            let source = deployment.source.value
            if source.hasPrefix("https://") || source.hasPrefix("http://") { continue }
            let path = source.hasPrefix("/") ? source : folder + "/" + source
            // Outside the root is source-outside-root's finding, in drift; only a path inside can be missing.
            guard files.root.resolve(path) == .missing else { continue }
            findings.append(finding("deployment source '\(source)' of service '\(service.name)' does not exist; drift cannot check what this \(deployment.kind.value.rawValue) enforces",
                                    at: deployment.source.location, entity: service.ref))
        }
    }
}

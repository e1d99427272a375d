import Foundation

/// `audreg init`: a starter registry (a policy, a team, an issuer and one service that passes every rule),
/// a local copy of the JSON Schema the files point at, and the default templates.
public enum StarterRegistry {
    public struct Layout: Sendable {
        /// The registry folder (`registry`).
        public var registry: String
        /// Where the JSON Schema copy goes (`schema/audreg-v1.json` beside the registry).
        public var schema: String
        /// Where the default templates go (`templates` beside the registry); nil to skip them.
        public var templates: String?

        /// The schema and templates sit beside the registry folder, as in audreg's own repository.
        public init(registry: String, schema: String? = nil, templates: String? = nil, includeTemplates: Bool = true) {
            self.registry = registry
            let base = (registry as NSString).deletingLastPathComponent
            func beside(_ name: String) -> String { base.isEmpty || base == "." ? name : (base as NSString).appendingPathComponent(name) }
            self.schema = schema ?? beside("schema/\(Scaffold.schemaFileName)")
            self.templates = includeTemplates ? (templates ?? beside("templates")) : nil
        }
    }

    public static func files(_ layout: Layout) -> [ScaffoldFile] {
        var files: [ScaffoldFile] = []
        if !registryExists(layout.registry) {
            for (relative, body) in documents {
                let path = (layout.registry as NSString).appendingPathComponent(relative)
                let header = Scaffold.schemaComment(forFileAt: path, schemaPath: layout.schema)
                files.append(ScaffoldFile(path: path, contents: header + "\n" + body))
            }
        }
        files.append(Scaffold.schemaFile(at: layout.schema))
        if let templates = layout.templates {
            files += Scaffold.templateFiles(into: templates)
        }
        return files
    }

    /// True when the folder already holds registry files; `init` then adds none, so it cannot create a
    /// second Policy or a duplicate name next to an existing registry.
    public static func registryExists(_ directory: String) -> Bool {
        (try? RegistryLoader.registryFiles(in: directory)) != nil
    }

    static let documents: [(String, String)] = [
        ("policy.yaml", """
            # The organization's token policy. One Policy per registry; defaults apply to anything left out.
            apiVersion: audreg/v1
            kind: Policy
            metadata:
              name: default
              owner: platform-identity
              description: Rules every service's token checks must meet.
            spec:
              maxTokenLifetime: 1h
              allowedAlgorithms: [RS256, PS256, ES256, EdDSA]
              maxAudiencesPerService: 1
              maxExceptionDays: 365

            """),
        ("teams.yaml", """
            # Teams own services and issuers; a finding names the owner to talk to.
            apiVersion: audreg/v1
            kind: Team
            metadata:
              name: platform-identity
              title: Platform Identity
              description: Runs the identity provider and this registry.
            spec:
              contact: "#platform-identity"

            """),
        ("issuers/example-idp.yaml", """
            # An identity provider whose tokens services may accept. Replace the URLs with your provider's.
            apiVersion: audreg/v1
            kind: Issuer
            metadata:
              name: example-idp
              title: Example identity provider
              owner: platform-identity
              environment: production
              description: Issues access tokens for workloads and users in production.
            spec:
              issuer: https://id.example.com
              discoveryUrl: https://id.example.com/.well-known/openid-configuration
              jwksUri: https://id.example.com/oauth2/keys
              algorithms: [RS256]

            """),
        ("services/example-api.yaml", """
            # One service: which audience it accepts, from which issuer, and what a caller may do once admitted.
            # Add yours with: audreg new service NAME --owner TEAM --audience URL --issuer ISSUER
            apiVersion: audreg/v1
            kind: Service
            metadata:
              name: example-api
              title: Example API
              owner: platform-identity
              environment: production
              description: A starter service; rename or replace it.
            spec:
              audiences:
                - https://example-api.example.com
              accepts:
                - issuer: example-idp
                  tokenTypes: [at+jwt]
                  algorithms: [RS256]
                  maxLifetime: 15m
                  requiredClaims: [iss, sub, aud, exp, iat, jti]
              authorization:
                scopes: [example.read, example.write]

            """),
    ]
}

import Foundation

/// `audreg init`: a starter registry (a policy, a team, an issuer and one service that passes every rule)
/// and a local copy of the JSON Schema the files point at, all inside the registry folder, which may be
/// a repository's root (`.`). Templates are not copied: the built-in ones stay current with audreg, and
/// `audreg templates eject` copies the few a team wants to change.
public enum StarterRegistry {
    public struct Layout: Sendable {
        /// The registry folder (`registry`, `.`, an absolute path).
        public var registry: String
        /// Where the JSON Schema copy goes (`schema/audreg-v1.json` inside the registry folder).
        public var schema: String

        public init(registry: String, schema: String? = nil) {
            self.registry = registry
            self.schema = schema ?? Self.join(registry, "schema/\(Scaffold.schemaFileName)")
        }

        /// `name` inside `folder`, without `./` noise: `.` and `./` give `name` itself.
        package static func join(_ folder: String, _ name: String) -> String {
            var base = folder
            while base.count > 1 && base.hasSuffix("/") { base.removeLast() }
            if base.isEmpty || base == "." { return name }
            return base == "/" ? "/" + name : base + "/" + name
        }
    }

    public static func files(_ layout: Layout) -> [ScaffoldFile] {
        var files: [ScaffoldFile] = []
        if !registryExists(layout.registry) {
            for (relative, body) in documents {
                let path = Layout.join(layout.registry, relative)
                let header = Scaffold.schemaComment(forFileAt: path, schemaPath: layout.schema)
                files.append(ScaffoldFile(path: path, contents: header + "\n" + body))
            }
        }
        files.append(Scaffold.schemaFile(at: layout.schema))
        return files
    }

    /// True when the folder already holds registry files (YAML that declares `apiVersion: audreg/…`; a
    /// Compose file or a Kubernetes manifest is none); `init` then adds none, so it cannot create a
    /// second Policy or a duplicate name next to an existing registry.
    public static func registryExists(_ directory: String) -> Bool {
        guard let loaded = try? RegistryLoader().load(directory: directory) else { return false }
        return !loaded.registry.files.isEmpty
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

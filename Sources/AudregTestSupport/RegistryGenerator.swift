import Foundation
import AudregCore
import AudregDrift

/// Writes a realistic, deterministic registry of any size for benchmarks and property tests:
/// teams, issuers per environment, one file per service in team folders, gateways that exchange
/// tokens, and a few planted problems (collisions, confusables, overlaps, pass-through hops) so that
/// the rules have work to do.
public struct RegistryGenerator: Sendable {
    public var services: Int
    /// Every n-th service gets a planted problem; 0 plants none.
    public var plantEvery: Int

    public init(services: Int, plantEvery: Int = 997) {
        self.services = services
        self.plantEvery = plantEvery
    }

    public var teamCount: Int { max(1, services / 25) }
    public var issuerCount: Int { max(2, services / 1000) }

    public func serviceName(_ index: Int) -> String { "svc-\(String(index).leftPadded(to: 6))" }
    public func teamName(_ index: Int) -> String { "team-\(String(index % teamCount).leftPadded(to: 4))" }
    func environment(_ index: Int) -> String { index % 5 == 4 ? "staging" : "production" }
    func issuerName(_ index: Int) -> String {
        // Issuers alternate between environments, so a service picks one of its own environment.
        let perEnvironment = max(1, issuerCount / 2)
        let slot = (index / 7) % perEnvironment
        return environment(index) == "staging" ? "idp-staging-\(slot)" : "idp-production-\(slot)"
    }

    public func audience(_ index: Int) -> String {
        let host = environment(index) == "staging" ? "\(serviceName(index)).staging.example.com" : "\(serviceName(index)).api.example.com"
        return "https://\(host)"
    }

    /// All files, path → contents, in a stable order.
    public func files() -> [(path: String, contents: String)] {
        var files: [(String, String)] = []
        files.append(("policy.yaml", """
            apiVersion: audreg/v1
            kind: Policy
            metadata: {name: default, owner: \(teamName(0))}
            spec:
              maxTokenLifetime: 1h
              allowedAlgorithms: [RS256, PS256, ES256, EdDSA]
              maxAudiencesPerService: 1

            """))
        var teams = ""
        for index in 0..<teamCount {
            teams += "---\napiVersion: audreg/v1\nkind: Team\nmetadata: {name: \(teamName(index)), title: Team \(index)}\nspec: {contact: \"#team-\(index)\"}\n"
        }
        files.append(("teams.yaml", teams))
        let perEnvironment = max(1, issuerCount / 2)
        for environment in ["production", "staging"] {
            for slot in 0..<perEnvironment {
                let name = "idp-\(environment)-\(slot)"
                files.append(("issuers/\(name).yaml", """
                    apiVersion: audreg/v1
                    kind: Issuer
                    metadata: {name: \(name), owner: \(teamName(slot)), environment: \(environment)}
                    spec:
                      issuer: https://\(name).id.example.com
                      discoveryUrl: https://\(name).id.example.com/.well-known/openid-configuration
                      jwksUri: https://\(name).id.example.com/keys
                      algorithms: [RS256, ES256]

                    """))
            }
        }
        for index in 0..<services {
            files.append(("services/\(teamName(index))/\(serviceName(index)).yaml", service(index)))
        }
        return files
    }

    func planted(_ index: Int) -> Int? {
        guard plantEvery > 0, index > 0, index % plantEvery == 0 else { return nil }
        return (index / plantEvery) % 4
    }

    func service(_ index: Int) -> String {
        var audience = audience(index)
        var mode = "token-exchange"
        switch planted(index) {
        case 0: audience = self.audience(index - 1)          // audience-collision
        case 1: audience = self.audience(index - 1) + "/"    // audience-confusable
        case 2: audience = self.audience(index - 1) + "/v2" // audience-overlap
        case 3: mode = "passthrough"                         // gateway-passthrough
        default: break
        }
        var text = """
            apiVersion: audreg/v1
            kind: Service
            metadata:
              name: \(serviceName(index))
              title: Service \(index)
              owner: \(teamName(index))
              environment: \(environment(index))
              description: Generated service number \(index) for benchmarks.
            spec:
              audiences:
                - \(audience)
              accepts:
                - issuer: \(issuerName(index))
                  tokenTypes: [at+jwt]
                  algorithms: [RS256]
                  maxLifetime: 15m
                  requiredClaims: [iss, sub, aud, exp, iat, jti]
              authorization:
                scopes: [\(serviceName(index)).read, \(serviceName(index)).write]

            """
        // Every tenth service is a gateway for the next two services of the same environment.
        if index % 10 == 0, index + 10 < services {
            text += "  downstream:\n"
            text += "    - {service: \(serviceName(index + 5)), mode: \(mode)}\n"
            text += "    - {service: \(serviceName(index + 10)), mode: new-token}\n"
        }
        return text
    }

    /// Writes the registry under `directory`, which must not exist yet or be empty.
    public func write(to directory: String) throws {
        let fileManager = FileManager.default
        for (path, contents) in files() {
            let full = (directory as NSString).appendingPathComponent(path)
            try fileManager.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(contents.utf8).write(to: URL(fileURLWithPath: full))
        }
    }
}

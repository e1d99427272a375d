import Foundation

/// `audreg new team`: one Team file, checked like `new service`: nothing is written unless the registry
/// with it passes every rule about it.
public struct NewTeam: Sendable {
    public var name: String
    public var contact: String?
    public var title: String?
    public var description: String?
    /// Default `<registry>/teams/<name>.yaml`.
    public var output: String?
    public var schema: String?

    public init(name: String, contact: String? = nil, title: String? = nil, description: String? = nil, output: String? = nil, schema: String? = nil) {
        self.name = name
        self.contact = contact
        self.title = title
        self.description = description
        self.output = output
        self.schema = schema
    }

    public func plan(registryDirectory: String, today: Day) throws -> NewService.Plan {
        try NewEntityName.check(name)
        let sources = try NewService.sources(of: registryDirectory)
        let registry = RegistryLoader().load(sources: sources).registry
        if registry.index().teams[name] != nil { throw ScaffoldError("a team named '\(name)' already exists; pick another name") }
        let target = output ?? StarterRegistry.Layout.join(registryDirectory, "teams/\(name).yaml")
        var yaml = Scaffold.schemaComment(forFileAt: target, schemaPath: schema ?? NewService.defaultSchema(for: registryDirectory)) + "\n"
        yaml += "# Created by audreg new team.\napiVersion: audreg/v1\nkind: Team\nmetadata:\n"
        yaml += "  name: \(name)\n  title: \(Scaffold.yamlScalar(title ?? name))\n"
        if let description { yaml += "  description: \(Scaffold.yamlScalar(description))\n" }
        if let contact { yaml += "spec:\n  contact: \(Scaffold.yamlScalar(contact))\n" }
        let file = ScaffoldFile(path: target, contents: yaml)
        return NewService.Plan(file: file, findings: try NewService.check(file, entity: EntityRef(.team, name), sources: sources,
                                                                          registryDirectory: registryDirectory, today: today))
    }
}

/// `audreg new issuer`: one Issuer file with its exact `iss`, where its keys are published, and the
/// algorithms it signs with.
public struct NewIssuer: Sendable {
    public var name: String
    public var owner: String
    public var issuer: String
    public var jwksUri: String?
    public var discoveryUrl: String?
    public var algorithms: [String]
    public var environment: String?
    public var title: String?
    /// Default `<registry>/issuers/<name>.yaml`.
    public var output: String?
    public var schema: String?

    public init(name: String, owner: String, issuer: String, jwksUri: String? = nil, discoveryUrl: String? = nil, algorithms: [String] = [],
                environment: String? = nil, title: String? = nil, output: String? = nil, schema: String? = nil) {
        self.name = name
        self.owner = owner
        self.issuer = issuer
        self.jwksUri = jwksUri
        self.discoveryUrl = discoveryUrl
        self.algorithms = algorithms
        self.environment = environment
        self.title = title
        self.output = output
        self.schema = schema
    }

    public func plan(registryDirectory: String, today: Day) throws -> NewService.Plan {
        try NewEntityName.check(name)
        let sources = try NewService.sources(of: registryDirectory)
        let registry = RegistryLoader().load(sources: sources).registry
        let index = registry.index()
        if index.issuers[name] != nil { throw ScaffoldError("an issuer named '\(name)' already exists; pick another name") }
        guard index.teams[owner] != nil else {
            let teams = registry.teams.map(\.name).sorted()
            throw ScaffoldError("no team '\(owner)' in the registry (teams: \(teams.isEmpty ? "none; add one with audreg new team" : teams.joined(separator: ", ")))")
        }
        if let holder = registry.issuers.first(where: { $0.issuer?.value == ExactString(issuer) }) {
            throw ScaffoldError("the issuer value \(issuer) is already registered as '\(holder.name)'; one Issuer per iss")
        }
        let chosen = algorithms.isEmpty ? [registry.policy.effectiveAllowedAlgorithms.first ?? "RS256"] : algorithms
        let target = output ?? StarterRegistry.Layout.join(registryDirectory, "issuers/\(name).yaml")
        var yaml = Scaffold.schemaComment(forFileAt: target, schemaPath: schema ?? NewService.defaultSchema(for: registryDirectory)) + "\n"
        yaml += "# Created by audreg new issuer.\napiVersion: audreg/v1\nkind: Issuer\nmetadata:\n"
        yaml += "  name: \(name)\n  title: \(Scaffold.yamlScalar(title ?? name))\n  owner: \(owner)\n"
        if let environment { yaml += "  environment: \(Scaffold.yamlScalar(environment))\n" }
        yaml += "spec:\n  issuer: \(Scaffold.yamlScalar(issuer))\n"
        if let discoveryUrl { yaml += "  discoveryUrl: \(Scaffold.yamlScalar(discoveryUrl))\n" }
        if let jwksUri { yaml += "  jwksUri: \(Scaffold.yamlScalar(jwksUri))\n" }
        yaml += "  algorithms: \(Scaffold.yamlList(chosen))\n"
        let file = ScaffoldFile(path: target, contents: yaml)
        return NewService.Plan(file: file, findings: try NewService.check(file, entity: EntityRef(.issuer, name), sources: sources,
                                                                          registryDirectory: registryDirectory, today: today))
    }
}

enum NewEntityName {
    static func check(_ name: String) throws {
        guard EntityName.isValid(name) else {
            throw ScaffoldError("'\(name)' is not a valid name: lowercase letters, digits and hyphens, starting with a letter or digit, at most 63 characters")
        }
    }
}

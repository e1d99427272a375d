import Foundation

/// `audreg new service`: one Service file that is right by construction. The owner and issuer must exist,
/// the audience must be free, and the registry with the new file must raise no error finding about it;
/// otherwise nothing is written.
public struct NewService: Sendable {
    public var name: String
    public var owner: String
    public var audience: String
    public var issuer: String
    public var environment: String?
    public var title: String?
    public var description: String?
    public var scopes: [String]
    public var algorithms: [String]
    public var maxLifetime: String?
    /// Where to write; default `<registry>/services/<environment>/<name>.yaml` when that folder exists,
    /// else `<registry>/services/<name>.yaml`.
    public var output: String?
    /// The JSON Schema the `$schema` line points at; default: the nearest `schema/audreg-v1.json` above the registry.
    public var schema: String?

    public init(name: String, owner: String, audience: String, issuer: String, environment: String? = nil, title: String? = nil,
                description: String? = nil, scopes: [String] = [], algorithms: [String] = [], maxLifetime: String? = nil,
                output: String? = nil, schema: String? = nil) {
        self.name = name
        self.owner = owner
        self.audience = audience
        self.issuer = issuer
        self.environment = environment
        self.title = title
        self.description = description
        self.scopes = scopes
        self.algorithms = algorithms
        self.maxLifetime = maxLifetime
        self.output = output
        self.schema = schema
    }

    /// The planned file plus the warnings and notes the new service would raise (errors stop it).
    public struct Plan: Sendable {
        public var file: ScaffoldFile
        public var findings: [Finding]
    }

    public func plan(registryDirectory: String, today: Day) throws -> Plan {
        // Byte by byte: a regular expression's `$` also matches before a final line break.
        guard EntityName.isValid(name) else {
            throw ScaffoldError("'\(name)' is not a valid name: lowercase letters, digits and hyphens, starting with a letter or digit, at most 63 characters")
        }
        let sources = try Self.sources(of: registryDirectory)
        let registry = RegistryLoader().load(sources: sources).registry
        let index = registry.index()

        if index.services[name] != nil {
            throw ScaffoldError("a service named '\(name)' already exists; pick another name")
        }
        guard index.teams[owner] != nil else {
            let teams = registry.teams.map(\.name).sorted()
            throw ScaffoldError("no team '\(owner)' in the registry (teams: \(teams.isEmpty ? "none; add a Team first" : teams.joined(separator: ", ")))")
        }
        guard let issuerEntity = index.issuers[issuer] else {
            let issuers = registry.issuers.map(\.name).sorted()
            throw ScaffoldError("no issuer '\(issuer)' in the registry (issuers: \(issuers.isEmpty ? "none; add an Issuer first" : issuers.joined(separator: ", ")))")
        }
        if let holder = registry.services.first(where: { $0.audiences.contains { $0.value == ExactString(audience) } }) {
            throw ScaffoldError("the audience \(audience) already belongs to '\(holder.name)'; every service needs an audience of its own (RFC 9068 §5)")
        }
        let policy = registry.policy
        let allowed = policy.effectiveAllowedAlgorithms
        var chosen = algorithms
        if chosen.isEmpty {
            chosen = Array(issuerEntity.algorithms.map(\.value).filter { allowed.contains($0) }.prefix(1))
            if chosen.isEmpty { chosen = [allowed.first ?? "RS256"] }
        }
        let lifetime: String
        if let maxLifetime {
            guard TokenLifetime(maxLifetime) != nil else { throw ScaffoldError("--max-lifetime '\(maxLifetime)' is not a duration such as 15m or 1h") }
            lifetime = maxLifetime
        } else {
            lifetime = min(TokenLifetime(seconds: 900), policy.effectiveMaxTokenLifetime).description
        }
        let environment = self.environment ?? issuerEntity.metadata.environment?.value

        let servicesFolder = StarterRegistry.Layout.join(registryDirectory, "services")
        var path = output
        if path == nil {
            var folder = servicesFolder
            var isDirectory: ObjCBool = false
            if let environment, EntityName.isValid(environment) {
                let candidate = (servicesFolder as NSString).appendingPathComponent(environment)
                if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), isDirectory.boolValue { folder = candidate }
            }
            path = (folder as NSString).appendingPathComponent("\(name).yaml")
        }
        let target = path!
        let schemaPath = schema ?? Self.defaultSchema(for: registryDirectory)

        var yaml = Scaffold.schemaComment(forFileAt: target, schemaPath: schemaPath) + "\n"
        yaml += "# Created by audreg new service. Reviewers: the trust diff of this pull request lists what it widens.\n"
        yaml += "apiVersion: audreg/v1\nkind: Service\nmetadata:\n"
        yaml += "  name: \(name)\n"
        yaml += "  title: \(Scaffold.yamlScalar(title ?? name))\n"
        yaml += "  owner: \(owner)\n"
        if let environment { yaml += "  environment: \(Scaffold.yamlScalar(environment))\n" }
        if let description { yaml += "  description: \(Scaffold.yamlScalar(description))\n" }
        yaml += "spec:\n  audiences:\n    - \(Scaffold.yamlScalar(audience))\n"
        yaml += "  accepts:\n    - issuer: \(issuer)\n"
        yaml += "      tokenTypes: [at+jwt]\n"
        yaml += "      algorithms: \(Scaffold.yamlList(chosen))\n"
        yaml += "      maxLifetime: \(lifetime)\n"
        yaml += "      requiredClaims: [iss, sub, aud, exp, iat, jti]\n"
        if !scopes.isEmpty {
            yaml += "  authorization:\n    scopes: \(Scaffold.yamlList(scopes))\n"
        }

        let file = ScaffoldFile(path: target, contents: yaml)
        return Plan(file: file, findings: try Self.check(file, entity: EntityRef(.service, name), sources: sources,
                                                         registryDirectory: registryDirectory, today: today))
    }

    /// The registry's files as they are on disk, for validating a new file beside them in memory.
    static func sources(of registryDirectory: String) throws -> [(path: String, bytes: [UInt8])] {
        let files = try RegistryLoader.registryFiles(in: registryDirectory)
        var sources: [(path: String, bytes: [UInt8])] = []
        for relative in files {
            let full = (registryDirectory as NSString).appendingPathComponent(relative)
            // registryFiles listed only files inside the repository root; the read is bounded like the loader's.
            switch BoundedFile.read(full) {
            case .success(let bytes): sources.append((relative, bytes))
            case .failure(let failure): throw ScaffoldError("cannot read '\(full)': \(failure.message)")
            }
        }
        return sources
    }

    static func defaultSchema(for registryDirectory: String) -> String {
        nearestSchema(above: registryDirectory) ?? StarterRegistry.Layout.join(registryDirectory, "schema/\(Scaffold.schemaFileName)")
    }

    /// Validates the registry with the new file in place, in memory, before anything is written: any
    /// finding about the new entity or in its file, at any severity, refuses it, so what `new` writes
    /// passes every rule.
    static func check(_ file: ScaffoldFile, entity: EntityRef, sources: [(path: String, bytes: [UInt8])],
                      registryDirectory: String, today: Day) throws -> [Finding] {
        guard let relative = relative(file.path, to: registryDirectory) else {
            throw ScaffoldError("'\(file.path)' is outside the registry '\(registryDirectory)'; write new files inside it")
        }
        if FileManager.default.fileExists(atPath: file.path) {
            throw ScaffoldError("'\(file.path)' already exists; audreg new never overwrites a file")
        }
        let loaded = RegistryLoader().load(sources: sources + [(relative, Array(file.contents.utf8))])
        let report = Validator(today: today).validate(loaded)
        let ours = report.findings.filter { $0.entity == entity || $0.location.file.isExactly(relative) }
        if !ours.isEmpty {
            throw ScaffoldError("the new \(entity.kind.rawValue.lowercased()) would not pass every rule; nothing was written", findings: ours)
        }
        return ours
    }

    /// `schema/audreg-v1.json` in the registry's folder or any folder above it.
    static func nearestSchema(above registryDirectory: String) -> String? {
        var folder = Scaffold.absolute(registryDirectory)
        while true {
            let candidate = (folder as NSString).appendingPathComponent("schema/\(Scaffold.schemaFileName)")
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            let parent = PathText.parent(folder)
            if parent == folder || parent.isEmpty { return nil }
            folder = parent
        }
    }

    static func relative(_ path: String, to directory: String) -> String? {
        let full = Scaffold.absolute(path)
        let root = Scaffold.absolute(directory)
        // On bytes: `hasPrefix` calls an NFC and an NFD folder name equal, which are two folders on disk.
        guard full.hasBytePrefix(root + "/") else { return nil }
        return String(decoding: full.utf8.dropFirst(root.utf8.count + 1), as: UTF8.self)
    }
}

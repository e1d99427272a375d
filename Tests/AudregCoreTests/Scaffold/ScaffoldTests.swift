import Foundation
import Testing
@testable import AudregCore
import AudregTestHelpers

@Suite("Scaffolding: init and new service")
struct ScaffoldTests {
    @Test("init writes a starter registry that passes every rule, with schema lines that resolve")
    func starter() throws {
        let root = try PRSupport.temporaryDirectory("init")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let registry = root + "/registry"
        let result = try Scaffold.write(StarterRegistry.files(.init(registry: registry)))
        #expect(result.kept.isEmpty)
        for file in ["policy.yaml", "teams.yaml", "issuers/example-idp.yaml", "services/example-api.yaml"] {
            #expect(result.written.contains(registry + "/" + file), "\(file) not written")
        }
        #expect(FileManager.default.fileExists(atPath: registry + "/schema/audreg-v1.json"))

        let loaded = try RegistryLoader().load(directory: registry)
        #expect(loaded.registry.policies.count == 1)
        #expect(loaded.registry.teams.count == 1)
        #expect(loaded.registry.issuers.count == 1)
        #expect(loaded.registry.services.count == 1)
        let report = Validator(today: PRSupport.today).validate(loaded)
        #expect(report.findings.isEmpty, "\(report.findings.map { "\($0.ruleID): \($0.message)" })")

        // Every file names the schema with a path that resolves from its own folder.
        for file in loaded.registry.files {
            let path = registry + "/" + file
            let first = try PRSupport.read(path).split(separator: "\n").first.map(String.init) ?? ""
            #expect(first.hasPrefix("# yaml-language-server: $schema="), "\(file): \(first)")
            let target = String(first.dropFirst("# yaml-language-server: $schema=".count))
            let resolved = ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(target)
            #expect(FileManager.default.fileExists(atPath: resolved), "\(file) points at \(target)")
        }
        let schema = try PRSupport.read(registry + "/schema/audreg-v1.json")
        #expect(schema == JSONSchemaExport.document().serialized())
    }

    @Test("init never overwrites, and adds no registry file to an existing registry")
    func neverOverwrites() throws {
        let root = try PRSupport.temporaryDirectory("init")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let registry = root + "/registry"
        try FileManager.default.createDirectory(atPath: registry + "/schema", withIntermediateDirectories: true)
        try "mine\n".write(toFile: registry + "/schema/audreg-v1.json", atomically: true, encoding: .utf8)
        let first = try Scaffold.write(StarterRegistry.files(.init(registry: registry)))
        #expect(first.kept == [registry + "/schema/audreg-v1.json"])
        #expect(try PRSupport.read(registry + "/schema/audreg-v1.json") == "mine\n")

        try "# edited\n".write(toFile: registry + "/teams.yaml", atomically: true, encoding: .utf8)
        let second = try Scaffold.write(StarterRegistry.files(.init(registry: registry)))
        #expect(second.written.isEmpty)
        #expect(try PRSupport.read(registry + "/teams.yaml") == "# edited\n")

        // A folder that already holds a registry gets no starter files at all.
        let example = try PRSupport.copyOfExampleRegistry()
        defer { try? FileManager.default.removeItem(atPath: (example as NSString).deletingLastPathComponent) }
        let files = StarterRegistry.files(.init(registry: example))
        #expect(files.allSatisfy { !$0.path.hasSuffix(".yaml") })
    }

    @Test("new service writes one valid file into the environment's folder, with the schema line")
    func newService() throws {
        let registry = try PRSupport.copyOfExampleRegistry()
        let root = (registry as NSString).deletingLastPathComponent
        defer { try? FileManager.default.removeItem(atPath: root) }
        let plan = try NewService(name: "wishlist-api", owner: "team-storefront", audience: "https://wishlist.api.larkspur.example",
                                  issuer: "corp-idp", description: "Saved products of customers.", scopes: ["wishlist.read", "wishlist.write"])
            .plan(registryDirectory: registry, today: PRSupport.today)
        #expect(plan.file.path == registry + "/services/production/wishlist-api.yaml")
        #expect(plan.file.contents.hasPrefix("# yaml-language-server: $schema="))
        #expect(plan.file.contents.contains("algorithms: [RS256]"))
        #expect(plan.file.contents.contains("maxLifetime: 15m"))
        #expect(plan.file.contents.contains("environment: production"))
        #expect(plan.findings.allSatisfy { $0.severity != .error })
        _ = try Scaffold.write([plan.file])

        let report = try Validator(today: PRSupport.today).validate(directory: registry)
        #expect(report.findings.isEmpty, "\(report.findings.map { "\($0.ruleID): \($0.message)" })")
        let service = try #require(report.registry.index().services["wishlist-api"])
        #expect(service.audiences.map(\.value) == ["https://wishlist.api.larkspur.example"])
        #expect(service.scopes.map(\.value) == ["wishlist.read", "wishlist.write"])

        // Written once, refused the second time.
        #expect(throws: ScaffoldError.self) {
            _ = try NewService(name: "wishlist-api", owner: "team-storefront", audience: "https://other.example", issuer: "corp-idp")
                .plan(registryDirectory: registry, today: PRSupport.today)
        }
    }

    @Test("new service refuses what would not validate, and writes nothing")
    func refusals() throws {
        let registry = try PRSupport.copyOfExampleRegistry()
        defer { try? FileManager.default.removeItem(atPath: (registry as NSString).deletingLastPathComponent) }
        func attempt(_ request: NewService) -> ScaffoldError? {
            do {
                _ = try request.plan(registryDirectory: registry, today: PRSupport.today)
                return nil
            } catch let error as ScaffoldError {
                return error
            } catch {
                return ScaffoldError("\(error)")
            }
        }
        let base = NewService(name: "wishlist-api", owner: "team-storefront", audience: "https://wishlist.api.larkspur.example", issuer: "corp-idp")
        var request = base
        request.owner = "team-nobody"
        #expect(attempt(request)?.description.contains("no team 'team-nobody'") == true)
        request = base
        request.issuer = "google"
        #expect(attempt(request)?.description.contains("no issuer 'google'") == true)
        request = base
        request.audience = "https://orders.api.larkspur.example"
        #expect(attempt(request)?.description.contains("already belongs to 'orders-api'") == true)
        request = base
        request.name = "Wishlist API"
        #expect(attempt(request)?.description.contains("not a valid name") == true)
        // A regular expression's `$` matches before a final line break; the name check does not.
        request.name = "wishlist-api\n"
        #expect(attempt(request)?.description.contains("not a valid name") == true)
        request = base
        request.algorithms = ["HS256"]
        let error = attempt(request)
        #expect(error?.findings.contains { $0.ruleID == "algorithm-not-allowed" } == true, "\(String(describing: error))")
        request = base
        request.audience = "https://wishlist.api.larkspur.example/\"\n  evil: [x"
        let quoted = try? request.plan(registryDirectory: registry, today: PRSupport.today)
        if let quoted {
            // Hostile text stays one quoted scalar: the file still loads as one service with that audience.
            let loaded = RegistryLoader().load(text: quoted.file.contents, file: "x.yaml")
            #expect(loaded.registry.services.first?.audiences.map(\.value) == [ExactString(request.audience)])
        }
        #expect(!FileManager.default.fileExists(atPath: registry + "/services/production/wishlist-api.yaml"))
    }

    @Test("relative schema paths")
    func relativePaths() {
        #expect(Scaffold.relativePath(from: "/r/registry/services/production", to: "/r/schema/audreg-v1.json") == "../../../schema/audreg-v1.json")
        #expect(Scaffold.relativePath(from: "/r/registry", to: "/r/schema/audreg-v1.json") == "../schema/audreg-v1.json")
        #expect(Scaffold.relativePath(from: "/r", to: "/r/schema/audreg-v1.json") == "schema/audreg-v1.json")
    }

    @Test("a new file is inside the registry only when its path starts with the registry's bytes")
    func relativeOnBytes() {
        // "café" composed (NFC) and decomposed (NFD): equal as Strings, two folders on disk.
        let composed = "/r/caf\u{E9}"
        let decomposed = "/r/cafe\u{301}"
        #expect(NewService.relative(composed + "/services/a.yaml", to: composed) == "services/a.yaml")
        #expect(NewService.relative(decomposed + "/services/a.yaml", to: composed) == nil)
        #expect(NewService.relative(composed + "/services/a.yaml", to: decomposed) == nil)
    }

    @Test("YAML scalars from the command line are quoted when they must be")
    func scalars() {
        #expect(Scaffold.yamlScalar("https://orders.api.example.com") == "https://orders.api.example.com")
        #expect(Scaffold.yamlScalar("yes") == "\"yes\"")
        #expect(Scaffold.yamlScalar("1.0") == "\"1.0\"")
        #expect(Scaffold.yamlScalar("a: b") == "\"a: b\"")
        #expect(Scaffold.yamlScalar("#channel") == "\"#channel\"")
        #expect(Scaffold.yamlScalar("say \"hi\"\n") == "\"say \\\"hi\\\"\\n\"")
    }
}

@Suite("Scaffolding: new team and new issuer")
struct NewTeamAndIssuerTests {
    @Test("a new team and a new issuer owned by it pass every rule, and a service can then use both")
    func teamThenIssuerThenService() throws {
        let registry = try PRSupport.copyOfExampleRegistry()
        defer { try? FileManager.default.removeItem(atPath: (registry as NSString).deletingLastPathComponent) }
        let team = try NewTeam(name: "team-wishlist", contact: "wishlist@larkspur.example").plan(registryDirectory: registry, today: PRSupport.today)
        #expect(team.file.path == registry + "/teams/team-wishlist.yaml")
        _ = try Scaffold.write([team.file])
        let issuer = try NewIssuer(name: "wishlist-idp", owner: "team-wishlist", issuer: "https://id.wishlist.larkspur.example",
                                   jwksUri: "https://id.wishlist.larkspur.example/keys", algorithms: ["ES256"], environment: "production")
            .plan(registryDirectory: registry, today: PRSupport.today)
        _ = try Scaffold.write([issuer.file])
        let service = try NewService(name: "wishlist-api", owner: "team-wishlist", audience: "https://wishlist.api.larkspur.example", issuer: "wishlist-idp")
            .plan(registryDirectory: registry, today: PRSupport.today)
        _ = try Scaffold.write([service.file])
        let report = try Validator(today: PRSupport.today).validate(directory: registry)
        #expect(report.findings.isEmpty, "\(report.findings.map { "\($0.ruleID): \($0.message)" })")
        #expect(report.registry.index().issuers["wishlist-idp"]?.algorithms.map(\.value) == ["ES256"])
    }

    @Test("a new issuer that would raise any finding, a warning included, is refused and nothing is written")
    func issuerRefused() throws {
        let registry = try PRSupport.copyOfExampleRegistry()
        defer { try? FileManager.default.removeItem(atPath: (registry as NSString).deletingLastPathComponent) }
        let request = NewIssuer(name: "plain-idp", owner: "team-storefront", issuer: "http://id.plain.larkspur.example",
                                jwksUri: "http://id.plain.larkspur.example/keys")
        do {
            _ = try request.plan(registryDirectory: registry, today: PRSupport.today)
            Issue.record("an issuer on plain http was accepted")
        } catch let error as ScaffoldError {
            #expect(error.findings.contains { $0.ruleID == "insecure-endpoint" }, "\(error.description)")
        }
        #expect(!FileManager.default.fileExists(atPath: registry + "/issuers/plain-idp.yaml"))
        #expect(throws: ScaffoldError.self) {
            _ = try NewTeam(name: "team-storefront").plan(registryDirectory: registry, today: PRSupport.today)
        }
    }
}

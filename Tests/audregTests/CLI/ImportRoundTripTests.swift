import Foundation
import Testing
@testable import AudregCore
@testable import AudregExport
import AudregTestHelpers

/// `audreg import` of what `audreg export` wrote gives back the same audiences and issuers, for every
/// kind audreg both exports and reads.
@Suite("audreg import of audreg export (CLI)")
struct ImportRoundTripTests {
    /// Per service: its sorted audiences → the sorted (issuer value, jwksUri) pairs it accepts.
    static func trust(_ registry: Registry) -> [[String]: [[String]]] {
        let index = registry.index()
        var result: [[String]: [[String]]] = [:]
        for service in registry.services where !service.accepts.isEmpty {
            let audiences = service.audiences.map(\.value).sorted().map(\.text)
            let issuers = service.accepts.compactMap { index.issuers[$0.issuer.value] }
                .map { [$0.issuer?.value.text ?? "", $0.jwksUri?.value ?? ""] }
                .sorted { $0.lexicographicallyPrecedes($1) { $0.utf8.lexicographicallyPrecedes($1.utf8) } }
            result[audiences] = issuers
        }
        return result
    }

    @Test("export then import gives back every service's audiences and issuers", arguments: GatewayFormat.allCases)
    func roundTrip(_ format: GatewayFormat) throws {
        let directory = TemporaryDirectory()
        directory.write(".git/HEAD", "ref: refs/heads/main\n")
        let original = try RegistryLoader().load(directory: Paths.exampleRegistry).registry
        var expected = Self.trust(original)
        #expect(expected.count == 12)
        let exported = try audreg("export", format.rawValue, Paths.exampleRegistry, "--today", "2026-12-01", "--out", directory.path + "/gen")
        if format == .nginx {
            // shipping-api's two issuers have their own key sets, which nginx would pool: the whole
            // export is refused and nothing written; the other services export one by one.
            #expect(exported.status == 2)
            #expect(exported.stderr.contains("service 'shipping-api': accepted issuers 'corp-idp', 'partner-idp' cannot be exported"), "\(exported.stderr)")
            // The place is named as it opens from the current directory, as findings are.
            #expect(exported.stderr.hasPrefix("audreg: error: \(Paths.exampleRegistry)/services/production/shipping-api.yaml:14:7: "), "\(exported.stderr)")
            #expect(!FileManager.default.fileExists(atPath: directory.path + "/gen"))
            let shipping = try #require(original.services.first { $0.name == "shipping-api" })
            expected[shipping.audiences.map(\.value).sorted().map(\.text)] = nil
            for service in original.services where !service.accepts.isEmpty && service.name != "shipping-api" {
                let one = try audreg("export", "nginx", Paths.exampleRegistry, "--service", service.name, "--today", "2026-12-01", "--out", directory.path + "/gen")
                #expect(one.status == 0, "\(one.stderr)")
            }
        } else {
            #expect(exported.status == 0, "\(exported.stderr)")
        }
        let imported = try audreg("import", "gen", "--out", "registry", in: directory.path)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(!imported.stderr.contains("not imported"), "\(imported.stderr)")
        let back = try RegistryLoader().load(directory: directory.path + "/registry").registry
        #expect(Self.trust(back) == expected)

        let drift = try audreg("drift", "registry", "--skip-issuers", "--format", "json", "--today", "2026-06-01", in: directory.path)
        #expect(drift.status == 0, "\(drift.stdout)")
    }

    @Test("export aws-trust --account, then import, gives back the role's audience and issuer; drift finds no mismatch")
    func awsTrustRoundTrip() throws {
        let directory = TemporaryDirectory()
        directory.write(".git/HEAD", "ref: refs/heads/main\n")
        directory.write("source/roles.yaml", AWSTrustExportCommandTests.registry)
        directory.write("source/deploy-role.json", "{}\n") // the deployment's source, so that validate passes
        let exported = try audreg("export", "aws-trust", "source", "--account", "111122223333", "--today", "2026-06-01", "--out", "gen", in: directory.path)
        #expect(exported.status == 0, "\(exported.stderr)")
        let imported = try audreg("import", "gen", "--out", "registry", in: directory.path)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stderr.contains("(aws-iam-trust-policy)"), "\(imported.stderr)")
        #expect(!imported.stderr.contains("not imported"), "\(imported.stderr)")
        let original = try RegistryLoader().load(directory: directory.path + "/source").registry
        let back = try RegistryLoader().load(directory: directory.path + "/registry").registry
        #expect(Self.trust(original).count == 1)
        #expect(Self.trust(back) == Self.trust(original))
        let drift = try audreg("drift", "registry", "--skip-issuers", "--format", "json", "--today", "2026-06-01", "--fail-on", "never", in: directory.path)
        let rules = ((try JSONSerialization.jsonObject(with: Data(drift.stdout.utf8)) as? [String: Any])?["findings"] as? [[String: Any]] ?? [])
            .compactMap { $0["rule"] as? String }
        #expect(Set(rules).isDisjoint(with: ["config-audience-broadened", "config-audience-narrowed", "config-issuer-mismatch", "config-provider-missing"]), "\(drift.stdout)")
    }
}

import Foundation
import Testing
import AudregTestHelpers

/// Registry values an export refuses rather than write, named at the registry's file:line:column as
/// the other refusals are, with `validate`'s rule reporting the same place where one exists.
@Suite("audreg export: refused registry values (CLI)")
struct ExportRefusalTests {
    static func registry(jwksUri: String) -> String {
        """
        apiVersion: audreg/v1
        kind: Team
        metadata: {name: platform}
        ---
        apiVersion: audreg/v1
        kind: Issuer
        metadata: {name: corp-idp, owner: platform}
        spec:
          issuer: https://idp.example.com
          jwksUri: "\(jwksUri)"
        ---
        apiVersion: audreg/v1
        kind: Service
        metadata: {name: orders-api, owner: platform}
        spec:
          audiences: [https://orders.example.com]
          accepts: [{issuer: corp-idp}]

        """
    }

    @Test("a jwksUri naming a Unix socket is an insecure-endpoint error and export nginx refuses it at its file:line:column, even with --fail-on never")
    func nginxUnixSocket() throws {
        let directory = TemporaryDirectory()
        directory.write("registry/idp.yaml", Self.registry(jwksUri: "https://unix:/tmp/x.sock:/keys"))
        let registry = directory.path + "/registry"
        let validate = try audreg("validate", registry, "--today", "2026-06-01")
        #expect(validate.status == 1, "\(validate.stdout)\(validate.stderr)")
        #expect(validate.stdout.contains("idp.yaml:10:12"), "\(validate.stdout)")
        #expect(validate.stdout.contains("insecure-endpoint") && validate.stdout.contains("names a local Unix socket"), "\(validate.stdout)")

        let refused = try audreg("export", "nginx", registry, "--out", directory.path + "/nginx", "--today", "2026-06-01", "--fail-on", "never")
        #expect(refused.status == 2, "\(refused.status) \(refused.stderr)")
        #expect(refused.stderr.contains("\(registry)/idp.yaml:10:12: service 'orders-api': JWKS URI 'https://unix:/tmp/x.sock:/keys' cannot be exported: nginx's proxy_pass needs https://host[:port]/path"), "\(refused.stderr)")
        #expect(refused.stderr.contains("names a local Unix socket"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/nginx"))

        // The same issuer with a network host is written as it stands.
        directory.write("registry/idp.yaml", Self.registry(jwksUri: "https://idp.example.com/keys"))
        let written = try audreg("export", "nginx", registry, "--today", "2026-06-01")
        #expect(written.status == 0 && written.stdout.contains("proxy_pass \"https://idp.example.com/keys\";"), "\(written.stderr)")
    }
}

import Foundation
import Testing
@testable import AudregCore
import AudregTestHelpers

/// `audreg import`: a registry from deployed configs that loads, and that `drift` over the same configs
/// finds no difference with; never an overwritten file; config values kept byte for byte.
@Suite("audreg import (CLI)")
struct ImportCommandTests {
    /// One corpus fixture per kind whose providers the registry can express exactly.
    static let mixed: [(fixture: String, kind: String)] = [
        ("envoy-requires-provider-and-audiences.yaml", "envoy-jwt-authn"),
        ("istio-non-url-issuer.yaml", "istio-request-authentication"),
        ("envoy-gateway-security-policy.yaml", "envoy-gateway-security-policy"),
        ("nginx-auth-jwt-aud-map.conf", "nginx"),
        ("kubernetes-authentication-configuration.yaml", "kubernetes"),
        ("kong-jwt-consumers.yaml", "kong"),
        ("spring-placeholder-same-file.yml", "spring-boot"),
        ("aws-apigateway-cfn-jwt.yaml", "aws-apigateway-jwt-authorizer"),
        ("azure-apim-validate-jwt.xml", "azure-apim-policy"),
        ("aws-iam-trust-github.json", "aws-iam-trust-policy"),
        ("vault-jwt-roles.yaml", "vault-jwt-role"),
    ]

    /// oauth2-proxy-bearer.cfg without its extra_jwt_issuers: that pair accepts another audience than the
    /// main issuer, which one registry service cannot say (drift reports it; see `wholeCorpus`).
    static let oauth2Proxy = """
        ## oauth2-proxy config file in the form of contrib/oauth2-proxy.cfg.example
        ## (https://oauth2-proxy.github.io/oauth2-proxy/configuration/overview, "Config File").
        provider = "oidc"
        http_address = "0.0.0.0:4180"
        upstreams = ["http://127.0.0.1:8080/"]
        oidc_issuer_url = "https://idp.example.com/realms/corp"
        client_id = "orders-web"
        client_secret_file = "/etc/oauth2-proxy/client-secret"
        oidc_extra_audiences = ["https://orders-web.example.com"]
        skip_jwt_bearer_tokens = true
        email_domains = ["*"]

        """

    static let mismatchRules: Set<String> = ["config-audience-broadened", "config-audience-narrowed", "config-issuer-mismatch", "config-provider-missing",
                                             "config-trust-subject-mismatch"]
    static let loaderRules: Set<String> = [LoaderRuleID.yamlSyntax, LoaderRuleID.duplicateKey, LoaderRuleID.schema, "unknown-reference", "duplicate-name"]

    /// A repository with the configs in `configs/`.
    static func repository(_ configs: [String: String] = [:], fixtures: [String] = mixed.map(\.fixture)) throws -> TemporaryDirectory {
        let directory = TemporaryDirectory()
        directory.write(".git/HEAD", "ref: refs/heads/main\n")
        for fixture in fixtures {
            directory.write("configs/" + fixture, try String(contentsOfFile: Paths.packageRoot + "/Tests/Fixtures/drift-corpus/" + fixture, encoding: .utf8))
        }
        for (name, text) in configs { directory.write("configs/" + name, text) }
        return directory
    }

    static func findings(_ result: ProcessResult) throws -> [[String: Any]] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)\(result.stderr)")
        return object["findings"] as? [[String: Any]] ?? []
    }

    static func files(under folder: String) -> [String: String] {
        var result: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(atPath: folder)
        while let relative = enumerator?.nextObject() as? String {
            if let text = try? String(contentsOfFile: folder + "/" + relative, encoding: .utf8) { result[relative] = text }
        }
        return result
    }

    @Test("no note line can open a CI runner command, whatever a file is named")
    func notesCannotStartCommands() throws {
        let directory = try Self.repository([":": "# not a config\n", "oauth2-proxy.cfg": Self.oauth2Proxy], fixtures: [])
        let imported = try audreg("import", ":", "oauth2-proxy.cfg", "--out", "../registry", in: directory.path + "/configs")
        #expect(imported.status == 0, "\(imported.stderr)")
        let lines = imported.stderr.split(separator: "\n")
        #expect(lines.contains { $0.contains(": not a config of a known kind") }, "\(imported.stderr)")
        #expect(!lines.contains { $0.drop(while: { $0 == " " }).hasPrefix("::") }, "\(imported.stderr)")
    }

    @Test("a folder of mixed configs: the registry loads, and drift over the same configs finds no registry-vs-config mismatch")
    func mixedFolder() throws {
        let directory = try Self.repository(["oauth2-proxy.cfg": Self.oauth2Proxy, "README.md": "# Deploy configs\n"])
        let imported = try audreg("import", "configs", "--out", "registry", in: directory.path)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stderr.contains("configs/README.md: not a config of a known kind"), "\(imported.stderr)")
        for (fixture, kind) in Self.mixed + [("oauth2-proxy.cfg", "oauth2-proxy")] {
            #expect(imported.stderr.contains("configs/\(fixture) (\(kind))"), "\(fixture) was not read as \(kind): \(imported.stderr)")
        }
        let written = Self.files(under: directory.path + "/registry")
        let deployments = written.values.joined().components(separatedBy: "\n").filter { $0.contains("- kind: ") }
        #expect(Set(deployments.map { $0.trimmingCharacters(in: .whitespaces) }).count == Set(Self.mixed.map(\.kind) + ["oauth2-proxy"]).count,
                "\(deployments)")
        #expect(!written.keys.contains { $0.contains(".audreg-import") }, "the staging folder was left behind: \(written.keys)")
        // Federation trusts keep the subjects they admit, so drift compares them with the registry.
        #expect(written.values.contains { $0.contains("    - kind: \"aws-iam-trust-policy\"\n") && $0.contains("      trust:\n        subjects:\n          - \"repo:octo-org/octo-repo:*\"\n") },
                "the IAM trust was imported without its trust.subjects: \(written)")
        // The Vault roles pin project_path, not sub: there is no subject to state.
        #expect(!written.values.contains { $0.contains("    - kind: \"vault-jwt-role\"\n") && $0.contains("trust:") }, "\(written)")

        let validated = try audreg("validate", "registry", "--format", "json", "--today", "2026-06-01", "--fail-on", "never", in: directory.path)
        #expect(validated.status == 0, "\(validated.stderr)")
        let validateRules = try Self.findings(validated).compactMap { $0["rule"] as? String }
        #expect(Self.loaderRules.isDisjoint(with: validateRules), "\(validated.stdout)")

        let drift = try audreg("drift", "registry", "--skip-issuers", "--format", "json", "--today", "2026-06-01", "--fail-on", "never", in: directory.path)
        #expect(drift.status == 0, "\(drift.stderr)")
        let driftFindings = try Self.findings(drift)
        let mismatches = driftFindings.filter { Self.mismatchRules.contains($0["rule"] as? String ?? "") }
        #expect(mismatches.isEmpty, "\(mismatches.map { $0["message"] ?? "" })")
        // The configs' own weaknesses are what the registry is for: Kong's jwt plugin cannot check aud.
        #expect(driftFindings.contains { $0["rule"] as? String == "config-audience-unchecked" && ($0["file"] as? String)?.hasSuffix("kong-jwt-consumers.yaml") == true })

        // The same input gives the same files.
        let again = try audreg("import", "configs", "--out", "again", in: directory.path)
        #expect(again.status == 0)
        #expect(Self.files(under: directory.path + "/again") == written)
    }

    @Test("Spring configs are read with the same --spring-property and --spring-profile as drift reads them")
    func springSettings() throws {
        let application = """
            spring:
              security:
                oauth2:
                  resourceserver:
                    jwt:
                      issuer-uri: ${IDP_URL}
                      audiences: [https://orders.example.com]
            ---
            spring:
              config:
                activate:
                  on-profile: legacy
              security:
                oauth2:
                  resourceserver:
                    jwt:
                      audiences: [https://orders.example.com, https://legacy.example.com]
            """
        let directory = try Self.repository(["application.yml": application], fixtures: [])
        let unresolved = try audreg("import", "configs", "--out", "none", in: directory.path)
        #expect(unresolved.status == 1, "\(unresolved.stderr)")
        #expect(unresolved.stderr.contains("configs/application.yml:6:23: not imported"), "the unresolved placeholder is named with its place: \(unresolved.stderr)")

        let imported = try audreg("import", "configs", "--out", "registry", "--spring-property", "IDP_URL=https://idp.example.com",
                                  "--spring-profile", "legacy", in: directory.path)
        #expect(imported.status == 0, "\(imported.stderr)")
        let written = Self.files(under: directory.path + "/registry")
        #expect(written.values.contains { $0.contains("  issuer: \"https://idp.example.com\"\n") }, "\(written)")
        #expect(written.values.contains { $0.contains("    - \"https://legacy.example.com\"\n") }, "the legacy profile's audiences: \(written)")
        let drift = try audreg("drift", "registry", "--skip-issuers", "--format", "json", "--today", "2026-06-01", "--fail-on", "never",
                               "--spring-property", "IDP_URL=https://idp.example.com", "--spring-profile", "legacy", in: directory.path)
        let rules = try Self.findings(drift).compactMap { $0["rule"] as? String }
        #expect(Self.mismatchRules.isDisjoint(with: rules), "\(drift.stdout)")

        let badProperty = try audreg("import", "configs", "--out", "bad", "--spring-property", "IDP_URL", in: directory.path)
        #expect(badProperty.status == 2 && badProperty.stderr.contains("is not KEY=VALUE"), "\(badProperty.stderr)")
    }

    @Test("an issuer a config names by its discovery URL is imported as that issuer, with the URL as its discoveryUrl")
    func issuerByDiscoveryURL() throws {
        let policy = """
            <policies><inbound><validate-jwt header-name="Authorization">
              <openid-config url="https://idp.example.com/realms/corp/.well-known/openid-configuration" />
              <audiences><audience>https://orders.example.com</audience></audiences>
            </validate-jwt></inbound></policies>
            """
        let directory = try Self.repository(["apim.xml": policy], fixtures: ["envoy-requires-provider-and-audiences.yaml"])
        let imported = try audreg("import", "configs", "--out", "registry", in: directory.path)
        #expect(imported.status == 0, "\(imported.stderr)")
        let issuers = Self.files(under: directory.path + "/registry").filter { $0.key.hasPrefix("issuers/") }
        let discovered = issuers.values.filter { $0.contains("discoveryUrl:") }
        #expect(discovered.count == 1, "\(issuers)")
        #expect(discovered.first.map { $0.contains("  issuer: \"https://idp.example.com/realms/corp\"\n")
            && $0.contains("  discoveryUrl: \"https://idp.example.com/realms/corp/.well-known/openid-configuration\"\n") } == true, "\(issuers)")
        #expect(!issuers.values.contains { $0.contains("issuer: \"https://idp.example.com/realms/corp/.well-known") }, "\(issuers)")
        let drift = try audreg("drift", "registry", "--skip-issuers", "--format", "json", "--today", "2026-06-01", "--fail-on", "never", in: directory.path)
        let rules = try Self.findings(drift).compactMap { $0["rule"] as? String }
        #expect(Self.mismatchRules.isDisjoint(with: rules), "\(drift.stdout)")
    }

    @Test("the whole drift corpus imports into a registry that loads; every difference drift then reports was announced")
    func wholeCorpus() throws {
        let directory = TemporaryDirectory()
        directory.write(".git/HEAD", "ref: refs/heads/main\n")
        try FileManager.default.copyItem(atPath: Paths.packageRoot + "/Tests/Fixtures/drift-corpus", toPath: directory.path + "/configs")
        let imported = try audreg("import", "configs", "--out", "registry", in: directory.path)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stderr.contains("not imported: Istio RequestAuthentication 'orders' has no jwtRules"))
        #expect(imported.stderr.contains("checks no issuer, so there is no Issuer to import"))
        let validated = try audreg("validate", "registry", "--format", "json", "--today", "2026-06-01", in: directory.path)
        #expect(validated.status != 2, "\(validated.stderr)")
        #expect(Self.loaderRules.isDisjoint(with: try Self.findings(validated).compactMap { $0["rule"] as? String }))
        let drift = try audreg("drift", "registry", "--skip-issuers", "--format", "json", "--today", "2026-06-01", "--fail-on", "never", in: directory.path)
        for finding in try Self.findings(drift) where Self.mismatchRules.contains(finding["rule"] as? String ?? "") {
            let file = ((finding["file"] as? String ?? "?") as NSString).lastPathComponent
            #expect(imported.stderr.contains("configs/\(file):"), "drift reports \(finding["message"] ?? "") in \(file), which import did not announce")
        }
    }

    @Test("an existing file is never overwritten, and then nothing at all is written")
    func refusesToOverwrite() throws {
        let directory = try Self.repository()
        let existing = directory.write("registry/teams/imported.yaml", "# mine\n")
        let result = try audreg("import", "configs", "--out", "registry", in: directory.path)
        #expect(result.status == 2)
        #expect(result.stderr.contains("registry/teams/imported.yaml"), "\(result.stderr)")
        #expect(result.stderr.contains("nothing written"))
        #expect(try String(contentsOfFile: existing, encoding: .utf8) == "# mine\n")
        #expect(Array(Self.files(under: directory.path + "/registry").keys) == ["teams/imported.yaml"])
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/registry/services"))
    }

    @Test("a file placed while import runs is not replaced, and what was already placed is removed")
    func placementRollsBack() throws {
        let directory = TemporaryDirectory()
        let files = [ScaffoldFile(path: "a/one.yaml", contents: "1\n"), ScaffoldFile(path: "b/two.yaml", contents: "2\n")]
        // A dangling symbolic link counts as an existing file: it could point anywhere.
        try FileManager.default.createDirectory(atPath: directory.path + "/out/b", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/out/b/two.yaml", withDestinationPath: "/nonexistent/target")
        #expect(throws: ScaffoldError.self) { try RegistryImport.write(files, into: directory.path + "/out") }
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/out/a"))
        let written = try RegistryImport.write(files, into: directory.path + "/fresh/registry")
        #expect(written.count == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path + "/fresh/registry").sorted() == ["a", "b"])
    }

    @Test("a folder in DIR that is a link to an outside folder is refused, and nothing is written through it")
    func linkedFolderInOut() throws {
        let directory = try Self.repository()
        let outside = directory.path + "/outside"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: directory.path + "/registry", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: directory.path + "/registry/services", withDestinationPath: outside)
        let result = try audreg("import", "configs", "--out", "registry", in: directory.path)
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("'registry/services' is a symbolic link"), "\(result.stderr)")
        #expect(result.stderr.contains("replace the link with a folder"), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside) == [])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path + "/registry") == ["services"])
    }

    @Test("a path in an error is escaped once, when it is printed")
    func escapedOnce() throws {
        let directory = try Self.repository()
        directory.write(#"reg\istry/teams/imported.yaml"#, "# mine\n")
        let result = try audreg("import", "configs", "--out", #"reg\istry"#, in: directory.path)
        #expect(result.status == 2)
        #expect(result.stderr.contains(#"a file already exists: reg\\istry/teams/imported.yaml;"#), "\(result.stderr)")
        #expect(!result.stderr.contains(#"reg\\\\istry"#), "\(result.stderr)")
    }

    @Test("a config folder whose name differs from --out only in Unicode normalization is still read")
    func outComparedOnBytes() throws {
        let nginx = try String(contentsOfFile: Paths.packageRoot + "/Tests/Fixtures/drift-corpus/nginx-auth-jwt-aud-map.conf", encoding: .utf8)
        // The configs sit in "café" decomposed (NFD); --out names "café" composed (NFC), another folder.
        let directory = try Self.repository(["cafe\u{301}/nginx.conf": nginx], fixtures: [])
        let result = try audreg("import", "configs", "--out", "configs/caf\u{E9}", in: directory.path)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: directory.path + "/configs/caf\u{E9}/teams/imported.yaml"))
    }

    @Test("hostile config values come back byte for byte as data and never as YAML structure")
    func hostileValues() throws {
        let audience = "https://orders.example.com/\r\nkind: Policy\u{202E} # {{x}}: y"
        let issuer = "https://idp.example.com/\n---\napiVersion: audreg/v1 #"
        let provider = "corp\r\n  evil: {{name}}: \u{202E}"
        func quoted(_ text: String) -> String { YAMLText.scalar(text) }
        let envoy = """
            name: envoy.filters.http.jwt_authn
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication
              providers:
                \(quoted(provider)):
                  issuer: \(quoted(issuer))
                  audiences: [\(quoted(audience))]
                  remote_jwks:
                    http_uri: {uri: "https://idp.example.com/keys?a=1#frag", cluster: idp, timeout: 5s}
              rules:
                - match: {prefix: /}
                  requires: {provider_name: \(quoted(provider))}

            """
        let directory = try Self.repository(["envoy.yaml": envoy], fixtures: [])
        let result = try audreg("import", "configs", "--out", "registry", in: directory.path)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stderr.contains("\u{202E}") && !result.stdout.contains("\u{202E}"), "a bidi control reached the terminal")
        let loaded = try RegistryLoader().load(directory: directory.path + "/registry")
        #expect(loaded.registry.files.count == 3)
        let service = try #require(loaded.registry.services.first)
        #expect(loaded.registry.services.count == 1 && loaded.registry.issuers.count == 1 && loaded.registry.teams.count == 1)
        #expect(service.audiences.map(\.value) == [ExactString(audience)])
        #expect(loaded.registry.issuers.first?.issuer?.value == ExactString(issuer))
        #expect(loaded.registry.issuers.first?.jwksUri?.value == "https://idp.example.com/keys?a=1#frag")
        #expect(service.deployments.first?.provider?.value.isExactly(provider) == true)
        #expect(EntityName.isValid(service.name) && EntityName.isValid(loaded.registry.issuers[0].name), "\(service.name)")
        let drift = try audreg("drift", "registry", "--skip-issuers", "--format", "json", "--today", "2026-06-01", "--fail-on", "never", in: directory.path)
        let mismatches = try Self.findings(drift).filter { Self.mismatchRules.contains($0["rule"] as? String ?? "") }
        #expect(mismatches.isEmpty, "\(mismatches)")
    }

    @Test("every guessed name carries a comment saying what it was guessed from, on its own line of YAML")
    func guessedNames() throws {
        let directory = try Self.repository(fixtures: ["envoy-gateway-security-policy-no-audiences.yaml", "istio-non-url-issuer.yaml"])
        let result = try audreg("import", "configs", "--out", "registry", in: directory.path)
        #expect(result.status == 0, "\(result.stderr)")
        let written = Self.files(under: directory.path + "/registry")
        let yamlFiles = written.filter { $0.key.hasSuffix(".yaml") }
        #expect(yamlFiles.count == 5, "\(written.keys.sorted())")
        for (path, text) in yamlFiles {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            let name = try #require(lines.first { $0.hasPrefix("  name: ") }, "\(path)")
            #expect(name.contains("# audreg import: guessed ") && name.hasSuffix(" — confirm"), "\(path): \(name)")
            #expect(lines.filter { $0.hasPrefix("kind: ") }.count == 1)
        }
        let istio = try #require(yamlFiles.first { $0.value.contains("guessed from audience https://orders.example.com") })
        #expect(istio.value.contains("provider: \"jwt-example\""))
        // No audience: named after the provider, and the empty list says so.
        let unchecked = try #require(yamlFiles.first { $0.key == "services/corp.yaml" }, "\(yamlFiles.keys.sorted())")
        #expect(unchecked.value.contains("guessed from Envoy Gateway SecurityPolicy JWT provider 'corp' in configs/envoy-gateway-security-policy-no-audiences.yaml — confirm"))
        #expect(unchecked.value.contains("audiences: []"))
        #expect(written["issuers/testing-secure-istio-io.yaml"]?.contains("name: \"testing-secure-istio-io\" # audreg import: guessed from issuer testing@secure.istio.io — confirm") == true)
        #expect(result.stderr.contains("service 'corp' from Envoy Gateway SecurityPolicy JWT provider 'corp'"), "\(result.stderr)")
    }

    @Test("names are valid and deduplicated in a fixed order")
    func names() {
        #expect(RegistryImport.nameHint("https://Orders.Example.com/api/v1/") == "orders-example-com-api-v1")
        #expect(RegistryImport.nameHint("\u{202E}ünï") == "n")
        #expect(RegistryImport.nameHint(String(repeating: "a.", count: 40)).utf8.count <= 63)
        var names = RegistryImport.Names()
        #expect(names.take("orders", fallback: "x") == "orders")
        #expect(names.take("orders", fallback: "x") == "orders-2")
        #expect(names.take("", fallback: "imported-service") == "imported-service")
        let long = String(repeating: "a", count: 63)
        #expect(names.take(long, fallback: "x") == long)
        #expect(names.take(long, fallback: "x") == String(repeating: "a", count: 61) + "-2")
    }

    @Test("nothing to import exits 1 and writes nothing; --kind forces a reader; a missing path is a usage error")
    func exitCodes() throws {
        let directory = try Self.repository(["notes.txt": "nothing here\n"], fixtures: [])
        let nothing = try audreg("import", "configs", "--out", "registry", in: directory.path)
        #expect(nothing.status == 1)
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/registry"))
        let forced = try audreg("import", "configs/notes.txt", "--kind", "nginx", "--out", "registry", in: directory.path)
        #expect(forced.status == 1)
        #expect(forced.stderr.contains("configs/notes.txt"), "\(forced.stderr)")
        let badKind = try audreg("import", "configs", "--kind", "envoy", "--out", "registry", in: directory.path)
        #expect(badKind.status == 2)
        let missing = try audreg("import", "nope", "--out", "registry", in: directory.path)
        #expect(missing.status == 2 && missing.stderr.contains("'nope' does not exist"))
        let help = try audreg("import", "--help")
        #expect(help.stdout.contains("Example:") && help.stdout.contains("Exit status:"))
    }
}

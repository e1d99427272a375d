import Foundation
import Testing
@testable import AudregCore
@testable import AudregSite
@testable import AudregDrift
@testable import AudregExplain
@testable import AudregExport
import AudregTestHelpers

/// One path convention: every format of every command names files as paths that open from the current
/// directory, whatever form the registry path had; SARIF names them under %SRCROOT% (the repository root)
/// and GitHub annotations relative to $GITHUB_WORKSPACE.
@Suite("One path convention, from any working directory")
struct PathConventionTests {
    /// A repository with the registry in `registry/`, a gateway config in `deploy/` (outside the registry),
    /// two services sharing an audience (findings with related locations) and a config that widens one.
    static func repository() -> TemporaryDirectory {
        let directory = TemporaryDirectory()
        directory.write(".git/HEAD", "ref: refs/heads/main\n")
        directory.write("sub/keep", "")
        directory.write("registry/issuers/corp.yaml", """
            apiVersion: audreg/v1
            kind: Issuer
            metadata: {name: corp-idp}
            spec: {issuer: "https://id.example.com", jwksUri: "https://id.example.com/keys", algorithms: [RS256]}
            """)
        directory.write("registry/services/orders.yaml", """
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: orders-api}
            spec:
              audiences: ["https://api.example.com/orders"]
              accepts: [{issuer: corp-idp, tokenTypes: [at+jwt], algorithms: [RS256], maxLifetime: 15m}]
              deployments: [{kind: envoy-jwt-authn, source: ../../deploy/orders.yaml, provider: corp}]
            """)
        directory.write("registry/services/billing.yaml", """
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: billing-api}
            spec:
              audiences: ["https://api.example.com/orders"]
              accepts: [{issuer: corp-idp, tokenTypes: [at+jwt], algorithms: [RS256], maxLifetime: 15m}]
            """)
        directory.write("deploy/orders.yaml", """
            name: envoy.filters.http.jwt_authn
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication
              providers:
                corp:
                  issuer: https://id.example.com
                  audiences: [https://api.example.com/orders, https://everything.example.com]
                  remote_jwks: {http_uri: {uri: "https://id.example.com/keys", cluster: idp, timeout: 5s}}
            """)
        return directory
    }

    /// Every path a report names, by format, resolved the way its consumer resolves it.
    static func printedPaths(_ output: String, format: String, workingDirectory: String, root: String) throws -> [String] {
        func resolve(_ path: String) -> String { path.hasPrefix("/") ? path : workingDirectory + "/" + path }
        switch format {
        case "text":
            return output.split(separator: "\n").compactMap { line in
                let trimmed = line.drop { $0 == " " }
                guard let match = trimmed.firstMatch(of: #/^([^:\s]+):\d+:\d+/#) else { return nil }
                return resolve(String(match.1))
            }
        case "json":
            let object = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
            let findings = try #require(object["findings"] as? [[String: Any]])
            var paths: [String] = []
            for finding in findings {
                paths.append(resolve(try #require(finding["path"] as? String)))
                for related in finding["related"] as? [[String: Any]] ?? [] { paths.append(resolve(try #require(related["path"] as? String))) }
            }
            return paths
        case "github":
            return output.split(separator: "\n").compactMap { line in
                guard let match = line.firstMatch(of: #/file=([^,:]+)/#) else { return nil }
                return resolve(String(match.1).removingPercentEncoding!)
            }
        case "sarif":
            let object = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
            let run = try #require((object["runs"] as? [[String: Any]])?.first)
            let base = try #require(((run["originalUriBaseIds"] as? [String: Any])?["%SRCROOT%"] as? [String: Any])?["uri"] as? String)
            #expect(base == "file://" + root + "/")
            var paths: [String] = []
            func collect(_ value: Any) {
                if let dictionary = value as? [String: Any] {
                    if let artifact = dictionary["artifactLocation"] as? [String: Any], let uri = artifact["uri"] as? String {
                        #expect(artifact["uriBaseId"] as? String == "%SRCROOT%", "\(uri) is not under %SRCROOT%")
                        paths.append(root + "/" + uri.removingPercentEncoding!)
                    }
                    dictionary.values.forEach(collect)
                } else if let array = value as? [Any] {
                    array.forEach(collect)
                }
            }
            collect(run["results"] as Any)
            return paths
        case "junit":
            return output.split(separator: "\n").compactMap { line in
                guard let match = line.firstMatch(of: #/(?:<failure[^>]*>|<system-out>|^)([^<>:\s"]+\.yaml):\d+:\d+: /#) else { return nil }
                return resolve(String(match.1))
            }
        default:
            Issue.record("unknown format \(format)")
            return []
        }
    }

    static func environment(workspace: String? = nil) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["GITHUB_WORKSPACE"] = workspace
        environment["NO_COLOR"] = "1"
        return environment
    }

    @Test("validate and drift, every format, from the root, a subfolder and with an absolute path: every path opens",
          arguments: ["text", "json", "github", "sarif", "junit"])
    func everyPathOpens(format: String) throws {
        let repository = Self.repository()
        let root = RepositoryRoot.realPath(repository.path)!
        let forms: [(workingDirectory: String, registry: String)] = [
            (root, "registry"), (root, "./registry/"), (root + "/sub", "../registry"), (root + "/sub", root + "/registry"),
        ]
        for (workingDirectory, registry) in forms {
            for command in [["validate"], ["drift", "--skip-issuers"]] {
                let result = try run(Paths.executable, command + [registry, "--format", format, "--fail-on", "never"],
                                     in: workingDirectory, environment: Self.environment())
                #expect(result.status == 0, "\(command) \(registry): \(result.stderr)")
                let paths = try Self.printedPaths(result.stdout, format: format, workingDirectory: workingDirectory, root: root)
                #expect(!paths.isEmpty, "\(command) \(format) from \(workingDirectory) with \(registry) printed no path:\n\(result.stdout)")
                for path in paths {
                    #expect(FileManager.default.fileExists(atPath: path), "\(command) \(format) from \(workingDirectory) with \(registry): \(path) does not open")
                }
            }
        }
    }

    @Test("GitHub annotations are relative to GITHUB_WORKSPACE when it is set")
    func githubWorkspace() throws {
        let repository = Self.repository()
        let root = RepositoryRoot.realPath(repository.path)!
        let result = try run(Paths.executable, ["validate", root + "/registry", "--format", "github"], in: root + "/sub",
                             environment: Self.environment(workspace: root))
        let files = result.stdout.split(separator: "\n").compactMap { $0.firstMatch(of: #/file=([^,:]+)/#).map { String($0.1) } }
        #expect(!files.isEmpty)
        #expect(files.allSatisfy { $0.hasPrefix("registry/") }, "\(files)")
        #expect(result.stdout.contains("endColumn="))
        #expect(result.stdout.contains("see also registry/services/"), "the other service of a collision is named")
    }

    @Test("an exception is a suppressed SARIF result with its reason, and related locations are linked from the message")
    func sarifSuppressions() throws {
        let repository = Self.repository()
        repository.write("registry/services/billing.yaml", """
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: billing-api}
            spec:
              audiences: ["https://api.example.com/orders"]
              accepts: [{issuer: corp-idp, tokenTypes: [at+jwt], algorithms: [RS256], maxLifetime: 15m}]
              exceptions:
                - {rule: audience-collision, reason: Shared during the billing split., approvedBy: security, expires: 2027-01-31, ticket: SEC-9}
            """)
        let result = try audreg("validate", repository.path + "/registry", "--format", "sarif", "--today", "2026-12-01", "--fail-on", "never")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let results = try #require(((object["runs"] as? [[String: Any]])?.first?["results"]) as? [[String: Any]])
        let suppressed = results.filter { $0["suppressions"] != nil }
        #expect(suppressed.count == 1)
        let suppression = try #require((suppressed.first?["suppressions"] as? [[String: Any]])?.first)
        #expect(suppression["kind"] as? String == "external")
        #expect((suppression["justification"] as? String)?.contains("Shared during the billing split.") == true)
        let open = try #require(results.first { $0["suppressions"] == nil && $0["ruleId"] as? String == "audience-collision" })
        let text = try #require((open["message"] as? [String: Any])?["text"] as? String)
        #expect(text.contains("](1)"), "\(text)")
    }
}

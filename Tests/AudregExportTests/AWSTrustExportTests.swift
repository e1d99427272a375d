import Foundation
import Testing
@testable import AudregCore
@testable import AudregDrift
@testable import AudregExport
import AudregTestHelpers

/// `export aws-trust`: the Condition block parses as JSON with the registry's audiences and subjects,
/// and the whole trust policy reads back through the aws-iam-trust-policy reader with zero drift.
@Suite("AWS trust-policy export")
struct AWSTrustExportTests {
    static let registryText = """
        apiVersion: audreg/v1
        kind: Issuer
        metadata: {name: github-actions}
        spec: {issuer: "https://token.actions.githubusercontent.com"}
        ---
        apiVersion: audreg/v1
        kind: Service
        metadata: {name: deploy-role}
        spec:
          audiences: [sts.amazonaws.com]
          accepts: [{issuer: github-actions}]
          deployments:
            - kind: aws-iam-trust-policy
              source: ../gen/deploy-role.json
              trust: {subjects: ["repo:acme/deploy:ref:refs/heads/main", "repo:acme/deploy:environment:prod\\"\\u00fc"]}
        ---
        apiVersion: audreg/v1
        kind: Service
        metadata: {name: branches-role}
        spec:
          audiences: [sts.amazonaws.com]
          accepts: [{issuer: github-actions}]
          deployments:
            - kind: aws-iam-trust-policy
              source: ../gen/branches-role.json
              trust: {subjects: ["repo:acme/deploy:ref:refs/heads/*"]}
        ---
        apiVersion: audreg/v1
        kind: Service
        metadata: {name: orders-api}
        spec:
          audiences: [https://orders.example.com]
          accepts: [{issuer: github-actions}]

        """

    static func load(_ directory: TemporaryDirectory) throws -> Registry {
        try FileManager.default.createDirectory(atPath: directory.path + "/.git", withIntermediateDirectories: true)
        directory.write("registry/roles.yaml", registryText)
        return try RegistryLoader().load(directory: directory.path + "/registry").registry
    }

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
    }

    @Test("the Condition block pins aud and sub under the issuer's host; StringLike only where a subject has a wildcard")
    func conditionBlock() throws {
        let directory = TemporaryDirectory()
        let files = try AWSTrustExport(registry: try Self.load(directory)).files()
        #expect(files.map(\.0) == ["branches-role.json", "deploy-role.json"], "services without trust.subjects are left out")
        let exact = try Self.object(try #require(files.first { $0.0 == "deploy-role.json" }).1)
        let equals = try #require(exact["StringEquals"] as? [String: [String]])
        #expect(equals["token.actions.githubusercontent.com:aud"] == ["sts.amazonaws.com"])
        // Byte for byte: the quote and the precomposed ü survive the encoder and the parser.
        let subjects = try #require(equals["token.actions.githubusercontent.com:sub"])
        #expect(subjects.map { Array($0.utf8) } == [Array("repo:acme/deploy:ref:refs/heads/main".utf8), Array("repo:acme/deploy:environment:prod\"\u{FC}".utf8)])
        #expect(exact["StringLike"] == nil)
        let pattern = try Self.object(try #require(files.first { $0.0 == "branches-role.json" }).1)
        #expect((pattern["StringLike"] as? [String: [String]])?["token.actions.githubusercontent.com:sub"] == ["repo:acme/deploy:ref:refs/heads/*"])
        #expect((pattern["StringEquals"] as? [String: [String]])?.keys.sorted() == ["token.actions.githubusercontent.com:aud"])

        #expect(throws: AWSTrustExportError.noSubjects("orders-api")) { try AWSTrustExport(registry: try Self.load(TemporaryDirectory())).files(service: "orders-api") }
        #expect(AWSTrustExport.providerHost(issuer: "https://idp.example.com/realms/corp/") == "idp.example.com/realms/corp")
        #expect(AWSTrustExport.providerHost(issuer: "testing@secure.istio.io") == nil)
    }

    @Test("a '$' in a subject or audience is refused: IAM would read ${…} there as a policy variable")
    func policyVariablesAreRefused() throws {
        let directory = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.path + "/.git", withIntermediateDirectories: true)
        directory.write("registry/roles.yaml", Self.registryText.replacingOccurrences(
            of: "repo:acme/deploy:ref:refs/heads/main", with: "${token.actions.githubusercontent.com:sub}"))
        let registry = try RegistryLoader().load(directory: directory.path + "/registry").registry
        #expect {
            try AWSTrustExport(registry: registry).files()
        } throws: { error in
            guard case .policyVariable(let service, let value, let location)? = error as? AWSTrustExportError else { return false }
            // The message starts with where the value is written, as every registry error does.
            return service == "deploy-role" && value == "${token.actions.githubusercontent.com:sub}"
                && location.file == "roles.yaml" && location.line == 15
                && (error as? AWSTrustExportError)?.description.hasPrefix("roles.yaml:15:26: ") == true
        }
        // Through the CLI the place is named as it opens from the current directory, as findings are.
        directory.write("work/.keep", "")
        for (registryPath, workingDirectory, shown) in [("./registry/", directory.path, "registry/roles.yaml"),
                                                         ("../registry", directory.path + "/work", "../registry/roles.yaml")] {
            let refused = try audreg("export", "aws-trust", registryPath, "--out", "out", "--today", "2026-12-01", "--fail-on", "never",
                                     in: workingDirectory)
            #expect(refused.status != 0 && !FileManager.default.fileExists(atPath: workingDirectory + "/out"))
            #expect(refused.stderr.hasPrefix("audreg: error: \(shown):15:26: service 'deploy-role': "), "\(refused.stderr)")
        }
    }

    @Test("a whole trust policy (--account) reads back with the registry's issuer, audiences and subjects: zero drift")
    func roundTrip() async throws {
        let directory = TemporaryDirectory()
        let registry = try Self.load(directory)
        for (name, contents) in try AWSTrustExport(registry: registry, account: "111122223333").files() {
            directory.write("gen/\(name)", contents)
        }
        let config = try AWSIAMTrustPolicyReader().read(Array(try Data(contentsOf: URL(fileURLWithPath: directory.path + "/gen/deploy-role.json"))), file: "deploy-role.json")
        let provider = try #require(config.providers.first)
        #expect(provider.issuer?.value == "https://token.actions.githubusercontent.com")
        #expect(provider.audiences?.map(\.value) == [ExactString("sts.amazonaws.com")])
        #expect(provider.trust?.subjects.map(\.value.value) == registry.services.first { $0.name == "deploy-role" }?.deployments.first?.trust?.subjects.map(\.value))

        let loaded = try RegistryLoader().load(directory: directory.path + "/registry")
        var options = DriftOptions(today: Day(year: 2026, month: 12, day: 1)!)
        options.checkIssuers = false
        let report = await DriftRunner(options: options).run(loaded, registryDirectory: directory.path + "/registry", source: StaticDocumentSource([]))
        #expect(report.findings.filter { $0.ruleID.hasPrefix("config-") }.map(\.message) == [])

        // A hand-widened subject is caught.
        let path = directory.path + "/gen/branches-role.json"
        let widened = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "repo:acme/deploy:ref:refs/heads/*", with: "repo:acme/*")
        try widened.write(toFile: path, atomically: true, encoding: .utf8)
        let after = await DriftRunner(options: options).run(loaded, registryDirectory: directory.path + "/registry", source: StaticDocumentSource([]))
        #expect(Set(after.findings.map(\.ruleID)) == ["config-trust-subject-unpinned", "config-trust-subject-mismatch"])
    }

    static func roles(_ deployments: String, accepts: String = "[{issuer: github-actions}]") -> Registry {
        RegistryLoader().load(text: """
            apiVersion: audreg/v1
            kind: Issuer
            metadata: {name: github-actions}
            spec: {issuer: "https://token.actions.githubusercontent.com"}
            ---
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: deploy}
            spec:
              audiences: [sts.amazonaws.com]
              accepts: \(accepts)
              deployments: \(deployments)
            """).registry
    }

    @Test("two roles with different subjects get a policy each, never one that lets either's subjects assume both")
    func onePolicyPerRole() throws {
        let registry = Self.roles("""
            [{kind: aws-iam-trust-policy, source: iam/prod-deploy.json, trust: {subjects: ["repo:acme/deploy:ref:refs/heads/main"]}},
             {kind: aws-iam-trust-policy, source: iam/sandbox.json, trust: {subjects: ["repo:acme/playground:ref:refs/heads/feature-x"]}}]
            """)
        let files = try AWSTrustExport(registry: registry).files()
        #expect(files.map(\.0) == ["deploy.prod-deploy.json", "deploy.sandbox.json"])
        #expect(files[0].1.contains("refs/heads/main") && !files[0].1.contains("playground"), "\(files[0].1)")
        #expect(files[1].1.contains("playground") && !files[1].1.contains("refs/heads/main"), "\(files[1].1)")
        // The same subjects for two roles: one policy fits both, named as for one role.
        let same = Self.roles("""
            [{kind: aws-iam-trust-policy, source: a.json, trust: {subjects: ["repo:acme/deploy:ref:refs/heads/main"]}},
             {kind: aws-iam-trust-policy, source: b.json, trust: {subjects: ["repo:acme/deploy:ref:refs/heads/main"]}}]
            """)
        #expect(try AWSTrustExport(registry: same).files().map(\.0) == ["deploy.json"])
        // A source whose file name cannot name a file is refused at its line.
        let odd = Self.roles("""
            [{kind: aws-iam-trust-policy, source: "iam/prod deploy.json", trust: {subjects: ["repo:acme/deploy:ref:refs/heads/main"]}},
             {kind: aws-iam-trust-policy, source: iam/sandbox.json, trust: {subjects: ["repo:acme/playground:ref:refs/heads/x"]}}]
            """)
        #expect(throws: AWSTrustExportError.self) { try AWSTrustExport(registry: odd).files() }
    }

    @Test("two roles whose policy names differ only in case are refused, naming both sources: a case-insensitive file system keeps one file")
    func roleNamesDifferingInCase() throws {
        let registry = Self.roles("""
            [{kind: aws-iam-trust-policy, source: iam/deploy-role.Prod.json, trust: {subjects: ["repo:acme/deploy:ref:refs/heads/main"]}},
             {kind: aws-iam-trust-policy, source: other/deploy-role.prod.json, trust: {subjects: ["repo:acme/playground:ref:refs/heads/x"]}}]
            """)
        #expect { try AWSTrustExport(registry: registry).files() } throws: { error in
            guard case .roleNameCase(let service, let source, let other, let otherAt, let at) = error as? AWSTrustExportError else { return false }
            return service == "deploy" && source == "other/deploy-role.prod.json" && other == "iam/deploy-role.Prod.json"
                && otherAt.line == 12 && at.line == 13 && "\(error)".contains("differ only in case")
                && "\(error)".contains("'iam/deploy-role.Prod.json' (registry.yaml:12:")
        }
        // Names that differ in more than case are still two policies, compared byte for byte.
        let distinct = Self.roles("""
            [{kind: aws-iam-trust-policy, source: iam/deploy-role.Prod.json, trust: {subjects: ["repo:acme/deploy:ref:refs/heads/main"]}},
             {kind: aws-iam-trust-policy, source: other/deploy-role.prod2.json, trust: {subjects: ["repo:acme/playground:ref:refs/heads/x"]}}]
            """)
        #expect(try AWSTrustExport(registry: distinct).files().map(\.0) == ["deploy.deploy-role.Prod.json", "deploy.deploy-role.prod2.json"])
    }

    @Test("an issuer listed twice under accepts is refused, not written twice under another name")
    func issuerTwice() throws {
        let registry = Self.roles("[{kind: aws-iam-trust-policy, source: a.json, trust: {subjects: [\"repo:acme/deploy:ref:refs/heads/main\"]}}]",
                                  accepts: "[{issuer: github-actions}, {issuer: github-actions}]")
        #expect { try AWSTrustExport(registry: registry).files() } throws: { "\($0)".contains("it lists issuer 'github-actions' twice under accepts") }
    }

    @Test("a service with stated subjects but no https issuer is refused, not left out in silence")
    func noHTTPSIssuer() throws {
        let registry = Self.roles("[{kind: aws-iam-trust-policy, source: a.json, trust: {subjects: [\"repo:acme/deploy:ref:refs/heads/main\"]}}]", accepts: "[]")
        do {
            _ = try AWSTrustExport(registry: registry).files()
            Issue.record("exported")
        } catch {
            #expect(error.description.contains("accepts no issuer with an https iss"), "\(error.description)")
        }
    }
}

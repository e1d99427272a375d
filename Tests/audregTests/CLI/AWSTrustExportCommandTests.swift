import Foundation
import Testing
@testable import AudregCore
@testable import AudregExport
import AudregTestHelpers

/// `audreg export aws-trust` from the command line, its output parsed by Python's json module (an
/// implementation independent of the exporter's encoder).
@Suite("audreg export aws-trust (CLI)")
struct AWSTrustExportCommandTests {
    static let registry = """
        apiVersion: audreg/v1
        kind: Team
        metadata: {name: platform}
        ---
        apiVersion: audreg/v1
        kind: Issuer
        metadata: {name: github-actions, owner: platform}
        spec: {issuer: "https://token.actions.githubusercontent.com"}
        ---
        apiVersion: audreg/v1
        kind: Service
        metadata: {name: deploy-role, owner: platform}
        spec:
          audiences: [sts.amazonaws.com]
          accepts: [{issuer: github-actions}]
          deployments:
            - kind: aws-iam-trust-policy
              source: deploy-role.json
              trust: {subjects: ["repo:acme/deploy:ref:refs/heads/main"]}

        """

    @Test("the Condition block and the whole policy parse with python3 json and hold the registry's values")
    func pythonParses() throws {
        let directory = TemporaryDirectory()
        directory.write("registry/roles.yaml", Self.registry)
        let conditions = try audreg("export", "aws-trust", directory.path + "/registry", "--out", directory.path + "/conditions", "--today", "2026-06-01")
        #expect(conditions.status == 0, "\(conditions.stderr)")
        let policies = try audreg("export", "aws-trust", directory.path + "/registry", "--account", "111122223333", "--service", "deploy-role", "--today", "2026-06-01")
        #expect(policies.status == 0, "\(policies.stderr)")
        directory.write("policy.json", policies.stdout)
        let script = """
            import json, sys
            condition = json.load(open(sys.argv[1]))
            assert condition == {"StringEquals": {"token.actions.githubusercontent.com:aud": ["sts.amazonaws.com"],
                                                  "token.actions.githubusercontent.com:sub": ["repo:acme/deploy:ref:refs/heads/main"]}}, condition
            policy = json.load(open(sys.argv[2]))
            statement = policy["Statement"][0]
            assert statement["Principal"]["Federated"] == "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com", statement
            assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
            assert statement["Condition"] == condition
            print("ok")
            """
        let result = try run("/usr/bin/python3", ["-c", script, directory.path + "/conditions/deploy-role.json", directory.path + "/policy.json"])
        #expect(result.status == 0 && result.stdout == "ok\n", "\(result.stdout)\(result.stderr)")
    }

    @Test("roles whose policy files would differ only in case refuse the export, naming both sources as they open from here")
    func caseOnlyRoleNames() throws {
        let directory = TemporaryDirectory()
        let role = "      source: deploy-role.json\n      trust: {subjects: [\"repo:acme/deploy:ref:refs/heads/main\"]}\n"
        #expect(Self.registry.contains(role))
        directory.write("registry/roles.yaml", Self.registry.replacingOccurrences(of: role, with: """
                  source: iam/deploy-role.Prod.json
                  trust: {subjects: ["repo:acme/deploy:ref:refs/heads/main"]}
                - kind: aws-iam-trust-policy
                  source: iam/deploy-role.prod.json
                  trust: {subjects: ["repo:acme/deploy:environment:sandbox"]}

            """))
        let out = directory.path + "/conditions"
        let refused = try audreg("export", "aws-trust", "registry", "--out", out, "--today", "2026-06-01", in: directory.path)
        #expect(refused.status == 2, "\(refused.status) \(refused.stderr)")
        #expect(refused.stderr.contains("registry/roles.yaml:21:15: service 'deploy-role': "), "\(refused.stderr)")
        #expect(refused.stderr.contains("'iam/deploy-role.prod.json' and 'iam/deploy-role.Prod.json' (registry/roles.yaml:18:15) give file names that differ only in case"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("a malformed --account and a service without subjects are usage errors")
    func usageErrors() throws {
        let directory = TemporaryDirectory()
        directory.write("registry/roles.yaml", Self.registry + """
            ---
            apiVersion: audreg/v1
            kind: Service
            metadata: {name: orders-api, owner: platform}
            spec:
              audiences: [https://orders.example.com]
              accepts: [{issuer: github-actions}]

            """)
        let account = try audreg("export", "aws-trust", directory.path + "/registry", "--account", "1111-2222", "--today", "2026-06-01")
        #expect(account.status == 2, "\(account.status) \(account.stderr)")
        #expect(account.stderr.contains("--account must be a 12-digit AWS account ID"))
        let none = try audreg("export", "aws-trust", directory.path + "/registry", "--service", "orders-api", "--today", "2026-06-01")
        #expect(none.status != 0 && none.stderr.contains("states no trust.subjects"), "\(none.stderr)")
    }
}

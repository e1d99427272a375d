import Foundation
import Testing
@testable import AudregCore
@testable import AudregSite
@testable import AudregDrift
@testable import AudregExplain
@testable import AudregExport
import AudregTestHelpers

/// The built binary, end to end: exit codes are part of the contract.
@Suite("Pull-request commands, end to end")
struct PullRequestCLITests {
    static let tokens = PRSupport.path("Tests/Fixtures/tokens")

    @Test("diff --fail-on widening exits 1 on the three widenings and 0 on a description change")
    func diffExitCodes() throws {
        let head = try PRSupport.copyOfExampleRegistry()
        defer { try? FileManager.default.removeItem(atPath: (head as NSString).deletingLastPathComponent) }
        try PRSupport.edit(head, "services/production/catalog-api.yaml",
                           replacing: "description: Products, prices and availability shown in the storefront.",
                           with: "description: Products and prices.")
        let neutral = try PRSupport.audreg(["diff", PRSupport.path("registry"), head, "--fail-on", "widening", "--format", "markdown", "--today", "2026-12-01"])
        #expect(neutral.status == 0, "\(neutral.stderr)")
        #expect(neutral.stdout.contains("| ▫️ neutral | description changes |"))

        try TrustDiffTests.wideningChange(head)
        let widening = try PRSupport.audreg(["diff", PRSupport.path("registry"), head, "--fail-on", "widening", "--format", "markdown", "--today", "2026-12-01"])
        #expect(widening.status == 1)
        #expect(widening.stdout.hasPrefix(MarkdownDiffRenderer.marker))
        #expect(widening.stdout.contains("3 widening"))

        let informational = try PRSupport.audreg(["diff", PRSupport.path("registry"), head, "--format", "json", "--today", "2026-12-01"])
        #expect(informational.status == 0)
        #expect(informational.stdout.contains("\"widening\": 3"))

        let usage = try PRSupport.audreg(["diff", head])
        #expect(usage.status == 2)
        let missing = try PRSupport.audreg(["diff", head, head + "-nope"])
        #expect(missing.status == 2)
    }

    @Test("diff --git-base against the working tree")
    func diffGitBase() throws {
        let repo = try PRSupport.temporaryDirectory("git")
        defer { try? FileManager.default.removeItem(atPath: repo) }
        try FileManager.default.copyItem(atPath: PRSupport.path("registry"), toPath: repo + "/registry")
        #expect(try PRSupport.git(["init", "-q"], in: repo).status == 0)
        #expect(try PRSupport.git(["add", "."], in: repo).status == 0)
        #expect(try PRSupport.git(["commit", "-q", "-m", "base"], in: repo).status == 0)
        try TrustDiffTests.wideningChange(repo + "/registry")
        let result = try PRSupport.audreg(["diff", "--git-base", "HEAD", "registry", "--fail-on", "widening", "--today", "2026-12-01"], in: repo)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdout.contains("3 widening, 0 narrowing, 0 neutral"))
        let badRef = try PRSupport.audreg(["diff", "--git-base", "nope", "registry"], in: repo)
        #expect(badRef.status == 2)
        #expect(badRef.stderr.contains("nope"))
    }

    @Test("explain exits 0 for an admitted token and 1 for a rejected one")
    func explainExitCodes() throws {
        let common = ["explain", PRSupport.path("registry"), "--service", "orders-api", "--jwks", Self.tokens + "/jwks.json",
                      "--now", "2026-12-01T10:05:00Z"]
        let valid = try PRSupport.audreg(common + ["--token-file", Self.tokens + "/valid.jwt"])
        #expect(valid.status == 0, "\(valid.stdout)\(valid.stderr)")
        #expect(valid.stdout.contains("verdict: admitted"))
        let lines = valid.stdout.split(separator: "\n").map(String.init)
        for question in ["authentic", "issued for this service", "within its lifetime", "admitted"] {
            #expect(lines.contains { $0.hasPrefix(question) && $0.contains("pass") }, "no pass line for \(question)")
        }
        let forged = try PRSupport.audreg(common + ["--token-file", Self.tokens + "/forged.jwt"])
        #expect(forged.status == 1)
        #expect(forged.stdout.contains("verdict: rejected"))
        let other = try PRSupport.audreg(common + ["--token-file", Self.tokens + "/other-service.jwt", "--format", "json"])
        #expect(other.status == 1)
        #expect(other.stdout.contains("\"otherServices\": [\n    \"payments-api\""))
        let claims = try PRSupport.audreg(["explain", PRSupport.path("registry"), "--service", "orders-api", "--claims",
                                           Self.tokens + "/claims.json", "--now", "2026-12-01T10:05:00Z"])
        #expect(claims.status == 0, "\(claims.stdout)")
        #expect(claims.stdout.contains("not checked"))
        let usage = try PRSupport.audreg(["explain", "--service", "orders-api"])
        #expect(usage.status == 2)
    }

    @Test("init, new service and validate: a first pull request that is right by construction")
    func scaffoldRoundTrip() throws {
        let root = try PRSupport.temporaryDirectory("cli-init")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let created = try PRSupport.audreg(["init", "registry"], in: root)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("created  registry/services/example-api.yaml"))
        let again = try PRSupport.audreg(["init", "registry"], in: root)
        #expect(again.status == 0)
        #expect(!again.stdout.contains("created  registry/"))

        let added = try PRSupport.audreg(["new", "service", "billing-api", "--owner", "platform-identity",
                                          "--audience", "https://billing-api.example.com", "--issuer", "example-idp", "--scope", "billing.read"], in: root)
        #expect(added.status == 0, "\(added.stderr)")
        #expect(FileManager.default.fileExists(atPath: root + "/registry/services/billing-api.yaml"))
        let first = try PRSupport.read(root + "/registry/services/billing-api.yaml").split(separator: "\n").first
        #expect(first == "# yaml-language-server: $schema=../schema/audreg-v1.json")

        let validated = try PRSupport.audreg(["validate", "registry", "--today", "2026-12-01"], in: root)
        #expect(validated.status == 0, "\(validated.stdout)")

        let duplicate = try PRSupport.audreg(["new", "service", "billing-api", "--owner", "platform-identity",
                                              "--audience", "https://billing2.example.com", "--issuer", "example-idp"], in: root)
        #expect(duplicate.status == 1, "new's help says 1 for a refusal")
        let invalid = try PRSupport.audreg(["new", "service", "ledger-api", "--owner", "platform-identity",
                                            "--audience", "https://ledger.example.com", "--issuer", "example-idp", "--algorithm", "HS256"], in: root)
        #expect(invalid.status == 1)
        #expect(invalid.stderr.contains("algorithm-not-allowed"))
        #expect(!FileManager.default.fileExists(atPath: root + "/registry/services/ledger-api.yaml"))
    }

    @Test("a platform team's first hour: the registry at a repository's root, beside Compose and Kubernetes files")
    func firstHour() throws {
        let root = try PRSupport.temporaryDirectory("cli-first-hour")
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = try PRSupport.git(["init", "-q"], in: root)
        try "services:\n  web:\n    image: nginx\n".write(toFile: root + "/docker-compose.yml", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: root + "/k8s", withIntermediateDirectories: true)
        try "apiVersion: v1\nkind: Service\nmetadata: {name: orders}\nspec:\n  ports: [{port: 80}]\n".write(toFile: root + "/k8s/service.yaml", atomically: true, encoding: .utf8)
        try "# Misspelled on purpose.\napiVersion: audreg-v1\nkind: Team\nmetadata: {name: team-typo}\n".write(toFile: root + "/typo.yaml", atomically: true, encoding: .utf8)

        let initialized = try PRSupport.audreg(["init", "."], in: root)
        #expect(initialized.status == 0, "\(initialized.stderr)")
        #expect(initialized.stdout.contains("created  policy.yaml"))
        #expect(initialized.stdout.contains("created  schema/audreg-v1.json"))
        let added = try PRSupport.audreg(["new", "service", "orders-api", ".", "--owner", "platform-identity",
                                          "--audience", "https://orders.api.example.com", "--issuer", "example-idp"], in: root)
        #expect(added.status == 0, "\(added.stderr)")
        let first = try PRSupport.audreg(["validate", ".", "--format", "json"], in: root)
        #expect(first.status == 0, "\(first.stdout)")
        #expect(!first.stdout.contains("docker-compose.yml") && !first.stdout.contains("k8s/service.yaml"))
        #expect(first.stdout.contains("did you mean audreg/v1?"), "a misspelled apiVersion gets a note")
        let built = try PRSupport.audreg(["build", ".", "--out", "site"], in: root)
        #expect(built.status == 0, "\(built.stderr)")
        #expect(FileManager.default.fileExists(atPath: root + "/site/markdown/mkdocs.yml"))
        let again = try PRSupport.audreg(["validate", "."], in: root)
        #expect(again.status == 0, "the site's mkdocs.yml is not read back: \(again.stdout)")

        // .audregignore takes a folder out of the registry.
        try "apiVersion: audreg/v1\nkind: Team\nmetadata: {name: Not_Valid}\n".write(toFile: root + "/k8s/broken-team.yaml", atomically: true, encoding: .utf8)
        #expect(try PRSupport.audreg(["validate", "."], in: root).status == 1)
        try "# generated manifests\nk8s/\n".write(toFile: root + "/.audregignore", atomically: true, encoding: .utf8)
        #expect(try PRSupport.audreg(["validate", "."], in: root).status == 0)
    }

    @Test("init writes only inside DIR, for ., ./, an absolute path and a new folder", arguments: [".", "./", "ABSOLUTE", "new/registry"])
    func initWritesOnlyInside(form: String) throws {
        let root = try PRSupport.temporaryDirectory("cli-init-forms")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let work = root + "/work"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let directory = form == "ABSOLUTE" ? work : form
        let result = try PRSupport.audreg(["init", directory], in: work)
        #expect(result.status == 0, "\(result.stderr)")
        let entries = try FileManager.default.contentsOfDirectory(atPath: root)
        #expect(entries == ["work"], "nothing is written beside the working folder: \(entries)")
        let registry = form == "new/registry" ? work + "/new/registry" : work
        #expect(FileManager.default.fileExists(atPath: registry + "/schema/audreg-v1.json"))
        #expect(!FileManager.default.fileExists(atPath: registry + "/templates"))
        let validated = try PRSupport.audreg(["validate", directory], in: work)
        #expect(validated.status == 0, "\(validated.stdout)")
    }
}

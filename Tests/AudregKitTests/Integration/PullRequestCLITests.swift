import Foundation
import Testing
@testable import AudregKit

/// The built binary, end to end: exit codes are part of the contract.
@Suite("Pull-request commands, end to end")
struct PullRequestCLITests {
    static let tokens = PRSupport.path("Tests/AudregKitTests/Fixtures/tokens")

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
        #expect(first == "# yaml-language-server: $schema=../../schema/audreg-v1.json")

        let validated = try PRSupport.audreg(["validate", "registry", "--today", "2026-12-01"], in: root)
        #expect(validated.status == 0, "\(validated.stdout)")

        let duplicate = try PRSupport.audreg(["new", "service", "billing-api", "--owner", "platform-identity",
                                              "--audience", "https://billing2.example.com", "--issuer", "example-idp"], in: root)
        #expect(duplicate.status == 2)
        let invalid = try PRSupport.audreg(["new", "service", "ledger-api", "--owner", "platform-identity",
                                            "--audience", "https://ledger.example.com", "--issuer", "example-idp", "--algorithm", "HS256"], in: root)
        #expect(invalid.status == 1)
        #expect(invalid.stderr.contains("algorithm-not-allowed"))
        #expect(!FileManager.default.fileExists(atPath: root + "/registry/services/ledger-api.yaml"))
    }
}
